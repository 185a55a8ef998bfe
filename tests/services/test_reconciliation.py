"""Reconciliation of a seeded day: a clean day has no findings; each planted fault is found and named."""

import datetime as dt
import json

import pytest
from peewee import Case
from peewee import MySQLDatabase
from peewee import fn

import models
from app import reconfigure
from models import Account
from models import DailyBalance
from models import Inspection
from models import Job
from models import LedgerTxn
from models import MaterialMovement
from models import Order
from models import Payout
from models import PayoutItem
from models import PieceReport
from models import Posting
from models import ReconFinding
from models import ReconRun
from models import Worker
from services.errors import BadRequest
from services.money import ledger
from services.payouts import sweep as payout_sweep
from services.payouts import transfers as payouts
from services.reconciliation import nightly as reconciliation
from services.reconciliation import runs as recon_runs
from services.work import materials
from tests.recon_helpers import DAY
from tests.recon_helpers import inspect_more
from tests.recon_helpers import market_time
from tests.recon_helpers import seeded_fixture  # noqa: F401 (the `seeded` fixture)
from wechat.sandbox import pay_bills
from wechat.sandbox import store
from wechat.sandbox.store import SandboxPayBill

NIGHT = market_time(DAY + dt.timedelta(days=1), 2)


def run_day(day=DAY, now=NIGHT, **kwargs):
    run, ran = reconciliation.reconcile_day(day, now, **kwargs)
    return (
        run,
        ran,
        sorted((f.kind, f.object_type, f.object_id) for f in ReconFinding.select().where(ReconFinding.run == run.id)),
    )


def kinds(findings):
    return {f[0] for f in findings}


def earning_posting(inspection_id):
    return Posting.get(Posting.inspection == inspection_id)


def inspection_of(seeded, name):
    return Inspection.get(Inspection.order == seeded.orders[name].id)


def test_clean_day_has_no_findings_and_stores_closing_balances(seeded):
    run, ran, findings = run_day()
    assert ran and run.status == "finished" and findings == [] and run.findings_count == 0
    assert DailyBalance.select().where(DailyBalance.business_date == DAY).count() > 0
    again, ran_again, findings_again = run_day()
    assert ran_again and again.id == run.id and findings_again == []
    assert ReconRun.select().count() == 1


def test_posting_removed_behind_the_services_back(seeded):
    inspection = inspection_of(seeded, "bob")
    posting = earning_posting(inspection.id)
    Posting.delete().where(Posting.id == posting.id).execute()
    _, _, findings = run_day()
    assert ("txn_unbalanced", "ledger_txn", str(posting.txn_id)) in findings
    assert ("earning_missing", "inspection", str(inspection.id)) in findings


def test_posting_altered_behind_the_services_back(seeded):
    inspection = inspection_of(seeded, "alice")
    txn = earning_posting(inspection.id).txn_id
    Posting.update(amount_fen=Posting.amount_fen * 2).where(Posting.txn == txn).execute()  # behind its back
    _, _, findings = run_day()
    assert ("earning_amount_wrong", "inspection", str(inspection.id)) in findings
    assert "txn_unbalanced" not in kinds(findings)  # both legs doubled: balanced, but not what was accepted


def test_earning_posting_without_inspection(seeded):
    worker = seeded.workers["carol"]
    ledger.post(
        "earning:planted",
        "earning",
        [(ledger.enterprise_labour(seeded.enterprise), 500), (ledger.worker_payable(worker), -500)],
        DAY,
    )
    _, _, findings = run_day()
    assert "earning_without_inspection" in kinds(findings)


def test_payout_without_postings_or_pieces(seeded):
    payout = Payout.create(
        worker=seeded.workers["alice"].id,
        method="wechat",
        out_bill_no="LGPLANTED0001",
        amount_fen=300,
        state="CREATED",
        business_date=DAY,
        created_at=market_time(DAY, 18),
    )
    _, _, findings = run_day()
    assert ("payout_without_postings", "payout", str(payout.id)) in findings
    assert ("payout_without_items", "payout", str(payout.id)) in findings


def test_posting_settled_twice(seeded):
    bob_inspection = inspection_of(seeded, "bob")
    PayoutItem.create(payout=seeded.payouts["alice"].id, inspection=bob_inspection.id, amount_fen=600)
    _, _, findings = run_day()
    assert ("settled_twice", "inspection", str(bob_inspection.id)) in findings
    assert ("payout_items_mismatch", "payout", str(seeded.payouts["alice"].id)) in findings


