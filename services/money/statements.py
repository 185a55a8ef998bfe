"""Monthly statements: per enterprise (pieces per job and rate, rejects, materials issued, used, in hand and lost,
amount owed) and per worker (pieces, amounts, payouts). One query per table; station staff see only their station's
jobs."""

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
from services import unit
from services.clock import day_bounds_utc
from services.errors import BadRequest
from services.errors import Forbidden
from services.errors import NotFound
from services.people.scope import station_ids_for
from services.work import material_balance


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
    materials = _material_rows(jobs_where, start, end)
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


def _material_rows(jobs_where, start, end):
    """Per job and material, summed over the orders that moved materials or had pieces inspected in the month: each
    order's balance (material_balance) to the month's end, so material held for unfinished pieces is not loss."""
    active = MaterialMovement.select(MaterialMovement.order).join(Order).join(Job).where(
        jobs_where & _in_month(MaterialMovement.created_at, start, end)
    ) | Inspection.select(Inspection.order).join(Order).join(Job).where(
        jobs_where & _in_month(Inspection.created_at, start, end)
    )
    orders = list(Order.select(Order.id, Order.job, Order.quantity, Order.status).where(Order.id.in_(active)).tuples())
    moved = {}
    for order_id, material_id, kind, total in (
        MaterialMovement.select(
            MaterialMovement.order, MaterialMovement.material, MaterialMovement.kind, fn.SUM(MaterialMovement.quantity)
        )
        .where(MaterialMovement.order.in_(active) & (MaterialMovement.created_at < end))
        .group_by(MaterialMovement.order, MaterialMovement.material, MaterialMovement.kind)
        .tuples()
    ):
        moved[(order_id, material_id, kind)] = int(total or 0)
    done = dict(
        Inspection.select(Inspection.order, fn.SUM(Inspection.accepted + Inspection.rejected))
        .where(Inspection.order.in_(active) & (Inspection.created_at < end))
        .group_by(Inspection.order)
        .tuples()
    )
    bill = list(JobMaterial.select(JobMaterial, Job.id, Job.title).join(Job).where(jobs_where).order_by(JobMaterial.id))
    lines = {}
    for m in bill:
        lines.setdefault(m.job_id, []).append(m)
    totals = {}
    for order_id, job_id, quantity, status in orders:
        pieces = int(done.get(order_id) or 0)
        if status == "done" and pieces < quantity:
            status = "open"  # done by a later inspection: open at the month's end
        unfinished = material_balance.open_pieces(quantity, pieces, status)
        for m in lines.get(job_id, []):
            issued, returned = moved.get((order_id, m.id, "issue"), 0), moved.get((order_id, m.id, "return"), 0)
            one = material_balance.balance(m.per_piece, m.loss_permille, issued, returned, pieces, unfinished)
            row = totals.setdefault(m.id, dict.fromkeys(material_balance.KEYS, 0))
            for key in material_balance.KEYS:
                row[key] += one[key]
    return [
        {"job_id": m.job_id, "job": m.job.title, "material": m.name, "unit": m.unit, **totals[m.id]}
        for m in bill
        if m.id in totals and (totals[m.id]["issued"] or totals[m.id]["returned"] or totals[m.id]["used"])
    ]


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


def statement_for_download(staff, kind, object_id, month, now):
    """A statement (kind 'enterprise' or 'worker') handed out of the console: every download is audited."""
    make = enterprise_statement if kind == "enterprise" else worker_statement
    statement = make(staff, object_id, month)
    with unit.transaction(staff, now):
        unit.audit("statement.download", None, staff.station_id, kind=kind, id=object_id, month=month)
    return statement
