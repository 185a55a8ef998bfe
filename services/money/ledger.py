"""Double-entry ledger in integer fen: balanced, append-only transactions, idempotent on their key.

Sign convention: debit positive, credit negative. A worker's payable account is credited when pieces are
accepted, so the amount owed to the worker is minus its balance.
"""

from peewee import JOIN
from peewee import IntegrityError
from peewee import PostgresqlDatabase
from peewee import fn

from models import Account
from models import LedgerTxn
from models import Posting
from models import db
from models import utcnow
from services.errors import DomainError
from services.unit import transaction


class UnbalancedTransaction(DomainError):
    status = 500
    code = "ledger_unbalanced"


def _account(code, kind, **owner):
    account = Account.get_or_none(Account.code == code)
    if account is not None:
        return account
    try:
        with db.atomic():
            return Account.create(code=code, kind=kind, **owner)
    except IntegrityError:
        return Account.get(Account.code == code)


def worker_payable(worker):
    return _account(f"worker:{_id(worker)}:payable", "worker_payable", worker=_id(worker))


def worker_inflight(worker):
    return _account(f"worker:{_id(worker)}:inflight", "worker_inflight", worker=_id(worker))


def enterprise_labour(enterprise):
    return _account(f"enterprise:{_id(enterprise)}:labour", "enterprise_labour", enterprise=_id(enterprise))


def station_cash(station):
    return _account(f"station:{_id(station)}:cash", "station_cash", station=_id(station))


def wechatpay_clearing():
    return _account("market:wechatpay", "wechatpay_clearing")


def _id(obj):
    return obj if isinstance(obj, int) else obj.id


def post(key, kind, legs, business_date, memo="", now=None):
    """Record one balanced transaction; posting the same key again returns the first transaction."""
    existing = LedgerTxn.get_or_none(LedgerTxn.key == key)
    if existing is not None:
        return existing
    total = 0
    for leg in legs:
        amount = leg[1]
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise UnbalancedTransaction("金额必须是整数分", amount=repr(amount))
        total += amount
    if total != 0 or not legs:
        raise UnbalancedTransaction("账务分录不平衡", key=key, total=total)
    now = now or utcnow()
    moves = {}
    for leg in legs:
        moves[leg[0].id] = moves.get(leg[0].id, 0) + leg[1]
    with db.atomic():
        txn = LedgerTxn.create(key=key, kind=kind, memo=memo[:200], business_date=business_date, created_at=now)
        for account_id in sorted(moves):  # one order for every transaction: concurrent postings never deadlock
            if moves[account_id]:
                Account.update(balance_fen=Account.balance_fen + moves[account_id]).where(
                    Account.id == account_id
                ).execute()
        Posting.insert_many(
            [
                {
                    "txn": txn.id,
                    "account": leg[0].id,
                    "amount_fen": leg[1],
                    "inspection": leg[2] if len(leg) > 2 else None,
                    "created_at": now,
                }
                for leg in legs
                if leg[1] != 0
            ]
        ).execute()
    return txn


def recompute_running_totals():
    """Set every account's balance and every worker's earned total from their rows (migration 0007, bulk loads)."""
    from models import Inspection
    from models import Worker

    postings = Posting.select(fn.COALESCE(fn.SUM(Posting.amount_fen), 0)).where(Posting.account == Account.id)
    Account.update(balance_fen=postings).execute()
    inspections = Inspection.select(fn.COALESCE(fn.SUM(Inspection.amount_fen), 0)).where(Inspection.worker == Worker.id)
    Worker.update(earned_fen=inspections).execute()


def repair_running_totals():
    """Recompute every running total from its rows; returns what was off. Writers of postings and inspections wait
    meanwhile (PostgreSQL: a SHARE lock on both tables; SQLite: the write lock), so none can slip in between the
    sums and the update."""
    with transaction():
        if isinstance(db.obj, PostgresqlDatabase):
            db.execute_sql("LOCK TABLE posting, inspection IN SHARE MODE")
        off = running_totals_off(limit=None)
        recompute_running_totals()
    return off


