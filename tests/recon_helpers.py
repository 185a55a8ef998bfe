"""A seeded business day for the reconciliation and statement tests: orders, reports, inspections, materials,
a WeChat payout confirmed through the sandbox, one left waiting for the worker, and cash at the desk."""

import datetime as dt
import itertools

import pytest

from app import reconfigure
from models import Worker
from models import utcnow
from services import runtime
from services.clock import business_date
from services.payouts import sweep as payout_sweep
from services.payouts import transfers as payouts
from services.payouts.cash import record_cash_payout
from services.work import inspections
from services.work import materials
from services.work import orders
from services.work import pieces
from wechat.sandbox import pay_bills

# two days ago, so catch-up from go-live stays short and the sandbox serves the bill (never a future date)
DAY = business_date(utcnow()) - dt.timedelta(days=2)
_ids = itertools.count(1)


def market_time(day, hour, minute=0):
    """Naive UTC of `hour:minute` Beijing time on `day`."""
    return dt.datetime.combine(day, dt.time(0)) + dt.timedelta(hours=hour - 8, minutes=minute)


def new_worker(name):
    return Worker.create(mp_openid=f"oMP{name}{next(_ids):06d}", name=name)


class SeededDay:
    """What was seeded, for tests to look at and to plant faults in."""

    def __init__(self, day, station, enterprise, staff, jobs, workers, orders_, payouts_):
        self.day, self.station, self.enterprise, self.staff = day, station, enterprise, staff
        self.jobs, self.workers, self.orders, self.payouts = jobs, workers, orders_, payouts_


def _rid(prefix):
    return f"{prefix}-{next(_ids)}"


def seed_day(day, make_job, make_staff, station, enterprise, admin):
    """Seed one clean business day through the real services (clock pinned inside `day`)."""
    runtime.current().client("wechat_pay")
    t = lambda hour, minute=0: market_time(day, hour, minute)  # noqa: E731
    staff = make_staff("station", station)
    job_a = make_job(
        station=station,
        enterprise=enterprise,
        unit_price_fen=12,
        total_pieces=500,
        now=t(7),
        title="鞋灯卡扣组装",
        materials=[{"name": "卡扣", "unit": "个", "per_piece": 2, "loss_permille": 10}],
    )
    job_b = make_job(
        station=station,
        enterprise=enterprise,
        unit_price_fen=30,
        total_pieces=200,
        now=t(7),
        title="编织袋缝口",
        materials=[],
    )
    clip = job_a.materials[0]
    w1, w2, w3 = new_worker("alice"), new_worker("bob"), new_worker("carol")

    o1, _ = orders.accept_order(w1, job_a.id, 100, _rid("o"), t(8))
    materials.move_materials(staff, o1.id, clip.id, "issue", 120, _rid("m"), t(8, 5))
    pieces.report_pieces(w1, o1.id, 60, _rid("r"), t(11))
    inspections.inspect(staff, o1.id, 55, 3, 2, _rid("q"), t(11, 30))

    o2, _ = orders.accept_order(w2, job_b.id, 20, _rid("o"), t(8, 10))
    pieces.report_pieces(w2, o2.id, 20, _rid("r"), t(12))
    inspections.inspect(staff, o2.id, 20, 0, 0, _rid("q"), t(12, 30))

    o3, _ = orders.accept_order(w3, job_a.id, 10, _rid("o"), t(8, 20))
    materials.move_materials(staff, o3.id, clip.id, "issue", 21, _rid("m"), t(8, 25))
    pieces.report_pieces(w3, o3.id, 10, _rid("r"), t(13))
    inspections.inspect(staff, o3.id, 10, 0, 0, _rid("q"), t(13, 30))
    materials.move_materials(staff, o3.id, clip.id, "return", 1, _rid("m"), t(13, 40))

    # bob is paid through WeChat and confirms; alice's transfer waits for her; carol takes cash at the desk
    (p2,), _ = payouts.payout_for_worker(w2, t(12, 31))
    pay_bills.confirm(p2.out_bill_no, now=t(12, 40))
    p2 = payout_sweep.refresh_payout(p2, t(12, 41))
    (p1,), _ = payouts.payout_for_worker(w1, t(16))
    p3, _ = record_cash_payout(staff, w3.id, None, _rid("cash"), t(17), station_id=station.id)
    assert p2.state == "SUCCESS" and p1.state == "WAIT_USER_CONFIRM", (p2.state, p1.state)
    return SeededDay(
        day,
        station,
        enterprise,
        staff,
        {"a": job_a, "b": job_b},
        {"alice": w1, "bob": w2, "carol": w3},
        {"alice": o1, "bob": o2, "carol": o3},
        {"alice": p1, "bob": p2, "carol": p3},
    )


@pytest.fixture(name="seeded")
def seeded_fixture(app, make_job, make_staff, make_station, make_enterprise, admin):
    reconfigure(app, PAYOUT_MODE="cutoff")
    return seed_day(DAY, make_job, make_staff, make_station(), make_enterprise(), admin)


def seed_walk_through(day, make_job, make_staff, station, enterprise):
    """The README's walk-through on `day`: a job of two materials (1 shell, 2 clips a piece), 100 pieces ordered, 60
    reported, only the 100 shells issued, 58 accepted and 2 rejected. Returns (order, staff, shell, clip)."""
    runtime.current().client("wechat_pay")
    t = lambda hour, minute=0: market_time(day, hour, minute)  # noqa: E731
    staff = make_staff("station", station)
    job = make_job(
        station=station,
        enterprise=enterprise,
        unit_price_fen=10,
        total_pieces=2000,
        now=t(7),
        materials=[
            {"name": "鞋灯外壳", "unit": "个", "per_piece": 1, "loss_permille": 5},
            {"name": "卡扣", "unit": "个", "per_piece": 2, "loss_permille": 10},
        ],
    )
    shell, clip = sorted(job.materials, key=lambda m: m.id)
    worker = new_worker("zhang")
    order, _ = orders.accept_order(worker, job.id, 100, _rid("o"), t(8))
    pieces.report_pieces(worker, order.id, 60, _rid("r"), t(9))
    materials.move_materials(staff, order.id, shell.id, "issue", 100, _rid("m"), t(9, 5))
    inspections.inspect(staff, order.id, 58, 2, 0, _rid("q"), t(9, 10))
    return order, staff, shell, clip


def inspect_more(seeded, at, quantity=5, step=dt.timedelta(minutes=30)):
    """Bob takes, reports and has inspected `quantity` more pieces of job b from `at` on, `step` apart."""
    bob = seeded.workers["bob"]
    order, _ = orders.accept_order(bob, seeded.jobs["b"].id, quantity, _rid("more-o"), at)
    pieces.report_pieces(bob, order.id, quantity, _rid("more-r"), at + step)
    inspections.inspect(seeded.staff, order.id, quantity, 0, 0, _rid("more-q"), at + 2 * step)
    return order