def test_bill_row_missing_different_or_unknown(seeded):
    bob = seeded.payouts["bob"]
    _, _, clean = run_day()
    assert clean == []
    SandboxPayBill.update(amount=SandboxPayBill.amount + 1).where(
        SandboxPayBill.out_bill_no == bob.out_bill_no
    ).execute()
    _, _, findings = run_day()
    assert findings == [("bill_amount_mismatch", "payout", str(bob.id))]
    SandboxPayBill.update(finished_at=market_time(DAY, 12) - dt.timedelta(days=3)).where(
        SandboxPayBill.out_bill_no == bob.out_bill_no
    ).execute()
    _, _, findings = run_day()
    assert findings == [("bill_row_missing", "payout", str(bob.id))]
    alice = seeded.payouts["alice"]  # WeChat says alice's transfer succeeded; we still wait for her
    SandboxPayBill.update(state="SUCCESS", finished_at=market_time(DAY, 18)).where(
        SandboxPayBill.out_bill_no == alice.out_bill_no
    ).execute()
    _, _, findings = run_day()
    assert ("bill_row_unmatched", "bill_row", alice.out_bill_no) in findings


def test_bill_unavailable_is_a_finding_and_retried_when_published(seeded):
    store.add_fault("pay/fundflowbill", status=500)
    _, _, findings = run_day()
    assert findings == [("bill_unavailable", "bill", DAY.isoformat())]
    assert reconciliation.retry_missing_bills(market_time(DAY + dt.timedelta(days=1), 10, 30)) == {DAY.isoformat(): 0}
    assert reconciliation.retry_missing_bills(market_time(DAY + dt.timedelta(days=1), 10, 31)) == {}


def test_material_overrun_and_overuse(seeded):
    carol = seeded.orders["carol"]
    clip = seeded.jobs["a"].materials[0]
    materials.move_materials(seeded.staff, carol.id, clip.id, "issue", 5, "extra-clips", market_time(DAY, 15))
    _, _, findings = run_day()
    assert findings == [("material_overrun", "order", str(carol.id))]
    alice = seeded.orders["alice"]
    MaterialMovement.update(quantity=100).where(MaterialMovement.order == alice.id).execute()
    _, _, findings = run_day()
    assert ("material_overuse", "order", str(alice.id)) in findings


def test_counters_off(seeded):
    order = seeded.orders["alice"]
    Order.update(reported=Order.reported + 1).where(Order.id == order.id).execute()
    Job.update(taken=Job.taken + 5).where(Job.id == seeded.jobs["b"].id).execute()  # behind the service's back
    _, _, findings = run_day()
    assert ("order_counter_off", "order", str(order.id)) in findings
    assert ("job_taken_off", "job", str(seeded.jobs["b"].id)) in findings


@pytest.fixture
def without_report_unique_index(app):
    from playhouse.migrate import SchemaMigrator
    from playhouse.migrate import migrate

    migrator = SchemaMigrator.from_database(models.db.obj)
    if isinstance(models.db.obj, MySQLDatabase):  # its foreign key on worker_id needs an index that leads with it
        migrate(migrator.add_index("piece_report", ("worker_id",), False))
    migrate(migrator.drop_index("piece_report", "piece_report_worker_id_request_id"))
    yield
    firsts = PieceReport.select(fn.MIN(PieceReport.id)).group_by(PieceReport.worker, PieceReport.request_id)
    keep = [first for (first,) in firsts.tuples()]  # a list: MySQL cannot delete from a table it selects from
    PieceReport.delete().where(PieceReport.id.not_in(keep)).execute()
    migrate(migrator.add_index("piece_report", ("worker_id", "request_id"), True))


def test_duplicate_request_id(seeded, without_report_unique_index):
    first = PieceReport.get(PieceReport.order == seeded.orders["bob"].id)
    PieceReport.insert(
        order=first.order_id,
        worker=first.worker_id,
        quantity=first.quantity,
        request_id=first.request_id,
        created_at=first.created_at,
    ).execute()
    _, _, findings = run_day()
    assert ("request_id_duplicate", "piece_report", str(first.id)) in findings
    assert ("order_counter_off", "order", str(first.order_id)) in findings


def test_worker_payable_never_negative(seeded):
    alice = seeded.workers["alice"]
    ledger.post(
        "planted:overpay",
        "adjustment",
        [(ledger.worker_payable(alice), 10_000), (ledger.wechatpay_clearing(), -10_000)],
        DAY,
    )
    _, _, findings = run_day()
    assert ("worker_balance_negative", "worker", str(alice.id)) in findings


