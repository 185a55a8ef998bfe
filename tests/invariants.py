"""Ledger invariants checked after flow tests (the nightly reconciliation checks the same in production)."""

from peewee import fn

from models import Account
from models import Inspection
from models import Posting
from services.money import ledger


def assert_ledger_balanced():
    """Every transaction sums to zero; each inspection has one earning posting of accepted x locked rate;
    no worker's payable or in-flight balance is negative; a worker's earnings on the ledger equal the
    value of their accepted pieces."""
    assert ledger.unbalanced_transactions() == [], "unbalanced ledger transactions"
    assert ledger.running_totals_off() == [], "running balances or earned totals differ from their rows"
    assert Posting.select(fn.COALESCE(fn.SUM(Posting.amount_fen), 0)).scalar() == 0

    postings = {}
    for inspection_id, amount in (
        Posting.select(Posting.inspection, Posting.amount_fen).where(Posting.inspection.is_null(False)).tuples()
    ):
        postings.setdefault(inspection_id, []).append(amount)
    for inspection in Inspection.select():
        expected = inspection.accepted * inspection.rate_fen
        assert inspection.amount_fen == expected, f"inspection {inspection.id} amount"
        if expected == 0:
            assert inspection.id not in postings
        else:
            assert postings.get(inspection.id) == [-expected], f"inspection {inspection.id} earning posting"

    earned = dict(Inspection.select(Inspection.worker, fn.SUM(Inspection.amount_fen)).group_by(Inspection.worker).tuples())
    worker_ids = [a.worker_id for a in Account.select(Account.worker).where(Account.worker.is_null(False)).distinct()]
    balances = ledger.worker_balances(set(worker_ids) | set(earned))
    for worker_id, balance in balances.items():
        assert balance["owed"] >= 0, f"worker {worker_id} payable negative"
        assert balance["inflight"] >= 0, f"worker {worker_id} in-flight negative"
        credited = -int(
            Posting.select(fn.COALESCE(fn.SUM(Posting.amount_fen), 0))
            .join(Account)
            .where((Account.worker == worker_id) & (Account.kind == "worker_payable") & Posting.inspection.is_null(False))
            .scalar()
        )
        assert credited == int(earned.get(worker_id) or 0), f"worker {worker_id} earnings vs accepted pieces"
