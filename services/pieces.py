"""Piece reports: the worker's own count of finished pieces, safe to resend from a weak network."""


from models import Order
from models import PieceReport
from services import validate
from services.errors import Conflict
from services.idempotency import once
from services.orders import get_own_order


def report_pieces(worker, order_id, quantity, request_id, now):
    """Report finished pieces of one's own order; never more than the order still has outstanding."""
    quantity = validate.positive_int(quantity, "完成件数", "quantity")
    request_id = validate.request_id(request_id)
    order = get_own_order(worker, order_id)
    return once(lambda: _previous(worker, request_id, order.id, quantity),
                lambda: _record(worker, order, quantity, request_id, now))


def _previous(worker, request_id, order_id, quantity):
    report = PieceReport.get_or_none((PieceReport.worker == worker.id) & (PieceReport.request_id == request_id))
    if report is not None and (report.order_id != order_id or report.quantity != quantity):
        raise Conflict("这个请求编号已用于另一次报数", code="request_id_reused")
    return report


def _record(worker, order, quantity, request_id, now):
    if order.status != "open":
        raise Conflict("这个工单已经结束", code="order_closed")
    done = (
        Order.update(reported=Order.reported + quantity, updated_at=now)
        .where(
            (Order.id == order.id)
            & (Order.status == "open")
            & (Order.reported - Order.reworked + quantity <= Order.quantity)
        )
        .execute()
    )
    if not done:
        left = Order.get_by_id(order.id).reportable
        raise Conflict(f"报数超过了工单剩余件数，最多还能报 {left} 件", code="too_many_pieces", left=left)
    return PieceReport.create(order=order.id, worker=worker.id, quantity=quantity, request_id=request_id,
                              created_at=now)