def test_stuck_payout_is_found_days_later(seeded):
    alice = seeded.payouts["alice"]
    later = DAY + dt.timedelta(days=2)
    _, _, findings = run_day(later, market_time(later + dt.timedelta(days=1), 2))
    assert ("payout_stuck", "payout", str(alice.id)) in findings


def test_history_changed_after_reconciliation_is_found_on_rerun(seeded):
    run_day()
    next_day = DAY + dt.timedelta(days=1)
    run, _, findings = run_day(next_day, market_time(next_day, 10))
    assert findings == [] and "daily_balance" in run.summary  # started from yesterday's closing, not history
    txn = earning_posting(inspection_of(seeded, "carol").id).txn_id
    toward_zero = Case(None, [(Posting.amount_fen > 0, 1)], -1)
    Posting.update(amount_fen=Posting.amount_fen - toward_zero).where(Posting.txn == txn).execute()
    _, _, findings = run_day()
    assert {"closing_mismatch", "earning_amount_wrong"} <= kinds(findings)


def test_killed_half_way_and_rerun_gives_the_same_findings(app, seeded):
    Order.update(reported=Order.reported + 1).where(Order.id == seeded.orders["bob"].id).execute()
    reconfigure(app, RECON_CRASH_AFTER="counters_match_rows")
    with pytest.raises(reconciliation.SimulatedCrash):
        reconciliation.reconcile_day(DAY, NIGHT)
    run = ReconRun.get(ReconRun.business_date == DAY)
    assert run.status == "failed" and ReconFinding.select().count() == 0
    assert DailyBalance.select().count() == 0
    reconfigure(app, RECON_CRASH_AFTER="")
    run, ran, findings = run_day()
    assert ran and run.status == "finished" and run.attempts == 2
    assert findings == [("order_counter_off", "order", str(seeded.orders["bob"].id))]
    balances = DailyBalance.select().count()
    _, _, again = run_day()
    assert again == findings and DailyBalance.select().count() == balances


def test_a_day_not_over_is_checked_so_far_and_the_nightly_run_replaces_it(seeded):
    run, ran, findings = run_day(now=market_time(DAY, 12))
    assert ran and run.status == "provisional" and run.finished_at is not None
    summary = json.loads(run.summary)
    assert summary["provisional"] is True and summary["as_of"].startswith(DAY.isoformat())
    assert DailyBalance.select().count() == 0 and models.StaffNotice.select().count() == 0
    inspect_more(seeded, market_time(DAY, 14))  # more pieces inspected that afternoon
    later, _, later_findings = run_day(now=market_time(DAY, 18))
    assert later.status == "provisional" and "closing_mismatch" not in kinds(later_findings)
    assert DailyBalance.select().count() == 0
    night, ran, night_findings = run_day(now=NIGHT, force=False)  # the nightly run does not skip the day
    assert ran and night.id == run.id and night.status == "finished" and night.attempts == 3
    assert night_findings == later_findings and "provisional" not in json.loads(night.summary)
    stored = dict(DailyBalance.select(DailyBalance.account, DailyBalance.closing_fen).tuples())
    assert stored == {a.id: a.balance_fen for a in Account.select() if a.balance_fen}  # the whole day's closing
    next_day = DAY + dt.timedelta(days=1)
    _, _, next_findings = run_day(next_day, market_time(next_day + dt.timedelta(days=1), 2), force=False)
    assert {"running_balance_off", "closing_mismatch"}.isdisjoint(kinds(next_findings))


def test_a_future_date_is_refused_and_leaves_nothing(seeded):
    with pytest.raises(BadRequest) as refused:
        reconciliation.reconcile_day(DAY + dt.timedelta(days=1), market_time(DAY, 23, 59))
    assert refused.value.code == "future_date" and refused.value.status == 400
    assert ReconRun.select().count() == 0


def test_a_fresh_claim_is_left_alone_and_a_stale_one_taken_over(seeded):
    recon_runs.claim(DAY, NIGHT, owner="elsewhere:1")
    run, ran = reconciliation.reconcile_day(DAY, NIGHT, clock=lambda: NIGHT + dt.timedelta(minutes=1))
    assert not ran and run.claimed_by == "elsewhere:1"
    run, ran = reconciliation.reconcile_day(DAY, NIGHT, clock=lambda: NIGHT + dt.timedelta(minutes=11))
    assert ran and run.status == "finished" and run.claimed_by != "elsewhere:1"
    run, ran = reconciliation.reconcile_day(DAY, NIGHT, force=False)
    assert not ran  # the scheduler does not redo a finished day


