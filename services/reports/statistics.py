"""The figures the market reports to the county HR bureau, per day and per month, for the stations in scope.

Definitions: positions posted = number of jobs published (with their total pieces shown beside it); workers served =
distinct workers who took at least one order; placements = distinct workers with at least one inspection that
accepted pieces; pieces and earnings = accepted pieces and their value (corrections included).
"""

import datetime as dt

from peewee import fn

from models import Enterprise
from models import Inspection
from models import Job
from models import Order
from services.clock import business_date
from services.clock import day_bounds_utc

SERIES = ("jobs", "pieces_posted", "workers_served", "placements", "pieces", "earnings_fen")


def _scoped(query, station_ids):
    return query if station_ids is None else query.where(Job.station.in_(list(station_ids)))


def _month_start(day, back):
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _buckets(keys):
    return {
        key: {
            "jobs": 0,
            "pieces_posted": 0,
            "workers_served": set(),
            "placements": set(),
            "pieces": 0,
            "earnings_fen": 0,
        }
        for key in keys
    }


def _rows(station_ids, since):
    jobs = _scoped(Job.select(Job.created_at, Job.total_pieces).where(Job.created_at >= since), station_ids)
    orders = _scoped(
        Order.select(Order.created_at, Order.worker)
        .join(Job)
        .where((Order.created_at >= since) & (Order.status != "cancelled")),
        station_ids,
    )
    inspections = _scoped(
        Inspection.select(Inspection.created_at, Inspection.worker, Inspection.accepted, Inspection.amount_fen)
        .join(Order)
        .join(Job)
        .where(Inspection.created_at >= since),
        station_ids,
    )
    return list(jobs.tuples()), list(orders.tuples()), list(inspections.tuples())


def _bucketise(keys, key_of, rows):
    buckets = _buckets(keys)
    jobs, orders, inspections = rows
    for created, total in jobs:
        b = buckets.get(key_of(created))
        if b is not None:
            b["jobs"] += 1
            b["pieces_posted"] += total
    for created, worker_id in orders:
        b = buckets.get(key_of(created))
        if b is not None:
            b["workers_served"].add(worker_id)
    for created, worker_id, accepted, fen in inspections:
        b = buckets.get(key_of(created))
        if b is not None:
            b["pieces"] += accepted
            b["earnings_fen"] += fen
            if accepted > 0:
                b["placements"].add(worker_id)
    return [(key, {k: (len(v) if isinstance(v, set) else v) for k, v in buckets[key].items()}) for key in keys]


def _totals(station_ids):
    if station_ids is None:
        enterprises = Enterprise.select().count()
    else:
        enterprises = _scoped(Job.select(fn.COUNT(Job.enterprise.distinct())), station_ids).scalar() or 0
    jobs, posted = _scoped(Job.select(fn.COUNT(Job.id), fn.SUM(Job.total_pieces)), station_ids).tuples().first()
    served = _scoped(
        Order.select(fn.COUNT(Order.worker.distinct())).join(Job).where(Order.status != "cancelled"), station_ids
    ).scalar()
    placed = _scoped(
        Inspection.select(fn.COUNT(Inspection.worker.distinct())).join(Order).join(Job).where(Inspection.accepted > 0),
        station_ids,
    ).scalar()
    pieces, fen = (
        _scoped(
            Inspection.select(fn.SUM(Inspection.accepted), fn.SUM(Inspection.amount_fen)).join(Order).join(Job),
            station_ids,
        )
        .tuples()
        .first()
    )
    return {
        "enterprises": int(enterprises or 0),
        "jobs": int(jobs or 0),
        "pieces_posted": int(posted or 0),
        "workers_served": int(served or 0),
        "placements": int(placed or 0),
        "pieces": int(pieces or 0),
        "earnings_fen": int(fen or 0),
    }


def report(station_ids, now, days=30, months=12):
    """All-time totals, the last `days` market days and the last `months` calendar months."""
    today = business_date(now)
    day_keys = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    month_keys = [_month_start(today, n) for n in range(months - 1, -1, -1)]
    since = day_bounds_utc(min(day_keys[0], month_keys[0]))[0]
    rows = _rows(station_ids, since)
    return {
        "today": today,
        "totals": _totals(station_ids),
        "daily": _bucketise(day_keys, business_date, rows),
        "monthly": _bucketise(month_keys, lambda t: business_date(t).replace(day=1), rows),
    }
