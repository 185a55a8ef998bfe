"""The fair statistics equal a count by hand over generated fairs, figures and reservations."""

import datetime as dt
import random

import models
from models import Fair
from models import FairFigure
from models import FairReservation
from services.fairs import events
from services.fairs import statistics

START, END = dt.datetime(2026, 3, 31, 16), dt.datetime(2026, 4, 30, 16)  # April 2026, market time, in UTC


def _generate(admin, station, workers, rng):
    base = dt.datetime(2026, 3, 20)
    for n in range(40):
        starts = base + dt.timedelta(hours=rng.randint(0, 24 * 50))
        fair = Fair.create(title=f"场次{n}", starts_at=starts, ends_at=starts + dt.timedelta(hours=2),
                           station=station, created_by=admin, export_id=f"e{n}" if rng.random() < 0.7 else "")  # fmt: skip
        for k in range(rng.randint(0, 3)):
            origin = "fetched" if fair.export_id else "manual"
            FairFigure.create(fair=fair, origin=origin, source="微信视频号" if fair.export_id else rng.choice(["抖音", "快手"]),
                              total_audience_count=rng.randint(0, 5000),
                              fetched_at=starts + dt.timedelta(hours=3 + rng.randint(0, 3) * 10 + k))  # fmt: skip
        if fair.export_id and rng.random() < 0.2:  # typed in before the first fetch: the fetched one wins
            FairFigure.create(fair=fair, origin="manual", source="群里报的", total_audience_count=99999,
                              fetched_at=starts + dt.timedelta(hours=2))  # fmt: skip
        for worker in rng.sample(workers, rng.randint(0, len(workers))):
            row = FairReservation.create(fair=fair, worker=worker, reserved_at=starts - dt.timedelta(days=1))
            if rng.random() < 0.25:
                FairReservation.update(cancelled_at=starts).where(FairReservation.id == row.id).execute()


def test_statistics_equal_a_count_by_hand(desk, login):
    rng = random.Random(482)
    workers = [login(f"w{n}")[0] for n in range(5)]
    _generate(desk.admin, desk.station, workers, rng)
    now = dt.datetime(2026, 4, 20)
    in_period = [f for f in Fair.select() if START <= f.starts_at < END]

    held = statistics.fairs_held(START, END, now)
    assert held["fair_ids"] == sorted(f.id for f in in_period if f.ends_at <= now)

    fetched, manual = {}, {}
    for f in in_period:
        readings = sorted(FairFigure.select().where(FairFigure.fair == f.id), key=lambda r: (r.fetched_at, r.id))
        got = [r for r in readings if r.origin == "fetched"]
        typed = [r for r in readings if r.origin == "manual"]
        if got:
            fetched[f.id] = got[-1]
        elif typed:
            manual[f.id] = typed[-1]
    views = statistics.views(START, END)
    assert views["fetched"]["views"] == sum(r.total_audience_count for r in fetched.values())
    assert views["fetched"]["figure_ids"] == [fetched[k].id for k in sorted(fetched)]
    assert views["manual"]["views"] == sum(r.total_audience_count for r in manual.values())
    assert views["manual"]["fair_ids"] == sorted(manual)
    assert views["manual"]["sources"] == sorted({r.source for r in manual.values()})
    assert "手工" in views["manual"]["label"] and "视频号" in views["fetched"]["label"]
    assert 99999 not in [r.total_audience_count for r in fetched.values()]

    active = [r for r in FairReservation.select() if r.cancelled_at is None and r.fair_id in {f.id for f in in_period}]
    counted = statistics.reservations(START, END)
    assert counted["reservation_ids"] == sorted(r.id for r in active)
    assert counted["count"] == len(active) and counted["workers"] == len({r.worker_id for r in active})


def test_an_empty_period_counts_nothing(app):
    assert statistics.fairs_held(START, END, models.utcnow()) == {"count": 0, "fair_ids": []}
    assert statistics.views(START, END)["fetched"]["views"] == 0
    assert statistics.reservations(START, END)["count"] == 0
    assert events.featured_of([]) == {}
