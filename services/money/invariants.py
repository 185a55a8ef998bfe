"""The ledger's invariants, defined once: each rule a function over rows that returns findings.

The nightly reconciliation applies them to one business day's rows (services/reconciliation/ledger_checks.py);
`check_ledger()` applies them to the whole ledger, for the tests after every flow and for the bench after every run.
"""

from dataclasses import dataclass
from dataclasses import field

from peewee import fn

from models import Account
from models import Inspection
from models import LedgerTxn
from models import Order
from models import Posting
from models import db
from services.money import ledger

EARNING_KINDS = ("earning", "earning_correction")
WORKER_KINDS = ("worker_payable", "worker_inflight")


@dataclass
class Finding:
    kind: str
    object_type: str
    object_id: object
    message: str
    detail: dict = field(default_factory=dict)
    severity: str = "error"

    @property
    def identity(self):
        return (self.kind, self.object_type, str(self.object_id))


def yuan(fen):
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}元"


def unbalanced_transactions(txns, postings):
    """Every transaction has legs and sums to zero. `txns`: (id, kind, key); `postings`: rows whose [1] is the
    transaction id and [3] the amount."""
    totals = {}
    for row in postings:
        totals[row[1]] = totals.get(row[1], 0) + row[3]
    for txn_id, kind, key in txns:
        if txn_id not in totals:
            yield Finding(
                "txn_empty", "ledger_txn", txn_id, f"账务分录 {key} 没有任何记账行", {"key": key, "kind": kind}
            )
        elif totals[txn_id] != 0:
            yield Finding(
                "txn_unbalanced",
                "ledger_txn",
                txn_id,
                f"账务分录 {key} 借贷不平，差额 {yuan(totals[txn_id])}",
                {"key": key, "kind": kind, "total_fen": totals[txn_id]},
            )


def inspections_without_their_earning(inspections, by_inspection):
    """Each inspection's amount is accepted × the order's locked rate, and it has exactly one earning leg of that
    amount (none when it is zero). `inspections`: (id, worker, order, accepted, rejected, rework, rate, amount,
    order's rate); `by_inspection`: {inspection id: [(account id, fen)]}."""
    for inspection_id, worker_id, order_id, accepted, _, _, rate, amount, order_rate in inspections:
        expected = accepted * order_rate
        detail = {"order": order_id, "worker": worker_id, "accepted": accepted, "rate_fen": order_rate}
        detail["expected_fen"] = expected
        if rate != order_rate or amount != expected:
            yield Finding(
                "inspection_amount_wrong",
                "inspection",
                inspection_id,
                f"质检 {inspection_id} 金额 {yuan(amount)} 不等于 {accepted} 件 × 锁定单价 {order_rate} 分",
                {**detail, "amount_fen": amount, "inspection_rate_fen": rate},
            )
        legs = by_inspection.get(inspection_id, [])
        credits = [-a for _, a in legs]
        if not legs and expected != 0:
            message = f"质检 {inspection_id} 合格 {accepted} 件，但账上没有对应的工钱记账"
            yield Finding("earning_missing", "inspection", inspection_id, message, detail)
        elif len(legs) > 1:
            message = f"质检 {inspection_id} 有 {len(legs)} 笔工钱记账，应只有一笔"
            yield Finding("earning_duplicate", "inspection", inspection_id, message, {**detail, "posted_fen": credits})
        elif legs and (credits[0] != expected or expected == 0):
            yield Finding(
                "earning_amount_wrong",
                "inspection",
                inspection_id,
                f"质检 {inspection_id} 记账 {yuan(credits[0])}，应为 {yuan(expected)}",
                {**detail, "posted_fen": credits[0]},
            )


def walk_balances(opening, postings, accounts):
    """(closing, lowest) from `opening` {account: fen} and `postings` in posting order ([2] account, [3] fen):
    every account's closing balance, and the highest ledger balance each worker account reached (owed = minus it)."""
    closing, lowest = dict(opening), {}
    for row in postings:
        account_id = row[2]
        closing[account_id] = closing.get(account_id, 0) + row[3]
        if accounts.get(account_id, ("",))[0] in WORKER_KINDS:
            lowest[account_id] = max(lowest.get(account_id, closing[account_id]), closing[account_id])
    return {aid: fen for aid, fen in closing.items() if fen}, lowest


def unbalanced_total(closing, object_id, when):
    """All accounts together sum to zero."""
    if sum(closing.values()) != 0:
        message = f"{when}全部账户余额合计 {yuan(sum(closing.values()))}，应为 0"
        yield Finding("ledger_total_nonzero", "ledger", object_id, message)


