"""`flask reconcile`: a summary, exit 0 when clean and 3 with findings, the same result when run twice."""

import datetime as dt

from models import Account
from models import DailyBalance
from models import Order
from models import ReconRun
from models import Worker
from models import utcnow
from services.clock import business_date
from services.money import ledger
from tests.recon_helpers import DAY
from tests.recon_helpers import inspect_more
from tests.recon_helpers import seeded_fixture  # noqa: F401 (the `seeded` fixture)


def test_reconcile_clean_day_exits_0(runner, seeded):
    result = runner.invoke(args=["reconcile", "--date", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert f"{DAY} reconciled: 0 finding(s)" in result.output


def test_reconcile_with_findings_exits_3_and_twice_is_the_same(runner, seeded):
    Order.update(accepted=Order.accepted + 1).where(Order.id == seeded.orders["carol"].id).execute()  # behind its back
    first = runner.invoke(args=["reconcile", "--date", DAY.isoformat()])
    second = runner.invoke(args=["reconcile", "--date", DAY.isoformat()])
    assert first.exit_code == second.exit_code == 3, first.output
    assert "order_counter_off: 1" in first.output
    assert first.output.splitlines()[:2] == second.output.splitlines()[:2]
    assert ReconRun.select().count() == 1


def test_reconcile_since_covers_every_day(runner, seeded):
    result = runner.invoke(args=["reconcile", "--since", DAY.isoformat()])
    assert result.exit_code in (0, 3), result.output
    assert ReconRun.select().where(ReconRun.status == "finished").count() >= 2


def test_reconcile_refuses_a_bad_date(runner, app):
    result = runner.invoke(args=["reconcile", "--date", "2026-02-30"])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_reconcile_today_is_checked_so_far_and_a_future_date_is_refused(runner, seeded):
    today = business_date(utcnow())
    first = runner.invoke(args=["reconcile", "--date", today.isoformat()])
    assert first.exit_code in (0, 3), first.output
    assert f"{today} checked so far" in first.output and "provisional" in first.output
    assert ReconRun.get(ReconRun.business_date == today).status == "provisional"
    assert not DailyBalance.select().where(DailyBalance.business_date == today).exists()
    inspect_more(seeded, utcnow() - dt.timedelta(seconds=3), step=dt.timedelta(seconds=1))  # more pieces inspected
    again = runner.invoke(args=["reconcile", "--date", today.isoformat()])
    assert again.exit_code == first.exit_code and "closing_mismatch" not in again.output, again.output
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    for option in ("--date", "--since"):
        refused = runner.invoke(args=["reconcile", option, tomorrow])
        assert refused.exit_code == 2 and "is in the future" in refused.output, refused.output
    assert ReconRun.select().where(ReconRun.business_date > today).count() == 0


def test_repair_running_totals_makes_the_next_run_clean(runner, seeded):
    alice = seeded.workers["alice"]
    payable = ledger.worker_payable(alice)
    Account.update(balance_fen=Account.balance_fen - 3).where(Account.id == payable.id).execute()  # behind its back
    Worker.update(earned_fen=0).where(Worker.id == alice.id).execute()
    found = runner.invoke(args=["reconcile", "--date", DAY.isoformat()])
    assert found.exit_code == 3 and "running_balance_off: 1" in found.output and "earned_total_off: 1" in found.output
    repaired = runner.invoke(args=["repair-running-totals"])
    assert repaired.exit_code == 0, repaired.output
    assert f"repaired account {payable.id}" in repaired.output and f"repaired worker {alice.id}" in repaired.output
    assert "2 running total(s) repaired" in repaired.output
    again = runner.invoke(args=["reconcile", "--date", DAY.isoformat()])
    assert again.exit_code == 0, again.output
    assert runner.invoke(args=["repair-running-totals"]).output.strip() == "0 running total(s) repaired"
