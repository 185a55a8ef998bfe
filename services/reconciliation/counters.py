"""Operational checks of one business day: counters equal their rows, request ids are unique.

The materials checks live in recon_materials.
"""

import functools
import operator

from peewee import fn

from models import Inspection
from models import Job
from models import MaterialMovement
from models import Order
from models import Payout
from models import PieceReport
from models import db
from services.reconciliation.context import Finding


def _sums(model, group_field, fields, orders):
    """{group id: tuple of sums} over rows of `model` whose `group_field` is in the subquery `orders`."""
    query = (
        model.select(group_field, *[fn.COALESCE(fn.SUM(f), 0) for f in fields])
        .where(group_field.in_(orders))
        .group_by(group_field)
    )
    return {row[0]: tuple(int(v) for v in row[1:]) for row in db.execute(query).fetchall()}


def counters_match_rows(day):
    """Job.taken equals its orders; an order's reported, accepted, rejected and reworked equal its rows."""
    touched = day.touched_orders()
    orders = {
        row[0]: row[1:]
        for row in db.execute(
            Order.select(Order.id, Order.reported, Order.accepted, Order.rejected, Order.reworked).where(
                Order.id.in_(touched)
            )
        ).fetchall()
    }
    day.stats["orders_checked"] = len(orders)
    reported = _sums(PieceReport, PieceReport.order, [PieceReport.quantity], touched)
    inspected = _sums(
        Inspection, Inspection.order, [Inspection.accepted, Inspection.rejected, Inspection.rework], touched
    )
    names = ("reported", "accepted", "rejected", "reworked")
    labels = {"reported": "报数", "accepted": "合格", "rejected": "不合格", "reworked": "返工"}
    for order_id in sorted(orders):
        counted = orders[order_id]
        rows = reported.get(order_id, (0,)) + inspected.get(order_id, (0, 0, 0))
        for name, have, want in zip(names, counted, rows, strict=True):
            if have != want:
                yield Finding(
                    "order_counter_off",
                    "order",
                    order_id,
                    f"工单 {order_id} 的{labels[name]}件数记为 {have}，明细合计为 {want}",
                    {"counter": name, "counter_value": have, "rows_total": want},
                )
    jobs = day.new_order_jobs()
    taken = dict(Job.select(Job.id, Job.taken).where(Job.id.in_(jobs)).tuples())
    held = dict(
        Order.select(Order.job, fn.SUM(Order.quantity))
        .where(Order.job.in_(jobs) & (Order.status != "cancelled"))
        .group_by(Order.job)
        .tuples()
    )
    day.stats["jobs_checked"] = len(taken)
    for job_id in sorted(taken):
        if int(taken[job_id]) != int(held.get(job_id) or 0):
            yield Finding(
                "job_taken_off",
                "job",
                job_id,
                f"工作 {job_id} 已接件数记为 {taken[job_id]}，工单合计为 {int(held.get(job_id) or 0)}",
                {"taken": taken[job_id], "orders_total": int(held.get(job_id) or 0)},
            )


# (model, columns that make a client request id unique, label)
REQUEST_ID_TABLES = [
    (Order, ("worker", "request_id"), "接单"),
    (PieceReport, ("worker", "request_id"), "报数"),
    (Inspection, ("request_id",), "质检"),
    (MaterialMovement, ("request_id",), "领退料"),
    (Payout, ("request_id",), "发薪"),
]


def request_ids_unique(day):
    """No client request id is recorded twice (each of the day's rows looked up in its unique index)."""
    for model, columns, label in REQUEST_ID_TABLES:
        today, other = model.alias("today"), model.alias("other")
        if model is Payout:
            in_day = today.business_date == day.date
        else:
            in_day = (today.created_at >= day.start) & (today.created_at < day.end)
        keys = [getattr(today, c) for c in columns]
        on = functools.reduce(operator.and_, [getattr(other, c) == getattr(today, c) for c in columns])
        dupes = (
            today.select(*keys, fn.COUNT(other.id), fn.MIN(other.id))
            .join(other, on=on)
            .where(in_day & today.request_id.is_null(False))
            .group_by(today.id, *keys)
            .having(fn.COUNT(other.id) > 1)
        )
        seen = set()
        for row in db.execute(dupes).fetchall():
            key = "/".join(str(v) for v in row[: len(keys)])
            if key in seen:
                continue
            seen.add(key)
            yield Finding(
                "request_id_duplicate",
                model._meta.table_name,
                row[-1],
                f"{label}请求编号 {row[len(keys) - 1]} 被记录了 {row[-2]} 次",
                {"key": key, "count": row[-2]},
            )
