"""Payout checks of one business day: each payout equals its postings and pieces, nothing settled twice, nothing
stuck in flight, and our WeChat payouts match WeChat Pay's fund-flow bill both ways by bill number and amount."""

import datetime as dt

from peewee import fn

from models import Inspection
from models import Payout
from models import PayoutItem
from models import db
from models import is_sqlite
from services.reconciliation.context import Finding
from services.reconciliation.context import chunks
from wechat.pay import PENDING_STATES

FINAL = ("SUCCESS", "FAIL", "CANCELLED")
RELEASED = ("FAIL", "CANCELLED")
IN_FLIGHT = ("CREATED", *sorted(PENDING_STATES))  # listed, so the state index is used
STUCK_GRACE = dt.timedelta(minutes=30)
# ledger txn key suffix (payout:<out_bill_no>:<suffix>) -> txn kind, as services/payouts/transfers.py posts them
OUTCOME_TXNS = {"send": "payout_send", "paid": "payout_paid", "reverse": "payout_reversed", "cash": "payout_cash"}


def _yuan(fen):
    return f"{fen / 100:.2f}元"


def _expected_txns(payout, finished_today):
    if payout.method == "cash":
        return ["cash"]
    wanted = ["send"]
    if finished_today and payout.state == "SUCCESS":
        wanted.append("paid")
    if finished_today and payout.state in RELEASED:
        wanted.append("reverse")
    return wanted


def payouts_match_postings(day):
    """Each payout of the day equals its pieces and its ledger postings; no payout posting lacks its payout."""
    made = list(Payout.select().where(Payout.business_date == day.date))
    finished = list(
        Payout.select().where(
            (Payout.finished_at >= day.start) & (Payout.finished_at < day.end) & (Payout.business_date != day.date)
        )
    )
    day.stats["payouts"] = len(made)
    payouts = {p.out_bill_no: p for p in made + finished}
    made_ids = Payout.select(Payout.id).where(Payout.business_date == day.date)
    items = dict(
        PayoutItem.select(PayoutItem.payout, fn.SUM(PayoutItem.amount_fen))
        .where(PayoutItem.payout.in_(made_ids))
        .group_by(PayoutItem.payout)
        .tuples()
    )
    txns = _payout_txns(day)
    for payout in made:
        settled = int(items.get(payout.id) or 0)
        if not settled:
            yield Finding(
                "payout_without_items",
                "payout",
                payout.id,
                f"付款 {payout.out_bill_no}（{_yuan(payout.amount_fen)}）没有对应的计件明细",
                {},
            )
        elif settled != payout.amount_fen:
            yield Finding(
                "payout_items_mismatch",
                "payout",
                payout.id,
                f"付款 {payout.out_bill_no} 金额 {_yuan(payout.amount_fen)}，所结计件合计 {_yuan(settled)}",
                {"amount_fen": payout.amount_fen, "items_fen": settled},
            )
    for payout in payouts.values():
        finished_today = payout.finished_at is not None and day.start <= payout.finished_at < day.end
        wanted = _expected_txns(payout, finished_today)
        if payout.business_date != day.date:
            wanted = [w for w in wanted if w not in ("send", "cash")]
        for suffix in wanted:
            amount = txns.get((payout.out_bill_no, suffix))
            if amount is None:
                yield Finding(
                    "payout_without_postings",
                    "payout",
                    payout.id,
                    f"付款 {payout.out_bill_no}（{payout.state}）缺少“{suffix}”记账",
                    {"out_bill_no": payout.out_bill_no, "missing": suffix, "state": payout.state},
                )
            elif amount != payout.amount_fen:
                yield Finding(
                    "payout_postings_mismatch",
                    "payout",
                    payout.id,
                    f"付款 {payout.out_bill_no} 金额 {_yuan(payout.amount_fen)}，“{suffix}”记账 {_yuan(amount)}",
                    {"out_bill_no": payout.out_bill_no, "txn": suffix, "posted_fen": amount},
                )
    known = {p.out_bill_no for p in payouts.values()}
    missing = {number for number, _ in txns} - known
    for part in chunks(missing):
        known |= {n for (n,) in Payout.select(Payout.out_bill_no).where(Payout.out_bill_no.in_(part)).tuples()}
    for number, suffix in sorted(txns):
        if number not in known:
            yield Finding(
                "payout_posting_without_payout",
                "ledger_txn",
                f"payout:{number}:{suffix}",
                f"记账 payout:{number}:{suffix} 没有对应的付款记录",
                {"out_bill_no": number},
            )


