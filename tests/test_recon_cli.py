"""`flask reconcile`: a summary, exit 0 when clean and 3 with findings, the same result when run twice."""

from models import Order
from models import ReconRun
from tests.recon_helpers import DAY
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
