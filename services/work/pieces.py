"""Piece reports: the worker's own count of finished pieces, safe to resend from a weak network."""

from peewee import PostgresqlDatabase
from peewee import Select

from models import Order
from models import PieceReport
from models import db
from prepared import Arg
from prepared import Prepared
from prepared import as_model
from prepared import model_columns
from services import validate
from services.errors import Conflict
from services.unit import once
from services.work.orders import get_own_order


def report_pieces(worker, order_id, quantity, request_id, now):
    """Report finished pieces of one's own order; never more than the order still has outstanding."""
    quantity = validate.positive_int(quantity, "完成件数", "quantity")
    request_id = validate.request_id(request_id)
    return once(
        lambda: _previous(worker, request_id, order_id, quantity),
        lambda: _record(worker, order_id, quantity, request_id, now),
        attempt=lambda: _record_in_one_statement(worker, order_id, quantity, request_id, now),
    )


_REPORT_COLUMNS = model_columns(PieceReport)
_REPORT_BY_REQUEST = Prepared(
    lambda: PieceReport.select().where(
        (PieceReport.worker == Arg("worker")) & (PieceReport.request_id == Arg("request_id"))
    )
)


def _count_pieces():
    # Never more than the order still has outstanding: the check and the count are one guarded UPDATE.
    return Order.update(reported=Order.reported + Arg("quantity"), updated_at=Arg("now")).where(
        (Order.id == Arg("order"))
        & (Order.worker == Arg("worker"))
        & (Order.status == "open")
        & (Order.reported - Order.reworked + Arg("quantity") <= Order.quantity)
    )


def _count_and_record():
    """PostgreSQL: the guarded count and the report row as one statement."""
    counted = _count_pieces().returning(Order.id).cte("counted")
    values = {
        PieceReport.order: counted.c.id, PieceReport.worker: Arg("worker"), PieceReport.quantity: Arg("quantity"),
        PieceReport.request_id: Arg("request_id"), PieceReport.created_at: Arg("now"),
    }  # fmt: skip
    rows = Select([counted], list(values.values()))  # the WITH belongs to the INSERT (PostgreSQL's rule)
    return PieceReport.insert_from(rows, list(values)).with_cte(counted).returning(PieceReport.id)


_COUNT_PIECES = Prepared(_count_pieces)
_COUNT_AND_RECORD = Prepared(_count_and_record)
_INSERT_REPORT = Prepared(
    lambda: PieceReport.insert(order=Arg("order"), worker=Arg("worker"), quantity=Arg("quantity"),
                               request_id=Arg("request_id"), created_at=Arg("now"))
)  # fmt: skip


def _previous(worker, request_id, order_id, quantity):
    row = _REPORT_BY_REQUEST.first(worker=worker.id, request_id=request_id)
    report = None if row is None else as_model(PieceReport, _REPORT_COLUMNS, row)
    if report is not None and (report.order_id != order_id or report.quantity != quantity):
        raise Conflict("这个请求编号已用于另一次报数", code="request_id_reused")
    return report


def _record_in_one_statement(worker, order_id, quantity, request_id, now):
    """The report, when the database can count and record in one statement and the count was allowed; None sends
    the request down the general path (which explains a refusal)."""
    if not isinstance(db.obj, PostgresqlDatabase):
        return None
    fields = {"order": order_id, "worker": worker.id, "quantity": quantity, "request_id": request_id}
    new_id = _COUNT_AND_RECORD.scalar(**fields, now=now)
    return None if new_id is None else PieceReport(id=new_id, **fields, created_at=now)


def _record(worker, order_id, quantity, request_id, now):
    if not _COUNT_PIECES.rowcount(quantity=quantity, now=now, order=order_id, worker=worker.id):
        _explain_refusal(worker, order_id)
    fields = {"order": order_id, "worker": worker.id, "quantity": quantity, "request_id": request_id}
    new_id = _INSERT_REPORT.insert(**fields, now=now)
    return PieceReport(id=new_id, **fields, created_at=now)


def _explain_refusal(worker, order_id):
    """Why the guarded update took nothing: not the worker's order, the order is over, or too many pieces."""
    order = get_own_order(worker, order_id)
    if order.status != "open":
        raise Conflict("这个工单已经结束", code="order_closed")
    left = order.reportable
    raise Conflict(f"报数超过了工单剩余件数，最多还能报 {left} 件", code="too_many_pieces", left=left)
