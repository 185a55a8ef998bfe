"""Ledger invariants checked after flow tests: the same rules the nightly reconciliation applies to each day
(services/money/invariants.py), over the whole ledger."""

from services.money.invariants import check_ledger


def assert_ledger_balanced():
    """Every transaction sums to zero; each inspection has one earning posting of accepted x locked rate;
    no worker's payable or in-flight balance is negative; a worker's earnings on the ledger equal the
    value of their accepted pieces; running totals equal their rows."""
    findings = check_ledger()
    assert findings == [], "\n".join(f"{f.kind} {f.object_type} {f.object_id}: {f.message}" for f in findings)
