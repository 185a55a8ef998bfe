"""Monthly statements: per enterprise (pieces per job and rate, rejects, materials, amount owed) and per worker
(pieces, amounts, payouts). One query per table; station staff see only their station's jobs."""

import datetime as dt

from peewee import JOIN
from peewee import fn

from models import Account
from models import Enterprise
from models import Inspection
from models import Job
from models import JobMaterial
from models import LedgerTxn
from models import MaterialMovement
from models import Order
from models import Payout
from models import Posting
from models import Station
from models import Worker
from services.clock import day_bounds_utc
from services.errors import BadRequest
from services.errors import Forbidden
from services.errors import NotFound
from services.scope import station_ids_for


def month_bounds(month):
    """(first day, first day of next month) of 'YYYY-MM'; a clear 400 otherwise."""
    try:
        first = dt.datetime.strptime(str(month), "%Y-%m").date()
    except ValueError:
        raise BadRequest("月份格式应为 YYYY-MM", code="invalid_month") from None
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following


def _piece_rows(where):
    """Accepted, rejected, rework and amount per (job, rate) of inspections matching `where` (one query)."""
    query = (
        Inspection.select(
            Job.id,
            Job.title,
            Station.name,
            Inspection.rate_fen,
            fn.SUM(Inspection.accepted),
            fn.SUM(Inspection.rejected),
            fn.SUM(Inspection.rework),
            fn.SUM(Inspection.amount_fen),
        )
        .join(Order)
        .join(Job)
        .join(Station)
        .where(where)
        .group_by(Job.id, Job.title, Station.name, Inspection.rate_fen)
        .order_by(Job.id, Inspection.rate_fen)
        .tuples()
    )
    return [
        {
            "job_id": r[0],
            "job": r[1],
            "station": r[2],
            "rate_fen": r[3],
            "accepted": int(r[4] or 0),
            "rejected": int(r[5] or 0),
            "rework": int(r[6] or 0),
            "amount_fen": int(r[7] or 0),
        }
        for r in query
    ]


def _in_month(field, start, end):
    return (field >= start) & (field < end)


def enterprise_statement(staff, enterprise_id, month):
    """What was made for the enterprise in the month, what materials went where, and what it owes (fen)."""
    enterprise = Enterprise.get_or_none(Enterprise.id == enterprise_id)
    if enterprise is None:
        raise NotFound("没有这个企业", code="enterprise_not_found")
    first, following = month_bounds(month)
    start, end = day_bounds_utc(first)[0], day_bounds_utc(following)[0]
    stations = station_ids_for(staff)
    jobs_where = Job.enterprise == enterprise.id
    if stations is not None:
        jobs_where &= Job.station.in_(list(stations))
    pieces = _piece_rows(jobs_where & _in_month(Inspection.created_at, start, end))
    materials = _material_rows(jobs_where, start, end, pieces)
    value = sum(row["amount_fen"] for row in pieces)
    ledger_fen = None
    if stations is None:  # the labour account is the enterprise's as a whole
        ledger_fen = int(
            Posting.select(fn.COALESCE(fn.SUM(Posting.amount_fen), 0))
            .join(LedgerTxn)
            .switch(Posting)
            .join(Account)
            .where(
                (Account.enterprise == enterprise.id)
                & (Account.kind == "enterprise_labour")
                & (LedgerTxn.business_date >= first)
                & (LedgerTxn.business_date < following)
            )
            .scalar()
        )
    return {
        "kind": "enterprise",
        "id": enterprise.id,
        "name": enterprise.name,
        "month": first.strftime("%Y-%m"),
        "scope": "all" if stations is None else "station",
        "pieces": pieces,
        "materials": materials,
        "totals": {
            "accepted": sum(r["accepted"] for r in pieces),
            "rejected": sum(r["rejected"] for r in pieces),
            "rework": sum(r["rework"] for r in pieces),
            "pieces_fen": value,
            "owed_fen": ledger_fen if ledger_fen is not None else value,
            "ledger_fen": ledger_fen,
        },
    }


