"""Payout endpoints: the worker's transfers to confirm, payout history and amount owed; cash at the desk."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from handlers.common import worker_required
from services.clock import iso_utc
from services.payouts import cash as payout_cash
from services.payouts import queries as payout_queries

bp = Blueprint("payouts", __name__, url_prefix="/api/v1")


def payout_json(p, items=None):
    body = {
        "id": p.id,
        "method": p.method,
        "out_bill_no": p.out_bill_no,
        "amount_fen": p.amount_fen,
        "state": p.state,
        "business_date": p.business_date.isoformat() if p.business_date else None,
        "created_at": iso_utc(p.created_at),
        "finished_at": iso_utc(p.finished_at),
        "deadline": iso_utc(p.deadline) if p.method == "wechat" else None,
        "fail_reason": p.fail_reason,
        "station_id": p.station_id,
    }
    if items is not None:
        body["pieces"] = [_piece_json(i) for i in items]
    return body


def _piece_json(item):
    """The accepted pieces one payout item settles: which inspection, how many at what rate, how many fen."""
    inspection = item.inspection
    return {
        "inspection_id": item.inspection_id,
        "order_id": inspection.order_id,
        "job_title": inspection.order.job.title,
        "accepted": inspection.accepted,
        "rate_fen": inspection.rate_fen,
        "inspected_at": iso_utc(inspection.created_at),
        "amount_fen": item.amount_fen,
    }


@bp.get("/me/payouts/pending")
@worker_required
def pending():
    found = payout_queries.pending_for_worker(g.worker, now())
    return jsonify(
        {
            "mch_id": found["mch_id"],
            "app_id": found["app_id"],
            "payouts": [dict(payout_json(p), package_info=p.package_info) for p in found["payouts"]],
        }
    )


@bp.get("/me/payouts")
@worker_required
def history():
    q = query_args()
    rows, items, balances = payout_queries.history_for_worker(g.worker, q.limit, q.before_id)
    return jsonify(
        {
            "owed_fen": balances["owed"],
            "inflight_fen": balances["inflight"],
            "payouts": [payout_json(p, items.get(p.id, [])) for p in rows],
            "next_before_id": next_before_id(rows, q.limit),
        }
    )


@bp.post("/me/payouts/<int:payout_id>/confirmed")
@worker_required
def confirmed(payout_id):
    return jsonify(payout_json(payout_queries.refresh_own_payout(g.worker, payout_id, now())))


@bp.post("/staff/payouts/cash")
@staff_required("admin", "station")
def cash():
    b = json_body()
    payout, created = payout_cash.record_cash_payout(
        g.staff, b.get("worker_id"), b.get("amount_fen"), b.get("request_id"), now(), b.get("station_id")
    )
    return jsonify(payout_json(payout)), 201 if created else 200