def test_findings_notify_admins_once_and_keep_staff_notes(seeded, admin):
    Job.update(taken=Job.taken + 1).where(Job.id == seeded.jobs["a"].id).execute()  # behind the service's back
    _, _, findings = run_day()
    notices = list(models.StaffNotice.select())
    assert [(n.staff_id, n.kind) for n in notices] == [(admin.id, "recon_findings")]
    from services.reconciliation import findings as recon_queries

    finding = ReconFinding.get()
    recon_queries.acknowledge_finding(admin, finding.id, "在查", NIGHT)
    _, _, again = run_day()
    assert again == findings and models.StaffNotice.select().count() == 1
    kept = ReconFinding.get()
    assert kept.status == "acknowledged" and kept.note == "在查" and kept.acted_by_id == admin.id
    assert LedgerTxn.select().where(LedgerTxn.kind == "adjustment").count() == 0  # nothing in history changed
    assert MaterialMovement.select().count() == 3


def test_corrections_count_in_what_a_piece_is_worth(seeded):
    from services.work import inspections

    original = inspection_of(seeded, "alice")  # 55 accepted x 12 fen = 660, all settled by alice's payout
    inspections.correct(seeded.staff, original.id, 57, 1, 2, "fix-alice", market_time(DAY, 18), note="复检")
    PayoutItem.create(payout=seeded.payouts["alice"].id, inspection=original.id, amount_fen=20)
    _, _, findings = run_day()
    assert "settled_twice" not in kinds(findings)  # 680 settled of 684 after the correction
    PayoutItem.create(payout=seeded.payouts["alice"].id, inspection=original.id, amount_fen=10)
    _, _, findings = run_day()
    assert ("settled_twice", "inspection", str(original.id)) in findings


def test_running_totals_that_drift_from_their_rows_are_found(seeded):
    alice, bob = seeded.workers["alice"], seeded.workers["bob"]
    payable = ledger.worker_payable(bob)
    later = DAY + dt.timedelta(days=1)  # a posting on a later date moves the running balance, not the day's closing
    ledger.post("earning:later", "earning", [(ledger.enterprise_labour(seeded.enterprise), 40), (payable, -40)], later)
    _, _, findings = run_day()
    assert {"running_balance_off", "earned_total_off"}.isdisjoint(kinds(findings))
    Account.update(balance_fen=Account.balance_fen + 1).where(Account.id == payable.id).execute()  # behind its back
    Worker.update(earned_fen=Worker.earned_fen - 5).where(Worker.id == alice.id).execute()
    run, _, findings = run_day()
    assert ("running_balance_off", "account", str(payable.id)) in findings
    assert ("earned_total_off", "worker", str(alice.id)) in findings
    assert len([f for f in findings if f[0] in ("running_balance_off", "earned_total_off")]) == 2
    detail = ReconFinding.get((ReconFinding.run == run.id) & (ReconFinding.kind == "running_balance_off")).detail
    assert '"later_movement_fen": -40' in detail


def test_running_totals_wait_for_the_day_to_end(seeded):
    Worker.update(earned_fen=Worker.earned_fen + 1).where(Worker.id == seeded.workers["carol"].id).execute()
    run, _, findings = run_day(now=market_time(DAY, 23))
    assert "earned_total_off" not in kinds(findings) and "running_totals" in run.summary


def test_a_transfer_that_succeeds_before_midnight_and_is_heard_of_after_it_is_in_that_days_bill(seeded):
    alice = seeded.payouts["alice"]  # waiting for alice to confirm since 16:00
    succeeded = market_time(DAY, 23, 59) + dt.timedelta(seconds=30)
    pay_bills.confirm(alice.out_bill_no, now=succeeded)  # WeChat books it on DAY
    heard = market_time(DAY + dt.timedelta(days=1), 0, 2)  # the sweep hears of it after midnight
    paid = payout_sweep.refresh_payout(Payout.get_by_id(alice.id), heard)
    assert paid.state == "SUCCESS" and paid.paid_at == succeeded and paid.finished_at == heard
    _, _, findings = run_day()
    assert findings == []
    next_day = DAY + dt.timedelta(days=1)
    _, _, next_findings = run_day(next_day, market_time(next_day + dt.timedelta(days=1), 2))
    assert {"bill_row_missing", "bill_row_unmatched"}.isdisjoint(kinds(next_findings))


def test_wechat_time_of_success_is_kept_only_when_plausible(seeded):
    alice = seeded.payouts["alice"]
    heard = market_time(DAY, 20)
    future = heard + dt.timedelta(hours=3)  # a clock far ahead of ours is not believed
    paid, changed = payouts.apply_state(alice.id, "SUCCESS", heard, wechat_time=future)
    assert changed and paid.paid_at == heard