def running_totals_off(limit=100):
    """[(kind, id)] of accounts whose balance, or workers whose earned total, differs from their rows."""
    sums = (
        Posting.select(Posting.account.alias("account_id"), fn.SUM(Posting.amount_fen).alias("total"))
        .group_by(Posting.account)
        .alias("sums")
    )
    accounts = (
        Account.select(Account.id)
        .join(sums, JOIN.LEFT_OUTER, on=(sums.c.account_id == Account.id))
        .where(Account.balance_fen != fn.COALESCE(sums.c.total, 0))
        .order_by(Account.id)
    )
    off = [("account", account_id) for (account_id,) in accounts.tuples()]
    off += [("worker", worker_id) for worker_id, _, _ in earned_totals_off()]
    return off[:limit]


def earned_totals_off():
    """(worker id, earned total, sum of their inspections) of workers whose two differ, read in one statement."""
    from models import Inspection
    from models import Worker

    sums = (
        Inspection.select(Inspection.worker.alias("worker_id"), fn.SUM(Inspection.amount_fen).alias("total"))
        .group_by(Inspection.worker)
        .alias("sums")
    )
    summed = fn.COALESCE(sums.c.total, 0)
    query = (
        Worker.select(Worker.id, Worker.earned_fen, summed)
        .join(sums, JOIN.LEFT_OUTER, on=(sums.c.worker_id == Worker.id))
        .where(Worker.earned_fen != summed)
        .order_by(Worker.id)
    )
    return db.execute(query).fetchall()


# Reading a balance: the one way. An account's balance is its running total (`Account.balance_fen`), kept in the
# transaction that posts to it (so it is exactly the sum of its postings at every commit); the nightly
# reconciliation and the tests' invariants check the two agree (services/money/invariants.py, reconciliation/totals).


def balance(account):
    """The balance of one account (debit positive), in fen."""
    return int(Account.select(Account.balance_fen).where(Account.id == _id(account)).scalar() or 0)


def owed_on(kind, worker):
    """What the market owes `worker` on its account of `kind` (minus the balance: credits are negative), as a
    subquery, for a statement that reads it with other figures in one snapshot; `worker` may be a bound argument."""
    return Account.select(Account.balance_fen * -1).where((Account.worker == worker) & (Account.kind == kind))


def owed_query():
    """(worker id, fen owed) of every worker the market owes something on their payable account."""
    return Account.select(Account.worker, Account.balance_fen * -1).where(
        (Account.kind == "worker_payable") & (Account.balance_fen < 0)
    )


def worker_balances(worker_ids):
    """{worker_id: {"owed": fen, "inflight": fen}} for many workers in one query."""
    rows = (
        Account.select(Account.worker, Account.kind, Account.balance_fen)
        .where(Account.worker.in_(list(worker_ids)) & Account.kind.in_(["worker_payable", "worker_inflight"]))
        .tuples()
    )
    result = {worker_id: {"owed": 0, "inflight": 0} for worker_id in worker_ids}
    for worker_id, kind, total in rows:
        result[worker_id]["owed" if kind == "worker_payable" else "inflight"] = -int(total or 0)
    return result


def owed_fen(worker):
    """What the market owes the worker and has not yet sent."""
    return worker_balances([_id(worker)])[_id(worker)]["owed"]


def inflight_fen(worker):
    """What has been sent to WeChat Pay for the worker and not yet confirmed or reversed."""
    return worker_balances([_id(worker)])[_id(worker)]["inflight"]


def unbalanced_transactions(limit=100):
    """Ids of transactions whose postings do not sum to zero (should always be empty)."""
    query = (
        Posting.select(Posting.txn).group_by(Posting.txn).having(fn.SUM(Posting.amount_fen) != 0).limit(limit).tuples()
    )
    return [row[0] for row in query]
