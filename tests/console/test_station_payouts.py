"""A WeChat transfer counts for the stations whose pieces it settles: on the dashboard, the stations' rows and the
payouts board, each station with its share, and the stations' rows add up to the county's figures."""

import pytest

from app import reconfigure
from models import Payout
from models import Worker
from models import utcnow
from services import runtime
from services.payouts import board as payout_board
from services.payouts import sweep as payout_sweep
from services.payouts import transfers as payouts
from services.reports import dashboard
from services.work import inspections
from services.work import orders
from services.work import pieces
from wechat.sandbox import pay_bills


@pytest.fixture
def split(app, make_station, make_staff, make_job):
    """A worker with no home station, 30 pieces accepted at station A and 20 at B (10 fen each), paid in one
    WeChat transfer of 5.00 yuan that waits for the worker's confirmation."""
    reconfigure(app, PAYOUT_MODE="cutoff")
    runtime.current().client("wechat_pay")
    now = utcnow()
    a, b = make_station("商城镇乡村驿站"), make_station("道东堡乡村驿站")
    staff = {a.id: make_staff("station", a, username="staff-a"), b.id: make_staff("station", b, username="staff-b")}
    worker = Worker.create(mp_openid="oMP-split", name="张三")
    for station, count in ((a, 30), (b, 20)):
        job = make_job(station=station, unit_price_fen=10, total_pieces=100, materials=[])
        order, _ = orders.accept_order(worker, job.id, count, f"take-{station.id}", now)
        pieces.report_pieces(worker, order.id, count, f"report-{station.id}", now)
        inspections.inspect(staff[station.id], order.id, count, 0, 0, f"qc-{station.id}", now)
    (payout,), _ = payouts.payout_for_worker(worker, now)
    assert (payout.state, payout.amount_fen) == ("WAIT_USER_CONFIRM", 500)
    return {"a": a, "b": b, "staff": staff, "worker": worker, "payout": payout, "now": now}


def _confirm(split):
    pay_bills.confirm(split["payout"].out_bill_no, now=split["now"])
    paid = payout_sweep.refresh_payout(Payout.get_by_id(split["payout"].id), split["now"])
    assert paid.state == "SUCCESS"


def _rows(figures):
    return {station.id: f for station, f in figures["stations"]}


def test_transfer_counts_for_each_station_by_its_share(split):
    a, b, now = split["a"].id, split["b"].id, split["now"]
    county = dashboard.today(None, now)
    rows = _rows(county)
    assert (rows[a]["confirm_count"], rows[a]["confirm_fen"]) == (1, 300)
    assert (rows[b]["confirm_count"], rows[b]["confirm_fen"]) == (1, 200)
    assert (county["total"]["confirm_count"], county["total"]["confirm_fen"]) == (1, 500)
    _confirm(split)
    county = dashboard.today(None, now)
    rows = _rows(county)
    assert (rows[a]["paid_today_fen"], rows[b]["paid_today_fen"]) == (300, 200)
    assert sum(f["paid_today_fen"] for f in rows.values()) == county["total"]["paid_today_fen"] == 500
    assert county["total"]["paid_today_count"] == 1 and rows[a]["paid_today_count"] == 1
    assert rows[a]["confirm_fen"] == rows[b]["confirm_fen"] == county["total"]["confirm_fen"] == 0
    here = dashboard.today({a}, now)["total"]
    assert (here["paid_today_count"], here["paid_today_fen"]) == (1, 300)


def test_payouts_board_lists_the_transfer_for_each_station_with_its_share(split):
    a, b, now = split["a"].id, split["b"].id, split["now"]
    (mine,) = payout_board.payouts({a}, "awaiting", now)
    assert (mine.id, mine.share_fen, mine.amount_fen) == (split["payout"].id, 300, 500)
    assert payout_board.counts({b}, now)["awaiting"] == 1
    _confirm(split)
    assert [(p.id, p.share_fen) for p in payout_board.payouts({b}, "done", now)] == [(split["payout"].id, 200)]
    assert [(p.id, p.share_fen) for p in payout_board.payouts(None, "done", now)] == [(split["payout"].id, 500)]
    assert payout_board.counts({a}, now)["done"] == 1 and payout_board.counts({a}, now)["awaiting"] == 0


def test_station_staff_see_the_transfer_on_their_pages(client, split, console_login):
    _confirm(split)
    console_login(split["staff"][split["a"].id])
    assert 'data-fig="paid_today">¥3.00<' in client.get("/console/").get_data(as_text=True)
    done = client.get("/console/payouts?tab=done").get_data(as_text=True)
    assert split["payout"].out_bill_no in done and "¥3.00" in done and "全额 ¥5.00" in done
    station_page = client.get(f"/console/stations/{split['a'].id}").get_data(as_text=True)
    assert 'data-fig="paid_today">¥3.00<' in station_page
