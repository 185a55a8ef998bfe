"""Payout services through the WeChat Pay sandbox: ambiguous answers, a crash between commit and call,
expiry, definite refusals, caps and splits, real names, the cut-off run. Money invariants after every test."""

import datetime as dt

import pytest

from app import reconfigure
from models import LedgerTxn
from models import Payout
from models import Worker
from models import utcnow
from services.errors import Conflict
from services.money import ledger
from services.payouts import sweep as payout_sweep
from services.payouts import transfers as payouts
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
from tests.payout_helpers import payouts_of
from wechat.sandbox import pay_bills
from wechat.sandbox import store
from wechat.sandbox.store import SandboxPayBill


def _bills(out_bill_no=None):
    query = SandboxPayBill.select()
    if out_bill_no:
        query = query.where(SandboxPayBill.out_bill_no == out_bill_no)
    return query.count()


def test_timeout_after_wechat_accepted_is_resolved_by_query_without_a_second_transfer(market):
    worker, headers = market.worker()
    store.add_fault("pay/transfer-bills:after", status=599)
    market.accept(headers, 50)
    (payout,) = payouts_of(worker)
    assert payout.state == "CREATED" and "ambiguous" in payout.last_error
    assert _bills(payout.out_bill_no) == 1 and ledger.inflight_fen(worker) == 500
    assert payout_sweep.sweep_inflight(utcnow() + dt.timedelta(seconds=30)) == {}  # not due yet
    assert payout_sweep.sweep_inflight(utcnow() + dt.timedelta(minutes=3)) == {"WAIT_USER_CONFIRM": 1}
    payout = Payout.get_by_id(payout.id)
    assert payout.state == "WAIT_USER_CONFIRM" and payout.package_info
    # resolved by query (then the same number again for the package_info): still one transfer at WeChat
    assert _bills() == 1
    assert SandboxPayBill.get().transfer_bill_no == payout.transfer_bill_no
    market.confirm(payout)
    assert Payout.get_by_id(payout.id).state == "SUCCESS"


def test_5xx_before_wechat_acted_sends_the_same_number_again(market):
    worker, headers = market.worker()
    store.add_fault("pay/transfer-bills", status=502)
    market.accept(headers, 20)
    (payout,) = payouts_of(worker)
    assert payout.state == "CREATED" and _bills() == 0
    payout_sweep.sweep_inflight(utcnow() + dt.timedelta(minutes=3))
    payout = Payout.get_by_id(payout.id)
    assert payout.state == "WAIT_USER_CONFIRM" and _bills(payout.out_bill_no) == 1 and _bills() == 1


def test_process_killed_between_commit_and_call_is_recovered_by_the_sweeper(market):
    worker, headers = market.worker()
    reconfigure(market.app, PAYOUT_MODE="cutoff")  # accept without paying, then die after phase 1
    market.accept(headers, 70)
    now = utcnow()
    (payout,), _ = payouts.prepare_payouts(worker, now)  # committed; the process dies before the API call
    assert payout.state == "CREATED" and _bills() == 0 and ledger.inflight_fen(worker) == 700
    assert payout_sweep.sweep_inflight(now + dt.timedelta(minutes=1)) == {}
    assert payout_sweep.sweep_inflight(now + dt.timedelta(minutes=3)) == {"WAIT_USER_CONFIRM": 1}
    assert _bills(payout.out_bill_no) == 1
    payout_sweep.sweep_inflight(now + dt.timedelta(minutes=20))
    payouts.send_payout(payout, now + dt.timedelta(minutes=21))  # a late retry of the dead process
    assert _bills() == 1 and len(payouts_of(worker)) == 1
    market.confirm(Payout.get_by_id(payout.id))
    assert Payout.get_by_id(payout.id).state == "SUCCESS" and ledger.owed_fen(worker) == 0