def _material_rows(jobs_where, start, end, pieces):
    lines = list(
        JobMaterial.select(JobMaterial, Job.id, Job.title).join(Job).where(jobs_where).order_by(JobMaterial.id)
    )
    moved = {}
    for material_id, kind, total in (
        MaterialMovement.select(MaterialMovement.material, MaterialMovement.kind, fn.SUM(MaterialMovement.quantity))
        .join(JobMaterial)
        .join(Job)
        .where(jobs_where & _in_month(MaterialMovement.created_at, start, end))
        .group_by(MaterialMovement.material, MaterialMovement.kind)
        .tuples()
    ):
        moved[(material_id, kind)] = int(total or 0)
    made = {}
    for row in pieces:
        made[row["job_id"]] = made.get(row["job_id"], 0) + row["accepted"] + row["rejected"]
    rows = []
    for line in lines:
        issued, returned = moved.get((line.id, "issue"), 0), moved.get((line.id, "return"), 0)
        used = made.get(line.job_id, 0) * line.per_piece
        if not (issued or returned or used):
            continue
        allowance = used * line.loss_permille // 1000
        rows.append(
            {
                "job_id": line.job_id,
                "job": line.job.title,
                "material": line.name,
                "unit": line.unit,
                "issued": issued,
                "returned": returned,
                "used": used,
                "allowed_loss": allowance,
                "lost": issued - returned - used,
            }
        )
    return rows


def _worker_in_scope(staff, worker):
    stations = station_ids_for(staff)
    if stations is None or worker.home_station_id in stations:
        return stations
    worked_here = Order.select().join(Job).where((Order.worker == worker.id) & Job.station.in_(list(stations))).exists()
    if not worked_here:
        raise Forbidden("无权查看其他驿站工人的对账单", code="other_station")
    return stations


def worker_statement(staff, worker_id, month):
    """A worker's month: pieces and amounts per job and rate, payouts, and what is owed at the month's end (fen)."""
    worker = Worker.get_or_none(Worker.id == worker_id)
    if worker is None:
        raise NotFound("没有这个工人", code="worker_not_found")
    stations = _worker_in_scope(staff, worker)
    first, following = month_bounds(month)
    start, end = day_bounds_utc(first)[0], day_bounds_utc(following)[0]
    where = (Inspection.worker == worker.id) & _in_month(Inspection.created_at, start, end)
    if stations is not None:
        where &= Job.station.in_(list(stations))
    pieces = _piece_rows(where)
    payouts = [
        {
            "business_date": p.business_date.isoformat(),
            "method": p.method,
            "out_bill_no": p.out_bill_no,
            "state": p.state,
            "amount_fen": p.amount_fen,
            "station": p.station.name if p.station_id else "",
        }
        for p in Payout.select(Payout, Station)
        .join(Station, JOIN.LEFT_OUTER)
        .where((Payout.worker == worker.id) & (Payout.business_date >= first) & (Payout.business_date < following))
        .order_by(Payout.id)
    ]
    owed_end = -int(
        Posting.select(fn.COALESCE(fn.SUM(Posting.amount_fen), 0))
        .join(LedgerTxn)
        .switch(Posting)
        .join(Account)
        .where(
            (Account.worker == worker.id) & (Account.kind == "worker_payable") & (LedgerTxn.business_date < following)
        )
        .scalar()
    )
    paid = sum(p["amount_fen"] for p in payouts if p["state"] == "SUCCESS")
    return {
        "kind": "worker",
        "id": worker.id,
        "name": worker.name or worker.real_name or f"工人{worker.id}",
        "month": first.strftime("%Y-%m"),
        "scope": "all" if stations is None else "station",
        "pieces": pieces,
        "payouts": payouts,
        "totals": {
            "accepted": sum(r["accepted"] for r in pieces),
            "rejected": sum(r["rejected"] for r in pieces),
            "rework": sum(r["rework"] for r in pieces),
            "pieces_fen": sum(r["amount_fen"] for r in pieces),
            "paid_fen": paid,
            "owed_end_fen": owed_end,
        },
    }
