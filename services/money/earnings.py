"""What a worker earned, is owed and was paid, and exactly how each fen was counted."""

from peewee import Select
from peewee import fn

from models import Inspection
from models import Job
from models import Order
from models import Worker
from prepared import Arg
from prepared import Prepared
from services.clock import business_date
from services.clock import day_bounds_utc
from services.money import ledger


def _today(column):
    return fn.COALESCE(fn.SUM(column), 0)


def _by_id():
    return Arg("worker")


def _by_follower():
    """The id of the worker following the official account as `openid` (NULL when none is bound)."""
    return Worker.select(Worker.id).where(Worker.oa_openid == Arg("openid"))


def _summary_query(worker=_by_id):
    # One statement, so every figure comes from the same snapshot. Today's value and pieces are a range of the
    # worker's covering index (one day's rows); everything earned, owed and in flight are running totals kept in
    # the transactions that change them, so the cost does not grow with history.
    today = (
        Inspection.select(
            _today(Inspection.amount_fen).alias("today_fen"), _today(Inspection.accepted).alias("today_pieces")
        )
        .where(
            (Inspection.worker == worker())
            & (Inspection.created_at >= Arg("start"))
            & (Inspection.created_at < Arg("end"))
        )
        .alias("today")
    )
    earned = Worker.select(Worker.earned_fen).where(Worker.id == worker())
    columns = [today.c.today_fen, today.c.today_pieces, earned]
    columns += [ledger.owed_on("worker_payable", worker()), ledger.owed_on("worker_inflight", worker())]
    if worker is _by_follower:  # and whether there is such a worker at all
        columns.append(worker())
    return Select([today], columns)


_SUMMARY = Prepared(_summary_query)
_FOLLOWER_SUMMARY = Prepared(lambda: _summary_query(_by_follower))


def summary(worker, now):
    """Today's accepted value, what is owed, in flight and paid; paid = earned - owed - in flight."""
    day = business_date(now)
    start, end = day_bounds_utc(day)
    return _figures(day, _SUMMARY.first(worker=worker.id, start=start, end=end))


def summary_of_follower(oa_openid, now):
    """`summary()` of the worker following the official account as `oa_openid`, or None when no worker is bound
    to it: the worker is found in the same statement (the official account's 收入 answers with one read)."""
    day = business_date(now)
    start, end = day_bounds_utc(day)
    row = _FOLLOWER_SUMMARY.first(openid=oa_openid, start=start, end=end)
    return None if row[-1] is None else _figures(day, row[:-1])


def _figures(day, row):
    today_fen, today_pieces, earned, owed, inflight = (int(value or 0) for value in row)
    return {
        "business_date": day.isoformat(),
        "today_fen": today_fen,
        "today_pieces": today_pieces,
        "earned_fen": earned,
        "owed_fen": owed,
        "inflight_fen": inflight,
        "paid_fen": earned - owed - inflight,
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
