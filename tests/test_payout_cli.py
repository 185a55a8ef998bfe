"""`flask payouts pay` answers in labelled, plain words (and exits 1 when nothing was paid); `sandbox-pay confirm`
already delivers WeChat Pay's notify, so `sandbox-pay deliver` afterwards has nothing left to send."""

import re

import pytest

from app import reconfigure
from models import Payout
from models import Worker
from models import utcnow
from services import runtime
from services.work import inspections
from services.work import orders
from services.work import pieces


@pytest.fixture
def owed(app, make_job, make_staff, make_station):
    """A worker owed 5.80 yuan: 58 pieces accepted at 10 fen (the README's walk-through)."""
    reconfigure(app, PAYOUT_MODE="cutoff")
    runtime.current().client("wechat_pay")
    now = utcnow()
    station = make_station()
    staff = make_staff("station", station)
    job = make_job(station=station, unit_price_fen=10, total_pieces=200, materials=[])
    worker = Worker.create(mp_openid="oMP-cli", name="张三")
    order, _ = orders.accept_order(worker, job.id, 100, "o", now)
    pieces.report_pieces(worker, order.id, 60, "r", now)
    inspections.inspect(staff, order.id, 58, 2, 0, "q", now)
    return worker


def test_pay_prints_a_labelled_line_then_says_why_nothing_more_is_paid(runner, owed):
    result = runner.invoke(args=["payouts", "pay", str(owed.id)])
    assert result.exit_code == 0, result.output
    (payout,) = Payout.select().where(Payout.worker == owed.id)
    assert result.output == (
        f"付款单 {payout.out_bill_no} 金额 5.80 元 (580 fen) 状态 WAIT_USER_CONFIRM：等待工人在微信确认收款\n"
    )
    again = runner.invoke(args=["payouts", "pay", str(owed.id)])
    assert again.exit_code == 1
    assert again.output == "没有付款：应付 0.00 元，低于最低付款额 0.10 元\n"


def test_pay_says_what_the_daily_cap_left_unpaid(app, runner, owed):
    reconfigure(app, PAYOUT_WORKER_DAILY_CAP_FEN=300)
    result = runner.invoke(args=["payouts", "pay", str(owed.id)])
    assert result.exit_code == 0, result.output
    first, second = result.output.splitlines()
    assert re.fullmatch(r"付款单 LG\w+ 金额 3\.00 元 \(300 fen\) 状态 WAIT_USER_CONFIRM：等待工人在微信确认收款", first)
    assert second.startswith("未全部付款：还应付 2.80 元，已到每日付款上限（每位工人 3.00 元")
    capped = runner.invoke(args=["payouts", "pay", str(owed.id)])
    assert capped.exit_code == 1 and capped.output.startswith("没有付款：还应付 2.80 元，已到每日付款上限")


def test_pay_an_unknown_worker(runner, app):
    result = runner.invoke(args=["payouts", "pay", "999"])
    assert result.exit_code == 1 and "没有编号为 999 的工人" in result.output


def test_sandbox_confirm_delivers_the_notify_and_deliver_then_has_nothing_to_send(runner, owed):
    runner.invoke(args=["payouts", "pay", str(owed.id)])
    (payout,) = Payout.select().where(Payout.worker == owed.id)
    confirmed = runner.invoke(args=["sandbox-pay", "confirm", payout.out_bill_no])
    assert confirmed.exit_code == 0, confirmed.output
    assert f"{payout.out_bill_no}: SUCCESS" in confirmed.output
    assert re.search(r"^notify EV-\w+: HTTP 2\d\d$", confirmed.output, re.M)
    assert Payout.get_by_id(payout.id).state == "SUCCESS"
    delivered = runner.invoke(args=["sandbox-pay", "deliver"])
    assert delivered.exit_code == 0 and delivered.output == ""