def negative_worker_balances(lowest, closing, accounts):
    """No worker's payable or in-flight balance is ever negative (its ledger balance never above zero)."""
    for account_id, worst in sorted(lowest.items()):
        if worst > 0:
            kind, worker_id = accounts[account_id]
            label = "应付工钱" if kind == "worker_payable" else "在途工钱"
            yield Finding(
                "worker_balance_negative",
                "worker",
                worker_id,
                f"工人 {worker_id} 的{label}余额曾为负 {yuan(-worst)}",
                {
                    "account": account_id,
                    "kind": kind,
                    "lowest_owed_fen": -worst,
                    "closing_owed_fen": -closing.get(account_id, 0),
                },
            )


def earned_totals_off():
    """Each worker's running earned total equals the sum of their inspections."""
    for worker_id, earned, summed in ledger.earned_totals_off():
        yield Finding(
            "earned_total_off",
            "worker",
            worker_id,
            f"工人 {worker_id} 的累计收入 {earned} 分与质检记录合计 {summed} 分不符",
            {"earned_fen": int(earned), "inspections_fen": int(summed)},
        )


def running_balances_off():
    """Each account's running balance equals the sum of its postings (the whole ledger, in one statement)."""
    for kind, row_id in ledger.running_totals_off(limit=None):
        if kind == "account":
            yield Finding("running_balance_off", "account", row_id, f"账户 {row_id} 的即时余额与记账行合计不符")


def earnings_match_pieces(payable_credits, earned):
    """What each worker's payable was credited for inspections equals the value of their accepted pieces, and
    all earning transactions together equal all inspections."""
    for worker_id in sorted(set(payable_credits) | set(earned)):
        credited, value = payable_credits.get(worker_id, 0), earned.get(worker_id, 0)
        if credited != value:
            message = f"工人 {worker_id} 的工钱记账 {yuan(credited)} 不等于合格件价值 {yuan(value)}"
            yield Finding(
                "earnings_vs_pieces", "worker", worker_id, message, {"posted_fen": credited, "earned_fen": value}
            )


def check_ledger():
    """Every invariant over the whole ledger: [Finding], empty when it is sound (tests and bench)."""
    postings = db.execute(
        Posting.select(Posting.id, Posting.txn, Posting.account, Posting.amount_fen, Posting.inspection).order_by(
            Posting.id
        )
    ).fetchall()
    txns = db.execute(LedgerTxn.select(LedgerTxn.id, LedgerTxn.kind, LedgerTxn.key)).fetchall()
    accounts = {a: (k, w) for a, k, w in db.execute(Account.select(Account.id, Account.kind, Account.worker))}
    inspections = db.execute(
        Inspection.select(
            Inspection.id, Inspection.worker, Inspection.order, Inspection.accepted, Inspection.rejected,
            Inspection.rework, Inspection.rate_fen, Inspection.amount_fen, Order.rate_fen,
        ).join(Order)
    ).fetchall()  # fmt: skip
    by_inspection, payable_credits, earned = {}, {}, {}
    for _, _, account_id, amount, inspection_id in postings:
        if inspection_id is not None:
            by_inspection.setdefault(inspection_id, []).append((account_id, amount))
            kind, worker_id = accounts[account_id]
            if kind == "worker_payable":
                payable_credits[worker_id] = payable_credits.get(worker_id, 0) - amount
    for row in inspections:
        earned[row[1]] = earned.get(row[1], 0) + row[7]
    closing, lowest = walk_balances({}, postings, accounts)
    findings = list(unbalanced_transactions(txns, postings))
    findings += inspections_without_their_earning(inspections, by_inspection)
    findings += unbalanced_total(closing, "all", "账上")
    findings += negative_worker_balances(lowest, closing, accounts)
    findings += earnings_match_pieces(payable_credits, earned)
    findings += _earning_transactions_match_inspections()
    findings += running_balances_off()
    findings += earned_totals_off()
    return findings


def _earning_transactions_match_inspections():
    earned = Inspection.select(fn.COALESCE(fn.SUM(Inspection.amount_fen), 0)).scalar()
    posted = (
        Posting.select(fn.COALESCE(fn.SUM(Posting.amount_fen), 0))
        .join(LedgerTxn)
        .where(Posting.inspection.is_null(False) & LedgerTxn.kind.in_(list(EARNING_KINDS)))
        .scalar()
    )
    if int(earned or 0) != -int(posted or 0):
        message = f"质检合计 {yuan(int(earned or 0))}，工钱记账合计 {yuan(-int(posted or 0))}"
        yield Finding("earnings_vs_pieces", "ledger", "all", message)
