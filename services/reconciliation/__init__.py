"""The nightly reconciliation of a business day: who holds a day's run (runs), the day's rows (context), the
checks in their explicit order (nightly.CHECKS: ledger, counters, materials, payouts, WeChat Pay's bill, running
totals), and the findings staff acknowledge and resolve.
"""
