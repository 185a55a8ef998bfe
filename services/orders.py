"""Taking orders (接单): a guarded counter update so racing workers never oversell a job."""

from peewee import IntegrityError
from peewee import fn

from models import Job
from models import Order
from models import Worker
from models import is_sqlite
from models import transaction
from services import validate
from services.errors import Conflict
from services.errors import NotFound


def accept_order(worker, job_id, quantity, request_id, now):
    """Take `quantity` pieces of an open job at the job's current rate, which is then locked for the order."""
    quantity = validate.positive_int(quantity, "接单件数", "quantity")
    request_id = validate.request_id(request_id)
    previous = _previous(worker, request_id, job_id, quantity)
    if previous is not None:
        return previous, False
    try:
        with transaction():
            order = _take(worker, job_id, quantity, request_id, now)
    except IntegrityError:
        # The same request raced itself (a client retry): answer with the first result.
        previous = _previous(worker, request_id, job_id, quantity)
        if previous is None:
            raise
        return previous, False
    return order, True


def _previous(worker, request_id, job_id, quantity):
    order = Order.get_or_none((Order.worker == worker.id) & (Order.request_id == request_id))
    if order is not None and (order.job_id != job_id or order.quantity != quantity):
        raise Conflict("这个请求编号已用于另一笔接单", code="request_id_reused")
    return order


def _take(worker, job_id, quantity, request_id, now):
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        raise NotFound("没有这个工作", code="job_not_found")
    if job.status != "open":
        raise Conflict("这个工作已经停止接单", code="job_closed")
    if job.opens_at is not None and now < job.opens_at:
        raise Conflict("这个工作还没开始接单", code="job_not_open_yet")
    if job.closes_at is not None and now >= job.closes_at:
        raise Conflict("这个工作的接单时间已过", code="job_closed")
    if job.per_worker_cap:
        _check_cap(worker, job, quantity)
    taken = (
        Job.update(taken=Job.taken + quantity, updated_at=now)
        .where((Job.id == job.id) & (Job.status == "open") & (Job.taken + quantity <= Job.total_pieces))
        .execute()
    )
    if not taken:
        remaining = Job.get_by_id(job.id).remaining
        raise Conflict(f"剩余件数不足，只剩 {max(remaining, 0)} 件", code="not_enough_pieces", remaining=max(remaining, 0))
    rate = Job.select(Job.unit_price_fen).where(Job.id == job.id).scalar()
    return Order.create(
        job=job.id, worker=worker.id, quantity=quantity, rate_fen=rate, request_id=request_id,
        created_at=now, updated_at=now,
    )


def _check_cap(worker, job, quantity):
    if not is_sqlite():
        # Serialise one worker's concurrent orders (SQLite already holds the write lock).
        Worker.select(Worker.id).where(Worker.id == worker.id).for_update().execute()
    held = (
        Order.select(fn.COALESCE(fn.SUM(Order.quantity), 0))
        .where((Order.job == job.id) & (Order.worker == worker.id) & (Order.status != "cancelled"))
        .scalar()
    )
    if int(held) + quantity > job.per_worker_cap:
        left = max(job.per_worker_cap - int(held), 0)
        raise Conflict(f"每人最多接 {job.per_worker_cap} 件，您还能接 {left} 件", code="over_worker_cap", left=left)


def get_own_order(worker, order_id):
    """The worker's own order; someone else's order is 'not found' to them."""
    order = Order.get_or_none((Order.id == order_id) & (Order.worker == worker.id))
    if order is None:
        raise NotFound("没有这个工单", code="order_not_found")
    return order


def orders_of(worker, status=None, limit=50, before_id=None):
    query = Order.select(Order, Job).join(Job).where(Order.worker == worker.id)
    if status:
        query = query.where(Order.status == status)
    if before_id:
        query = query.where(Order.id < before_id)
    return list(query.order_by(Order.id.desc()).limit(limit))
