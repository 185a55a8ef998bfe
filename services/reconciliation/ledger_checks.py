"""Ledger checks of one business day: balanced transactions, one earning per accepted inspection, closing balances.

Closing balances per account and date (DailyBalance) let a day start from yesterday's closing instead of history.
"""

from peewee import fn

from models import DailyBalance
from models import Inspection
from models import LedgerTxn
from models import Posting
from models import ReconRun
from services.reconciliation.context import Finding
from services.reconciliation.context import chunks

EARNING_KINDS = ("earning", "earning_correction")
WORKER_KINDS = ("worker_payable", "worker_inflight")


def _yuan(fen):
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}元"


def transactions_balance(day):
    """Every ledger transaction of the day sums to zero and has legs."""
    totals = {}
    for _, txn_id, _, amount, _, _, _ in day.postings:
        totals[txn_id] = totals.get(txn_id, 0) + amount
    for txn_id, kind, key in day.txns:
        if txn_id not in totals:
            yield Finding(
                "txn_empty", "ledger_txn", txn_id, f"账务分录 {key} 没有任何记账行", {"key": key, "kind": kind}
            )
        elif totals[txn_id] != 0:
            yield Finding(
                "txn_unbalanced",
                "ledger_txn",
                txn_id,
                f"账务分录 {key} 借贷不平，差额 {_yuan(totals[txn_id])}",
                {"key": key, "kind": kind, "total_fen": totals[txn_id]},
            )


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
    for inspection_id, worker_id, order_id, accepted, _, _, rate, amount, order_rate in day.inspections:
        expected = accepted * order_rate
        detail = {
            "order": order_id,
            "worker": worker_id,
            "accepted": accepted,
            "rate_fen": order_rate,
            "expected_fen": expected,
        }
        if rate != order_rate or amount != expected:
            yield Finding(
                "inspection_amount_wrong",
                "inspection",
                inspection_id,
                f"质检 {inspection_id} 金额 {_yuan(amount)} 不等于 {accepted} 件 × 锁定单价 {order_rate} 分",
                {**detail, "amount_fen": amount, "inspection_rate_fen": rate},
            )
        legs = by_inspection.get(inspection_id, [])
        credits = [-a for _, a in legs]
        if expected == 0 and not legs:
            continue
        if not legs:
            yield Finding(
                "earning_missing",
                "inspection",
                inspection_id,
                f"质检 {inspection_id} 合格 {accepted} 件，但账上没有对应的工钱记账",
                detail,
            )
        elif len(legs) > 1:
            yield Finding(
                "earning_duplicate",
                "inspection",
                inspection_id,
                f"质检 {inspection_id} 有 {len(legs)} 笔工钱记账，应只有一笔",
                {**detail, "posted_fen": credits},
            )
        elif credits[0] != expected:
            yield Finding(
                "earning_amount_wrong",
                "inspection",
                inspection_id,
                f"质检 {inspection_id} 记账 {_yuan(credits[0])}，应为 {_yuan(expected)}",
                {**detail, "posted_fen": credits[0]},
            )
    yield from _orphan_earnings(day, by_inspection, seen)


def _orphan_earnings(day, by_inspection, seen):
    payable = {aid for aid, (kind, _) in day.accounts.items() if kind == "worker_payable"}
    orphans = []
    for posting_id, txn_id, account_id, _, inspection_id, kind, key in day.postings:
        if kind in EARNING_KINDS and account_id in payable and inspection_id is None:
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
    closing = dict(opening)
    lowest = {}
    for _, _, account_id, amount, _, _, _ in day.postings:
        closing[account_id] = closing.get(account_id, 0) + amount
        if day.accounts.get(account_id, ("",))[0] in WORKER_KINDS:
            # the ledger balance of a worker account is minus what is owed / in flight: it must never be > 0
            lowest[account_id] = max(lowest.get(account_id, closing[account_id]), closing[account_id])
    day.closing = {aid: fen for aid, fen in closing.items() if fen}
    day.stats["accounts_closing"] = len(day.closing)
    if sum(day.closing.values()) != 0:
        yield Finding(
            "ledger_total_nonzero",
            "ledger",
            day.date.isoformat(),
            f"当日结束时全部账户余额合计 {_yuan(sum(day.closing.values()))}，应为 0",
        )
    for account_id, worst in sorted(lowest.items()):
        if worst > 0:
            kind, worker_id = day.accounts[account_id]
            label = "应付工钱" if kind == "worker_payable" else "在途工钱"
            yield Finding(
                "worker_balance_negative",
                "worker",
                worker_id,
                f"工人 {worker_id} 的{label}余额曾为负 {_yuan(-worst)}",
                {
                    "account": account_id,
                    "kind": kind,
                    "lowest_owed_fen": -worst,
                    "closing_owed_fen": -closing[account_id],
                },
            )
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
