"""What a worker earned, is owed and was paid, and exactly how each fen was counted."""

from peewee import fn

from models import Inspection
from models import Job
from models import Order
from services import ledger
from services.clock import business_date
from services.clock import day_bounds_utc


def summary(worker, now):
    """Today's accepted value, what is owed, in flight and paid; paid = earned - owed - in flight."""
    start, end = day_bounds_utc(business_date(now))
    today = (
        Inspection.select(fn.COALESCE(fn.SUM(Inspection.amount_fen), 0), fn.COALESCE(fn.SUM(Inspection.accepted), 0))
        .where((Inspection.worker == worker.id) & (Inspection.created_at >= start) & (Inspection.created_at < end))
        .tuples()
        .first()
    )
    earned = (
        Inspection.select(fn.COALESCE(fn.SUM(Inspection.amount_fen), 0)).where(Inspection.worker == worker.id).scalar()
    )
    balances = ledger.worker_balances([worker.id])[worker.id]
    earned = int(earned or 0)
    return {
        "business_date": business_date(now).isoformat(),
        "today_fen": int(today[0] or 0),
        "today_pieces": int(today[1] or 0),
        "earned_fen": earned,
        "owed_fen": balances["owed"],
        "inflight_fen": balances["inflight"],
        "paid_fen": earned - balances["owed"] - balances["inflight"],
    }


def history(worker, limit=50, before_id=None):
    """Per order (newest first): reported, accepted, rejected, rework, locked rate and amount, with inspections."""
    query = (
        Order.select(Order, Job)
        .join(Job)
        .where(Order.worker == worker.id)
    )
    if before_id:
        query = query.where(Order.id < before_id)
    orders = list(query.order_by(Order.id.desc()).limit(limit))
    inspections = {}
    if orders:
        for row in (
            Inspection.select()
            .where(Inspection.order.in_([o.id for o in orders]))
            .order_by(Inspection.id)
        ):
            inspections.setdefault(row.order_id, []).append(row)
    return orders, inspections

