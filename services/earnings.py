"""What a worker earned, is owed and was paid, and exactly how each fen was counted."""

from peewee import Case
from peewee import fn

from models import Inspection
from models import Job
from models import Order
from prepared import Arg
from prepared import Prepared
from services import ledger
from services.clock import business_date
from services.clock import day_bounds_utc


def _today(column):
    in_day = (Inspection.created_at >= Arg("start")) & (Inspection.created_at < Arg("end"))
    return fn.COALESCE(fn.SUM(Case(None, [(in_day, column)], 0)), 0)


# One pass over the worker's inspections (covering index): today's value and pieces, and everything earned.
_EARNED = Prepared(
    lambda: Inspection.select(
        _today(Inspection.amount_fen), _today(Inspection.accepted), fn.COALESCE(fn.SUM(Inspection.amount_fen), 0)
    ).where(Inspection.worker == Arg("worker"))
)


def summary(worker, now):
    """Today's accepted value, what is owed, in flight and paid; paid = earned - owed - in flight."""
    day = business_date(now)
    start, end = day_bounds_utc(day)
    today_fen, today_pieces, earned = _EARNED.first(worker=worker.id, start=start, end=end)
    balances = ledger.balances_of_worker(worker.id)
    earned = int(earned or 0)
    return {
        "business_date": day.isoformat(),
        "today_fen": int(today_fen or 0),
        "today_pieces": int(today_pieces or 0),
        "earned_fen": earned,
        "owed_fen": balances["owed"],
        "inflight_fen": balances["inflight"],
        "paid_fen": earned - balances["owed"] - balances["inflight"],
    }


def history(worker, limit=50, before_id=None):
    """Per order (newest first): reported, accepted, rejected, rework, locked rate and amount, with inspections."""
    query = Order.select(Order, Job).join(Job).where(Order.worker == worker.id)
    if before_id:
        query = query.where(Order.id < before_id)
    orders = list(query.order_by(Order.id.desc()).limit(limit))
    inspections = {}
    if orders:
        for row in Inspection.select().where(Inspection.order.in_([o.id for o in orders])).order_by(Inspection.id):
            inspections.setdefault(row.order_id, []).append(row)
    return orders, inspections