def _payout_txns(day):
    """{(out_bill_no, suffix): fen moved} for the day's payout transactions (from the day's postings)."""
    moved = {}
    for _, _, _, amount, _, kind, key in day.postings:
        if key.startswith("payout:") and kind in OUTCOME_TXNS.values() and amount > 0:
            _, number, suffix = key.split(":", 2)
            moved[(number, suffix)] = moved.get((number, suffix), 0) + amount
    for _, kind, key in day.txns:
        if key.startswith("payout:") and kind in OUTCOME_TXNS.values():
            _, number, suffix = key.split(":", 2)
            moved.setdefault((number, suffix), 0)
    return moved


def _indexed_by(index):
    """SQLite: use this index even when statistics say its column is nearly all one value (NULL, SUCCESS)."""
    return f' INDEXED BY "{index}"' if is_sqlite() else ""


def _table(name):
    """A table name quoted for the database: "…" on SQLite and PostgreSQL, `…` on MySQL."""
    open_quote, close_quote = db.obj.quote
    return f"{open_quote}{name}{close_quote}"


def nothing_settled_twice(day):
    """No accepted piece is settled by live payouts for more than it is worth."""
    made = Payout.select(Payout.id).where(Payout.business_date == day.date)
    roots_query = PayoutItem.select(PayoutItem.inspection).where(PayoutItem.payout.in_(made))
    value, settled, payers = {}, {}, {}
    roots_sql, roots_params = roots_query.sql()
    corrections = (
        f"SELECT id, corrects_id, amount_fen FROM {_table('inspection')}"
        f"{_indexed_by('inspection_corrects_id')} WHERE corrects_id IN ({roots_sql})"
    )
    for row_id, corrects_id, amount in (
        db.execute(
            Inspection.select(Inspection.id, Inspection.corrects, Inspection.amount_fen).where(
                Inspection.id.in_(roots_query)
            )
        ).fetchall()
        + db.execute_sql(corrections, roots_params).fetchall()
    ):
        key = corrects_id or row_id
        value[key] = value.get(key, 0) + amount
    roots = set()
    for inspection_id, payout_id, amount, state in db.execute(
        PayoutItem.select(PayoutItem.inspection, PayoutItem.payout, PayoutItem.amount_fen, Payout.state)
        .join(Payout)
        .where(PayoutItem.inspection.in_(roots_query))
    ).fetchall():
        roots.add(inspection_id)
        if state in RELEASED:
            continue
        settled[inspection_id] = settled.get(inspection_id, 0) + amount
        payers.setdefault(inspection_id, []).append(payout_id)
    for inspection_id in sorted(roots):
        if settled.get(inspection_id, 0) > value.get(inspection_id, 0):
            yield Finding(
                "settled_twice",
                "inspection",
                inspection_id,
                f"质检 {inspection_id} 的工钱 {_yuan(value.get(inspection_id, 0))} 被付款结算了 "
                f"{_yuan(settled[inspection_id])}",
                {
                    "payouts": payers.get(inspection_id, []),
                    "value_fen": value.get(inspection_id, 0),
                    "settled_fen": settled[inspection_id],
                },
            )


def no_payout_stuck(day):
    """No WeChat payout is still in flight past its confirmation deadline (as of the day's end or now)."""
    cutoff = min(day.now, day.end) - STUCK_GRACE
    # by the state index even when statistics say nearly every payout has one state (SQLite would scan them all)
    mark = db.param
    sql = (
        f"SELECT id FROM {_table('payout')}{_indexed_by('payout_state')} "
        f"WHERE state IN ({', '.join([mark] * len(IN_FLIGHT))}) AND deadline < {mark}"
    )
    ids = [row[0] for row in db.execute_sql(sql, [*IN_FLIGHT, cutoff]).fetchall()]
    stuck = Payout.select().where(Payout.id.in_(ids))
    for payout in stuck.order_by(Payout.id):
        yield Finding(
            "payout_stuck",
            "payout",
            payout.id,
            f"付款 {payout.out_bill_no}（{_yuan(payout.amount_fen)}）已过确认期限仍在途，状态 {payout.state}",
            {"out_bill_no": payout.out_bill_no, "state": payout.state, "deadline": payout.deadline.isoformat()},
        )
