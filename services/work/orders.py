"""Taking orders (接单): a guarded counter update so racing workers never oversell a job."""

from peewee import MySQLDatabase
from peewee import PostgresqlDatabase
from peewee import Select
from peewee import Value
from peewee import fn

from models import Job
from models import Order
from models import db
from prepared import Arg
from prepared import Prepared
from prepared import as_model
from prepared import model_columns
from services import validate
from services.errors import Conflict
from services.errors import NotFound
from services.training import gate
from services.unit import once


def accept_order(worker, job_id, quantity, request_id, now):
    """Take `quantity` pieces of an open job at the job's current rate, which is then locked for the order."""
    quantity = validate.positive_int(quantity, "接单件数", "quantity")
    request_id = validate.request_id(request_id)
    return once(
        lambda: _previous(worker, request_id, job_id, quantity),
        lambda: _take(worker, job_id, quantity, request_id, now),
        attempt=lambda: _take_in_one_statement(worker, job_id, quantity, request_id, now),
    )


_ORDER_COLUMNS = model_columns(Order)
_ORDER_BY_REQUEST = Prepared(
    lambda: Order.select().where((Order.worker == Arg("worker")) & (Order.request_id == Arg("request_id")))
)
_OWN_ORDER = Prepared(lambda: Order.select().where((Order.id == Arg("order")) & (Order.worker == Arg("worker"))))


def _open_now():
    return (
        (Job.id == Arg("job"))
        & (Job.status == "open")
        & (Job.taken + Arg("quantity") <= Job.total_pieces)
        & (Job.opens_at.is_null() | (Job.opens_at <= Arg("now")))
        & (Job.closes_at.is_null() | (Job.closes_at > Arg("now")))
    )


def _take_update():
    return Job.update(taken=Job.taken + Arg("quantity"), updated_at=Arg("now")).where(_open_now())


_TAKE_RETURNING = Prepared(
    lambda: _take_update().returning(Job.unit_price_fen, Job.per_worker_cap, Job.requires_skills)
)
_TAKE = Prepared(_take_update)
_RATE_AND_CAP = Prepared(
    lambda: Job.select(Job.unit_price_fen, Job.per_worker_cap, Job.requires_skills).where(Job.id == Arg("job"))
)
_INSERT_ORDER = Prepared(
    lambda: Order.insert(
        job=Arg("job"), worker=Arg("worker"), quantity=Arg("quantity"), rate_fen=Arg("rate_fen"),
        request_id=Arg("request_id"), created_at=Arg("now"), updated_at=Arg("now"),
    )
)  # fmt: skip


def _take_uncapped():
    """PostgreSQL: take the pieces of a job without a per-worker cap or required skills and write the order in one
    statement."""
    taken = (
        Job.update(taken=Job.taken + Arg("quantity"), updated_at=Arg("now"))
        .where(_open_now() & (Job.per_worker_cap == 0) & (Job.requires_skills == False))  # noqa: E712
        .returning(Job.unit_price_fen)
        .cte("taken")
    )
    values = {
        Order.job: Arg("job"), Order.worker: Arg("worker"), Order.quantity: Arg("quantity"),
        Order.rate_fen: taken.c.unit_price_fen, Order.reported: Value(0), Order.accepted: Value(0),
        Order.rejected: Value(0), Order.reworked: Value(0), Order.status: Value("open"),
        Order.request_id: Arg("request_id"), Order.created_at: Arg("now"), Order.updated_at: Arg("now"),
    }  # fmt: skip
    rows = Select([taken], list(values.values()))  # the WITH belongs to the INSERT (PostgreSQL's rule)
    return Order.insert_from(rows, list(values)).with_cte(taken).returning(Order.id, Order.rate_fen)


_TAKE_UNCAPPED = Prepared(_take_uncapped)


def _take_in_one_statement(worker, job_id, quantity, request_id, now):
    """The order, when the one-statement path applies and took the pieces; None sends the request down the
    general path (another database, a capped job, a job requiring skills, or a refusal, which that path explains)."""
    if not isinstance(db.obj, PostgresqlDatabase):
        return None
    row = _TAKE_UNCAPPED.first(job=job_id, worker=worker.id, quantity=quantity, request_id=request_id, now=now)
    if row is None:
        return None
    new_id, rate = row
    fields = {"job": job_id, "worker": worker.id, "quantity": quantity, "rate_fen": rate, "request_id": request_id}
    return Order(id=new_id, **fields, created_at=now, updated_at=now)


def _order_row(row):
    return None if row is None else as_model(Order, _ORDER_COLUMNS, row)


def _previous(worker, request_id, job_id, quantity):
    order = _order_row(_ORDER_BY_REQUEST.first(worker=worker.id, request_id=request_id))
    if order is not None and (order.job_id != job_id or order.quantity != quantity):
        raise Conflict("这个请求编号已用于另一笔接单", code="request_id_reused")
    return order


def _take(worker, job_id, quantity, request_id, now):
    # One guarded UPDATE checks status, window and pieces left, and takes them; the reason is looked up only
    # when it refuses. The rate comes back with the update, so it is the rate at the moment of taking.
    args = {"job": job_id, "quantity": quantity, "now": now}
    if _update_returning():
        row = _TAKE_RETURNING.first(**args)
    else:
        row = _RATE_AND_CAP.first(job=job_id) if _TAKE.rowcount(**args) else None
    if row is None:
        _explain_refusal(job_id, now)
    rate, cap, requires_skills = row
    if requires_skills:  # issue 15: a certificate for each required skill, checked in this transaction
        gate.check_certificates(worker.id, job_id, now)
    if cap:
        _check_cap(worker, job_id, cap, quantity)
    fields = {"job": job_id, "worker": worker.id, "quantity": quantity, "rate_fen": rate, "request_id": request_id}
    new_id = _INSERT_ORDER.insert(**fields, now=now)
    return Order(id=new_id, **fields, created_at=now, updated_at=now)


def _update_returning():
    return not isinstance(db.obj, MySQLDatabase)  # MariaDB/MySQL have no UPDATE … RETURNING


def _explain_refusal(job_id, now):
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        raise NotFound("没有这个工作", code="job_not_found")
    if job.status != "open":
        raise Conflict("这个工作已经停止接单", code="job_closed")
    if job.opens_at is not None and now < job.opens_at:
        raise Conflict("这个工作还没开始接单", code="job_not_open_yet")
    if job.closes_at is not None and now >= job.closes_at:
        raise Conflict("这个工作的接单时间已过", code="job_closed")
    remaining = max(job.remaining, 0)
    raise Conflict(f"剩余件数不足，只剩 {remaining} 件", code="not_enough_pieces", remaining=remaining)


def _check_cap(worker, job_id, cap, quantity):
    """The worker's orders on this job plus this one stay within the per-worker cap (else all rolls back).

    The job row is already locked by this transaction's update, so one worker's racing orders queue here."""
    held = int(
        Order.select(fn.COALESCE(fn.SUM(Order.quantity), 0))
        .where((Order.job == job_id) & (Order.worker == worker.id) & (Order.status != "cancelled"))
        .scalar()
    )
    if held + quantity > cap:
        left = max(cap - held, 0)
        raise Conflict(f"每人最多接 {cap} 件，您还能接 {left} 件", code="over_worker_cap", left=left)


def get_own_order(worker, order_id):
    """The worker's own order; someone else's order is 'not found' to them."""
    order = _order_row(_OWN_ORDER.first(order=order_id, worker=worker.id))
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
