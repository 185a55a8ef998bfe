"""Today at a glance: the figures of the county (or of the stations a staff member sees) and of each station.

Definitions: workers active = workers holding an open order; orders open = orders not yet done or cancelled;
awaiting inspection = pieces reported and not yet inspected; accepted / paid today = on the market's calendar day.
Payouts count as models.Payout.station_shares says: cash for the desk that paid it, a transfer for the stations whose
pieces it settles (its share there), so the stations' rows add up to the county's figures (payout counts aside: a
transfer settling two stations' pieces is one payout of each).
"""

from peewee import fn

from models import Inspection
from models import Job
from models import Order
from models import Payout
from models import Station
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


def _payout_sums(where, station_ids):
    """({station id: (payouts, fen)}, (payouts, fen) of the scope) of the payouts matching `where`.

    A payout touching two stations counts once for each (with its share there) and once for the scope.
    """
    shares = Payout.station_shares(where, station_ids).alias("shares")
    count, fen = fn.COUNT(shares.c.payout_id.distinct()), fn.SUM(shares.c.fen)
    per = {
        station_id: (int(n or 0), int(total or 0))
        for station_id, n, total in Payout.select(shares.c.station_id, count, fen)
        .from_(shares)
        .group_by(shares.c.station_id)
        .tuples()
    }
    if station_ids is None:  # the county: every payout, also one no station's share covers
        scope = Payout.select(fn.COUNT(Payout.id), fn.SUM(Payout.amount_fen)).where(where).tuples().first()
    else:
        scope = Payout.select(count, fen).from_(shares).tuples().first()
    return per, (int(scope[0] or 0), int(scope[1] or 0))


def _payouts(station_ids, start, end, per, total):
    """Paid today and awaiting the worker's confirmation, per station (its share) and for the scope."""
    paid = (Payout.state == "SUCCESS") & (Payout.finished_at >= start) & (Payout.finished_at < end)
    waiting = Payout.state.in_(WAITING_CONFIRM)
    for where, count_key, fen_key in (
        (paid, "paid_today_count", "paid_today_fen"),
        (waiting, "confirm_count", "confirm_fen"),
    ):
        by_station, scope = _payout_sums(where, station_ids)
        for station_id, (count, fen) in by_station.items():
            if station_id in per:
                per[station_id].update({count_key: count, fen_key: fen})
        total.update({count_key: scope[0], fen_key: scope[1]})


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
    total = _empty()
    for figures in per.values():
        for key in FIGURES:
            total[key] += figures[key]
    _payouts(station_ids, start, end, per, total)
    total["workers_active"] = _distinct_active(station_ids)
    return {"date": business_date(now), "total": total, "stations": [(s, per[s.id]) for s in stations]}
