"""What one reconciliation of a business day sees: the day's rows, loaded once per table, and the checks' registry.

Every check is a function `check(day) -> iterable of Finding`; nightly.CHECKS lists them in their run order.
"""

import datetime as dt
from functools import cached_property

from models import Account
from models import Inspection
from models import LedgerTxn
from models import MaterialMovement
from models import Order
from models import PieceReport
from models import Posting
from models import db
from services.clock import day_bounds_utc
from services.money.invariants import Finding  # noqa: F401  (the checks' finding, defined with the rules)


class Day:
    """The business date under reconciliation and its rows (each table read once, on first use)."""

    def __init__(self, day, now, bill_source=None):
        self.date = day
        self.now = now
        self.start, self.end = day_bounds_utc(day)
        self.bill_source = bill_source
        self.stats = {}
        self.closing = None  # {account_id: fen}, set by the closing-balance check
        self.store_closing = False
        self.closing_was_stored = False  # set by the run: an earlier run of this date stored its closing

    @cached_property
    def postings(self):
        """(posting id, txn id, account id, fen, inspection id, txn kind, txn key) of the day's transactions."""
        rows = db.execute(
            Posting.select(
                Posting.id,
                Posting.txn,
                Posting.account,
                Posting.amount_fen,
                Posting.inspection,
                LedgerTxn.kind,
                LedgerTxn.key,
            )
            .join(LedgerTxn)
            .where(LedgerTxn.business_date == self.date)
            .order_by(Posting.id)
        ).fetchall()
        self.stats["postings"] = len(rows)
        return rows

    @cached_property
    def txns(self):
        rows = db.execute(
            LedgerTxn.select(LedgerTxn.id, LedgerTxn.kind, LedgerTxn.key).where(LedgerTxn.business_date == self.date)
        ).fetchall()
        self.stats["transactions"] = len(rows)
        return rows

    @cached_property
    def accounts(self):
        """{account id: (kind, worker id)} of every account the day touches."""
        day_accounts = Posting.select(Posting.account).join(LedgerTxn).where(LedgerTxn.business_date == self.date)
        return {
            account_id: (kind, worker_id)
            for account_id, kind, worker_id in db.execute(
                Account.select(Account.id, Account.kind, Account.worker).where(Account.id.in_(day_accounts))
            ).fetchall()
        }

    @cached_property
    def inspections(self):
        """(id, worker, order, accepted, rejected, rework, rate, amount, order's locked rate) of the day."""
        rows = db.execute(
            Inspection.select(
                Inspection.id,
                Inspection.worker,
                Inspection.order,
                Inspection.accepted,
                Inspection.rejected,
                Inspection.rework,
                Inspection.rate_fen,
                Inspection.amount_fen,
                Order.rate_fen,
            )
            .join(Order)
            .where((Inspection.created_at >= self.start) & (Inspection.created_at < self.end))
        ).fetchall()
        self.stats["inspections"] = len(rows)
        return rows

    def _in_day(self, field):
        return (field >= self.start) & (field < self.end)

    def touched_orders(self):
        """Subquery of the orders the day changed: taken, reported, inspected or materials moved."""
        return (
            PieceReport.select(PieceReport.order).where(self._in_day(PieceReport.created_at))
            | Inspection.select(Inspection.order).where(self._in_day(Inspection.created_at))
            | MaterialMovement.select(MaterialMovement.order).where(self._in_day(MaterialMovement.created_at))
            | Order.select(Order.id).where(self._in_day(Order.created_at))
        )

    def material_orders(self):
        """Subquery of the orders whose materials or inspected pieces changed during the day."""
        return Inspection.select(Inspection.order).where(self._in_day(Inspection.created_at)) | MaterialMovement.select(
            MaterialMovement.order
        ).where(self._in_day(MaterialMovement.created_at))

    def new_order_jobs(self):
        """Subquery of the jobs that took orders during the day."""
        return Order.select(Order.job).where(self._in_day(Order.created_at)).distinct()

    @property
    def previous(self):
        return self.date - dt.timedelta(days=1)


def chunks(values, size=5000):
    """Split `values` for IN (...) lists (SQLite limits bound parameters)."""
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]
