"""Running totals against their rows: each account's balance and each worker's earned total (migration 0007).

The writes keep `Account.balance_fen` and `Worker.earned_fen` in the transactions that change them, and the
worker's pages read them instead of summing history; this check is what would notice if they ever drifted
(a write outside the services, a restore from an inconsistent backup, a bug).

Accounts are checked in O(accounts + postings after the day): the day's closing balance (from the
closing-balance check) plus what was posted on later dates must equal the running balance. The running balance
and the later postings are read in one statement, so postings committed meanwhile cannot cause a false finding.
Earned totals are checked against the sum of every inspection, read from the covering earnings index in the
same statement as the totals. Both need the day to be over (today's postings still move its closing).
"""

from peewee import JOIN
from peewee import fn

from models import Account
from models import LedgerTxn
from models import Posting
from models import db
from services.clock import business_date
from services.money import invariants
from services.money.invariants import Finding


def _balances_and_later_movement(day):
    """(account id, running balance, fen posted on dates after `day`) of every account, from one snapshot."""
    later = (
        Posting.select(Posting.account.alias("account_id"), fn.SUM(Posting.amount_fen).alias("moved"))
        .join(LedgerTxn)
        .where(LedgerTxn.business_date > day)
        .group_by(Posting.account)
    ).alias("later")
    query = Account.select(Account.id, Account.balance_fen, fn.COALESCE(later.c.moved, 0)).join(
        later, JOIN.LEFT_OUTER, on=(later.c.account_id == Account.id)
    )
    return db.execute(query).fetchall()


def running_totals(day):
    """Every running balance equals the day's closing plus later postings; every earned total its inspections."""
    if day.closing is None or day.date >= business_date(day.now):
        day.stats["running_totals"] = "skipped: the day is not over"
        return
    checked = 0
    for account_id, balance, moved in _balances_and_later_movement(day.date):
        checked += 1
        expected = day.closing.get(account_id, 0) + int(moved)
        if int(balance) != expected:
            yield Finding(
                "running_balance_off",
                "account",
                account_id,
                f"账户 {account_id} 的即时余额 {balance} 分与记账行算出的 {expected} 分不符",
                {"balance_fen": int(balance), "expected_fen": expected, "later_movement_fen": int(moved)},
            )
    day.stats["running_totals_accounts"] = checked
    yield from invariants.earned_totals_off()
