"""The ledger refuses unbalanced or non-integer transactions and is idempotent on its key."""

import datetime as dt

import pytest

from models import LedgerTxn
from models import Posting
from services.money import ledger
from services.money.ledger import UnbalancedTransaction

DAY = dt.date(2026, 11, 28)


def test_post_is_idempotent_on_key(app, make_enterprise, login):
    worker, _ = login("alice")
    enterprise = make_enterprise()
    legs = [(ledger.enterprise_labour(enterprise), 120), (ledger.worker_payable(worker), -120)]
    first = ledger.post("earning:test-1", "earning", legs, DAY)
    again = ledger.post("earning:test-1", "earning", legs, DAY)
    assert first.id == again.id
    assert LedgerTxn.select().count() == 1 and Posting.select().count() == 2
    assert ledger.owed_fen(worker) == 120


@pytest.mark.parametrize("amounts", [(100, -99), (1.5, -1.5), (True, -1), ()])
def test_unbalanced_or_non_integer_refused(app, make_enterprise, login, amounts):
    worker, _ = login("bob")
    accounts = [ledger.enterprise_labour(make_enterprise()), ledger.worker_payable(worker)]
    legs = list(zip(accounts, amounts, strict=False))
    with pytest.raises(UnbalancedTransaction):
        ledger.post("bad", "earning", legs, DAY)
    assert LedgerTxn.select().count() == 0 and Posting.select().count() == 0


def test_accounts_are_created_once(app, login):
    worker, _ = login("carol")
    assert ledger.worker_payable(worker).id == ledger.worker_payable(worker.id).id
    assert ledger.worker_payable(worker).id != ledger.worker_inflight(worker).id


def test_worker_balances_in_one_query(app, make_enterprise, login):
    a, _ = login("a")
    b, _ = login("b")
    enterprise = make_enterprise()
    ledger.post("e1", "earning", [(ledger.enterprise_labour(enterprise), 50), (ledger.worker_payable(a), -50)], DAY)
    ledger.post("p1", "payout", [(ledger.worker_payable(a), 20), (ledger.worker_inflight(a), -20)], DAY)
    assert ledger.worker_balances([a.id, b.id]) == {
        a.id: {"owed": 30, "inflight": 20},
        b.id: {"owed": 0, "inflight": 0},
    }
    assert ledger.unbalanced_transactions() == []


def test_running_balances_follow_every_posting_and_are_rebuilt_from_rows(app, make_enterprise, login):
    from models import Account

    worker, _ = login("alice")
    enterprise = make_enterprise()
    payable, inflight, labour = (
        ledger.worker_payable(worker),
        ledger.worker_inflight(worker),
        ledger.enterprise_labour(enterprise),
    )
    day = dt.date(2026, 11, 30)
    ledger.post("t:1", "earning", [(labour, 500), (payable, -500)], day)
    ledger.post("t:2", "payout_sent", [(payable, 300), (inflight, -300)], day)
    ledger.post("t:2", "payout_sent", [(payable, 300), (inflight, -300)], day)  # a resend posts nothing twice
    ledger.post("t:3", "mixed", [(labour, 7), (labour, -2), (payable, -5)], day)  # one account twice in a txn
    balances = {a.id: a.balance_fen for a in Account.select()}
    assert balances[payable.id] == -205 and balances[inflight.id] == -300 and balances[labour.id] == 505
    assert ledger.running_totals_off() == []
    Account.update(balance_fen=0).where(Account.id == payable.id).execute()  # drift behind the ledger's back
    assert ledger.running_totals_off() == [("account", payable.id)]
    ledger.recompute_running_totals()
    assert ledger.running_totals_off() == [] and Account.get_by_id(payable.id).balance_fen == -205


def test_the_one_invariant_set_catches_a_tampered_posting_for_tests_and_reconciliation(app, make_enterprise, login):
    from services.money.invariants import check_ledger
    from services.reconciliation import ledger_checks
    from services.reconciliation.context import Day

    worker, _ = login("dora")
    enterprise = make_enterprise()
    legs = [(ledger.enterprise_labour(enterprise), 50), (ledger.worker_payable(worker), -50)]
    txn = ledger.post("e-tamper", "earning", legs, DAY)
    assert check_ledger() == []
    Posting.update(amount_fen=-60).where((Posting.txn == txn.id) & (Posting.amount_fen == -50)).execute()
    kinds = {f.kind for f in check_ledger()}
    assert {"txn_unbalanced", "ledger_total_nonzero", "running_balance_off"} <= kinds
    day = Day(DAY, dt.datetime(2026, 11, 29, 12, 0))
    assert [f.kind for f in ledger_checks.transactions_balance(day)] == ["txn_unbalanced"]


def test_the_one_invariant_set_catches_a_worker_paid_more_than_owed(app, make_enterprise, login):
    from services.money.invariants import check_ledger

    worker, _ = login("erin")
    ledger.post("p-over", "payout", [(ledger.worker_payable(worker), 20), (ledger.worker_inflight(worker), -20)], DAY)
    assert [f.kind for f in check_ledger()] == ["worker_balance_negative"]


def test_every_balance_read_is_the_running_total_and_the_invariants_hold_it_to_the_postings(
    app, make_enterprise, login
):
    from models import Account
    from services.money import earnings
    from services.money.invariants import check_ledger

    worker, _ = login("fay")
    enterprise = make_enterprise()
    ledger.post(
        "e-read", "earning", [(ledger.enterprise_labour(enterprise), 80), (ledger.worker_payable(worker), -80)], DAY
    )
    now = dt.datetime(2026, 11, 28, 4, 0)
    assert ledger.owed_fen(worker) == earnings.summary(worker, now)["owed_fen"] == 80
    assert ledger.balance(ledger.enterprise_labour(enterprise)) == 80
    payable = ledger.worker_payable(worker)
    Account.update(balance_fen=-70).where(Account.id == payable.id).execute()  # drift behind the ledger's back
    assert ledger.owed_fen(worker) == earnings.summary(worker, now)["owed_fen"] == 70  # one way to read it
    assert [(f.kind, f.object_id) for f in check_ledger()] == [("running_balance_off", payable.id)]
