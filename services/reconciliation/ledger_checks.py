"""Ledger checks of one business day: balanced transactions, one earning per accepted inspection, closing balances.
The rules are services/money/invariants.py's, applied here to the day's rows.

Closing balances per account and date (DailyBalance) let a day start from yesterday's closing instead of history.
"""

from peewee import fn

from models import DailyBalance
from models import Inspection
from models import LedgerTxn
from models import Posting
from models import ReconRun
from services.money import invariants
from services.money.invariants import Finding
from services.reconciliation.context import chunks


def transactions_balance(day):
    """Every ledger transaction of the day sums to zero and has legs."""
    return invariants.unbalanced_transactions(day.txns, day.postings)


def earnings_match_inspections(day):
    """Each accepted inspection has exactly one earning posting of accepted × locked rate; none lacks its inspection."""
    by_inspection = {}
    for _, _, account_id, amount, inspection_id, _, _ in day.postings:
        if inspection_id is not None:
            by_inspection.setdefault(inspection_id, []).append((account_id, amount))
    # an inspection's earning may be posted on another date only if something is wrong: look those up too
    seen = {row[0] for row in day.inspections}
    for ids in chunks(seen - set(by_inspection)):
        for _, account_id, amount, inspection_id in (
            Posting.select(Posting.id, Posting.account, Posting.amount_fen, Posting.inspection)
            .where(Posting.inspection.in_(ids))
            .tuples()
        ):
            by_inspection.setdefault(inspection_id, []).append((account_id, amount))
    yield from invariants.inspections_without_their_earning(day.inspections, by_inspection)
    yield from _orphan_earnings(day, by_inspection, seen)


def _orphan_earnings(day, by_inspection, seen):
    payable = {aid for aid, (kind, _) in day.accounts.items() if kind == "worker_payable"}
    orphans = []
    for posting_id, txn_id, account_id, _, inspection_id, kind, key in day.postings:
        if kind in invariants.EARNING_KINDS and account_id in payable and inspection_id is None:
            yield Finding(
                "earning_without_inspection",
                "posting",
                posting_id,
                f"工钱记账 {key} 没有对应的质检记录",
                {"txn": txn_id, "key": key},
            )
        elif inspection_id is not None and inspection_id not in seen:
            orphans.append((posting_id, txn_id, inspection_id, key))
    known = set()
    for ids in chunks({o[2] for o in orphans}):
        known |= {i for (i,) in Inspection.select(Inspection.id).where(Inspection.id.in_(ids)).tuples()}
    for posting_id, txn_id, inspection_id, key in orphans:
        if inspection_id not in known:
            yield Finding(
                "earning_without_inspection",
                "posting",
                posting_id,
                f"工钱记账 {key} 指向不存在的质检 {inspection_id}",
                {"txn": txn_id, "inspection": inspection_id},
            )
        else:
            yield Finding(
                "earning_other_day",
                "posting",
                posting_id,
                f"工钱记账 {key} 的质检 {inspection_id} 不在当天",
                {"txn": txn_id, "inspection": inspection_id},
                severity="warning",
            )


def opening_balances(day):
    """{account id: fen} at the start of the day: yesterday's stored closing, else summed from history once."""
    previous_done = (
        ReconRun.select().where((ReconRun.business_date == day.previous) & (ReconRun.status == "finished")).exists()
    )
    stored = DailyBalance.select().where(DailyBalance.business_date == day.previous)
    if previous_done:
        day.stats["opening_from"] = "daily_balance"
        return {aid: int(fen) for aid, fen in stored.select(DailyBalance.account, DailyBalance.closing_fen).tuples()}
    day.stats["opening_from"] = "history"
    rows = (
        Posting.select(Posting.account, fn.SUM(Posting.amount_fen))
        .join(LedgerTxn)
        .where(LedgerTxn.business_date < day.date)
        .group_by(Posting.account)
        .tuples()
    )
    return {aid: int(total) for aid, total in rows if total}


def closing_balances(day):
    """Yesterday's closing plus today's postings equals today's closing; no worker balance ever goes negative."""
    opening = opening_balances(day)
    day.closing, lowest = invariants.walk_balances(opening, day.postings, day.accounts)
    day.stats["accounts_closing"] = len(day.closing)
    yield from invariants.unbalanced_total(day.closing, day.date.isoformat(), "当日结束时")
    yield from invariants.negative_worker_balances(lowest, day.closing, day.accounts)
    if not day.closing_was_stored:
        day.store_closing = True
        return
    stored = dict(
        DailyBalance.select(DailyBalance.account, DailyBalance.closing_fen)
        .where(DailyBalance.business_date == day.date)
        .tuples()
    )
    for account_id in sorted(set(stored) | set(day.closing)):
        before, now_fen = int(stored.get(account_id, 0)), day.closing.get(account_id, 0)
        if before != now_fen:
            yield Finding(
                "closing_mismatch",
                "account",
                account_id,
                f"账户 {account_id} 的当日期末余额与上次对账时不同（{before} 分 → {now_fen} 分），历史记账被改动过",
                {"stored_fen": before, "recomputed_fen": now_fen},
            )


def store_closing(day):
    """Write the day's closing balances once (inside the caller's transaction)."""
    if not day.store_closing or day.closing is None:
        return 0
    movement = {}
    for _, _, account_id, amount, _, _, _ in day.postings:
        movement[account_id] = movement.get(account_id, 0) + amount
    rows = [
        {"business_date": day.date, "account": aid, "closing_fen": fen, "movement_fen": movement.get(aid, 0)}
        for aid, fen in day.closing.items()
    ]
    for i in range(0, len(rows), 500):
        DailyBalance.insert_many(rows[i : i + 500]).execute()
    return len(rows)