def test_unconfirmed_payout_expires_and_the_money_is_owed_again(market):
    worker, headers = market.worker()
    market.accept(headers, 33)
    (first,) = payouts_of(worker)
    later = utcnow() + dt.timedelta(hours=24, minutes=1)
    market.app.config["NOW_OVERRIDE"] = lambda: later
    assert pay_bills.expire_unconfirmed(later) == [first.out_bill_no]
    assert market.deliver(now=later)[0][1] == 204
    first = Payout.get_by_id(first.id)
    assert first.state == "CANCELLED" and first.fail_reason == "TRANSFER_EXPIRED"
    assert ledger.owed_fen(worker) == 330 and ledger.inflight_fen(worker) == 0
    summary = payouts.run_cutoff_payouts(later)
    assert summary["payouts"] == 1 and summary["amount_fen"] == 330
    second = payouts_of(worker)[-1]
    assert second.out_bill_no != first.out_bill_no and second.amount_fen == 330
    assert second.state == "WAIT_USER_CONFIRM"


def test_confirmation_never_given_and_no_notify_the_sweeper_withdraws_it(market):
    worker, headers = market.worker()
    market.accept(headers, 12)
    (payout,) = payouts_of(worker)
    assert payout_sweep.sweep_inflight(utcnow() + dt.timedelta(hours=2)) == {"WAIT_USER_CONFIRM": 1}
    after_deadline = payout.deadline + dt.timedelta(minutes=15)
    assert payout_sweep.sweep_inflight(after_deadline) == {"CANCELLED": 1}
    assert Payout.get_by_id(payout.id).state == "CANCELLED" and ledger.owed_fen(worker) == 120


def test_definite_refusal_is_a_confirmed_failure_and_allows_a_new_payout(market):
    worker, headers = market.worker()
    store.add_fault("pay/transfer-bills", status=403)  # NOT_ENOUGH: WeChat made no bill
    market.accept(headers, 15)
    (failed,) = payouts_of(worker)
    assert failed.state == "FAIL" and failed.fail_reason == "NOT_ENOUGH"
    assert ledger.owed_fen(worker) == 150 and ledger.inflight_fen(worker) == 0
    (retry,), _ = payouts.payout_for_worker(worker, utcnow())
    assert retry.out_bill_no != failed.out_bill_no and retry.state == "WAIT_USER_CONFIRM"


def test_wechat_fails_a_waiting_bill(market):
    worker, headers = market.worker()
    market.accept(headers, 15)
    (payout,) = payouts_of(worker)
    pay_bills.fail(payout.out_bill_no)
    market.deliver()
    failed = Payout.get_by_id(payout.id)
    assert failed.state == "FAIL" and ledger.owed_fen(worker) == 150
    assert failed.next_check_at is None and failed.paid_at is None  # final: the sweeper never asks about it again
    assert payout_sweep.sweep_inflight(utcnow() + dt.timedelta(days=1)) == {}


def test_over_cap_amounts_are_split_or_refused_as_configured(market):
    reconfigure(market.app, PAYOUT_MODE="cutoff", PAYOUT_MAX_PER_TRANSFER_FEN=20000)
    worker, headers = market.worker()
    market.accept(headers, 450, rate_fen=100)  # 45,000 fen
    reconfigure(market.app, PAYOUT_SPLIT=False)
    assert payouts.payout_for_worker(worker, utcnow()) == ([], "over_transfer_max")
    reconfigure(market.app, PAYOUT_SPLIT=True)
    reconfigure(market.app, PAYOUT_WORKER_DAILY_CAP_FEN=30000)
    sent, reason = payouts.payout_for_worker(worker, utcnow())
    assert [p.amount_fen for p in sent] == [20000, 10000] and reason == "daily_cap"
    assert ledger.owed_fen(worker) == 15000
    assert payouts.payout_for_worker(worker, utcnow()) == ([], "daily_cap")
    reconfigure(market.app, PAYOUT_WORKER_DAILY_CAP_FEN=200000)
    sent, reason = payouts.payout_for_worker(worker, utcnow())
    assert [p.amount_fen for p in sent] == [15000] and reason == ""
    assert {b.amount for b in SandboxPayBill.select()} == {20000, 10000, 15000}


def test_merchant_daily_cap_and_minimum(market):
    reconfigure(market.app, PAYOUT_MODE="cutoff", PAYOUT_MERCHANT_DAILY_CAP_FEN=1000)
    a, a_headers = market.worker()
    b, b_headers = market.worker()
    market.accept(a_headers, 80)
    market.accept(b_headers, 80)
    summary = payouts.run_cutoff_payouts(utcnow())
    assert summary["amount_fen"] == 1000 and ledger.owed_fen(a) + ledger.owed_fen(b) == 600
    reconfigure(market.app, PAYOUT_MERCHANT_DAILY_CAP_FEN=10**7)
    c, c_headers = market.worker()
    market.accept(c_headers, 1, rate_fen=9)  # 9 fen: below WeChat's 0.1 yuan minimum, stays owed
    assert payouts.payout_for_worker(c, utcnow()) == ([], "below_minimum")


