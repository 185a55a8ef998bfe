"""Today at a glance: the figures of the county (or of the stations a staff member sees) and of each station.

Definitions: workers active = workers holding an open order; orders open = orders not yet done or cancelled;
awaiting inspection = pieces reported and not yet inspected; accepted / paid today = on the market's calendar day.
Payouts count for the station that paid them in cash, else for the worker's home station.
"""

from peewee import fn

from models import Inspection
from models import Job
from models import Order
from models import Payout
from models import Station
from models import Worker
from services.clock import business_date
from services.clock import day_bounds_utc

FIGURES = (
    "workers_active",
    "orders_open",
    "awaiting",
    "accepted_today",
    "earned_today_fen",
    "paid_today_fen",
    "paid_today_count",
    "confirm_count",
    "confirm_fen",
)
WAITING_CONFIRM = ("WAIT_USER_CONFIRM",)


def _empty():
    return dict.fromkeys(FIGURES, 0)


def _scoped(query, column, station_ids):
    return query if station_ids is None else query.where(column.in_(list(station_ids)))


def _orders(station_ids, per):
    # Open orders only (the status index): a finished order has every reported piece inspected, so it adds nothing
    # to "awaiting", and the view costs what is open today, not every order ever taken.
    waiting = Order.reported - Order.accepted - Order.rejected - Order.reworked
    query = (
        Order.select(Job.station, fn.COUNT(Order.id), fn.COUNT(Order.worker.distinct()), fn.SUM(waiting))
        .join(Job)
        .where(Order.status == "open")
        .group_by(Job.station)
        .tuples()
    )
    for station_id, orders_open, workers, awaiting in _scoped(query, Job.station, station_ids):
        per[station_id].update(
            orders_open=int(orders_open or 0), workers_active=int(workers or 0), awaiting=int(awaiting or 0)
        )


def _accepted(station_ids, start, end, per):
    query = (
        Inspection.select(Job.station, fn.SUM(Inspection.accepted), fn.SUM(Inspection.amount_fen))
        .join(Order)
        .join(Job)
        .where((Inspection.created_at >= start) & (Inspection.created_at < end))
        .group_by(Job.station)
        .tuples()
    )
    for station_id, pieces, fen in _scoped(query, Job.station, station_ids):
        per[station_id].update(accepted_today=int(pieces or 0), earned_today_fen=int(fen or 0))


def _payout_station():
    return fn.COALESCE(Payout.station, Worker.home_station)


def _payouts(station_ids, start, end, per, unplaced):
    """Paid today and awaiting confirmation; a payout of no station (no cash desk, no home station) is `unplaced`."""
    where_station = _payout_station()
    paid = (
        Payout.select(where_station, fn.COUNT(Payout.id), fn.SUM(Payout.amount_fen))
        .join(Worker)
        .where((Payout.state == "SUCCESS") & (Payout.finished_at >= start) & (Payout.finished_at < end))
        .group_by(where_station)
        .tuples()
    )
    for station_id, count, fen in _scoped(paid, where_station, station_ids):
        per.get(station_id, unplaced).update(paid_today_count=int(count or 0), paid_today_fen=int(fen or 0))
    confirm = (
        Payout.select(where_station, fn.COUNT(Payout.id), fn.SUM(Payout.amount_fen))
        .join(Worker)
        .where(Payout.state.in_(WAITING_CONFIRM))
        .group_by(where_station)
        .tuples()
    )
    for station_id, count, fen in _scoped(confirm, where_station, station_ids):
        per.get(station_id, unplaced).update(confirm_count=int(count or 0), confirm_fen=int(fen or 0))


def _distinct_active(station_ids):
    query = Order.select(fn.COUNT(Order.worker.distinct())).join(Job).where(Order.status == "open")
    return int(_scoped(query, Job.station, station_ids).scalar() or 0)


def today(station_ids, now):
    """{'date', 'total': figures, 'stations': [(station, figures)]} for the stations (all when None)."""
    stations = list(_scoped(Station.select().order_by(Station.id), Station.id, station_ids))
    per = {s.id: _empty() for s in stations}
    start, end = day_bounds_utc(business_date(now))
    _orders(station_ids, per)
    _accepted(station_ids, start, end, per)
    unplaced = _empty()
    _payouts(station_ids, start, end, per, unplaced)
    total = _empty()
    for figures in [*per.values(), unplaced]:
        for key in FIGURES:
            total[key] += figures[key]
    total["workers_active"] = _distinct_active(station_ids)
    return {"date": business_date(now), "total": total, "stations": [(s, per[s.id]) for s in stations]}
