"""The money: the double-entry ledger in integer fen (append-only, running totals), what a worker earned and is
owed, and the monthly statements enterprises and workers receive (.xlsx / CSV).
"""