def test_real_name_is_required_and_sent_from_2000_yuan(market):
    reconfigure(market.app, PAYOUT_MODE="cutoff", PAYOUT_MAX_PER_TRANSFER_FEN=300000)
    worker, headers = market.worker()
    market.accept(headers, 2500, rate_fen=100)  # 2,500 yuan
    with pytest.raises(Conflict) as refused:
        payouts.payout_for_worker(worker, utcnow())
    assert refused.value.code == "real_name_required" and "实名" in refused.value.message
    assert payouts_of(worker) == [] and ledger.owed_fen(worker) == 250000
    Worker.update(real_name="李桂兰").where(Worker.id == worker.id).execute()
    (payout,), _ = payouts.payout_for_worker(worker, utcnow())
    assert payout.state == "WAIT_USER_CONFIRM"
    assert SandboxPayBill.get(SandboxPayBill.out_bill_no == payout.out_bill_no).user_name == "李桂兰"


def test_cutoff_mode_pays_at_the_cutoff_run_not_at_inspection(market):
    reconfigure(market.app, PAYOUT_MODE="cutoff")
    worker, headers = market.worker()
    market.accept(headers, 10)
    market.accept(headers, 5)
    assert payouts_of(worker) == [] and ledger.owed_fen(worker) == 150
    summary = payouts.run_cutoff_payouts(utcnow())
    assert summary == {"workers": 1, "payouts": 1, "amount_fen": 150, "skipped": {}}
    (payout,) = payouts_of(worker)
    assert sorted(i.amount_fen for i in payout.items) == [50, 100]
    assert payouts.run_cutoff_payouts(utcnow())["payouts"] == 0


def test_payout_states_move_only_forward(market):
    worker, headers = market.worker()
    market.accept(headers, 10)
    (payout,) = payouts_of(worker)
    now = utcnow()
    assert payouts.apply_state(payout, "SUCCESS", now)[1] is True
    assert payouts.apply_state(payout, "CANCELLED", now)[1] is False
    assert payouts.apply_state(payout, "WAIT_USER_CONFIRM", now)[1] is False
    assert Payout.get_by_id(payout.id).state == "SUCCESS"
    assert LedgerTxn.select().where(LedgerTxn.kind.in_(["payout_paid", "payout_reversed"])).count() == 1
    pay_bills.confirm(payout.out_bill_no)  # WeChat agrees later: nothing more happens
    market.deliver()
    assert LedgerTxn.select().where(LedgerTxn.kind == "payout_paid").count() == 1


def test_cli_runs_the_cutoff_and_the_sweep(market, runner):
    from commands import payouts as payout_cli

    if "payouts" not in market.app.cli.commands:
        market.app.cli.add_command(payout_cli.payouts)
    reconfigure(market.app, PAYOUT_MODE="cutoff")
    worker, headers = market.worker()
    market.accept(headers, 9)
    result = runner.invoke(args=["payouts", "cutoff"])
    assert result.exit_code == 0, result.output
    assert '"amount_fen": 90' in result.output and payouts_of(worker)[0].state == "WAIT_USER_CONFIRM"
    result = runner.invoke(args=["payouts", "sweep"])
    assert result.exit_code == 0 and result.output.strip() == "{}"
    market.accept(headers, 3)
    result = runner.invoke(args=["payouts", "pay", str(worker.id)])
    assert result.exit_code == 0 and "金额 0.30 元 (30 fen) 状态 WAIT_USER_CONFIRM" in result.output


def test_the_notify_gives_wechats_own_time_of_success(market):
    worker, headers = market.worker()
    market.accept(headers, 30)
    (payout,) = payouts_of(worker)
    succeeded = utcnow().replace(microsecond=0) - dt.timedelta(seconds=40)  # the notify comes 40 s late
    pay_bills.confirm(payout.out_bill_no, now=succeeded)
    market.deliver()
    paid = Payout.get_by_id(payout.id)
    assert paid.state == "SUCCESS" and paid.paid_at == succeeded and paid.finished_at > succeeded
