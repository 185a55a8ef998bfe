"""Invariants checked after every bench run, straight from the database: nothing oversold, lost or done twice.

`python -m bench.invariants DATABASE_URL` prints the violations (exit 1 when there are any).
"""

import sys

from peewee import fn
from playhouse.db_url import connect

import models
from models import Job
from models import Order
from models import PieceReport


def bind(url):
    database = connect(url)
    models.db.initialize(database)
    return database


def counts():
    """Row counts the runner compares before and after a run (rows written must equal 2xx answers)."""
    return {
        "orders": Order.select().count(),
        "reports": PieceReport.select().count(),
    }


def _oversold():
    taken = (
        Order.select(Order.job, fn.SUM(Order.quantity).alias("q"))
        .where(Order.status != "cancelled")
        .group_by(Order.job)
        .tuples()
    )
    ordered = dict(taken)
    out = []
    for job_id, total, taken_n in Job.select(Job.id, Job.total_pieces, Job.taken).tuples():
        if taken_n > total:
            out.append(f"job {job_id} oversold: taken {taken_n} > total {total}")
        if taken_n != ordered.get(job_id, 0):
            out.append(f"job {job_id} counter taken {taken_n} != sum of open orders {ordered.get(job_id, 0)}")
    return out


def _duplicates():
    out = []
    for model in (Order, PieceReport):
        dupes = (
            model.select(model.worker, model.request_id)
            .group_by(model.worker, model.request_id)
            .having(fn.COUNT(model.id) > 1)
            .count()
        )
        if dupes:
            out.append(f"{dupes} duplicate request ids in {model._meta.table_name}")
    reported = dict(
        PieceReport.select(PieceReport.order, fn.SUM(PieceReport.quantity)).group_by(PieceReport.order).tuples()
    )
    for order_id, quantity, reported_n, reworked in Order.select(
        Order.id, Order.quantity, Order.reported, Order.reworked
    ).tuples():
        if reported_n != reported.get(order_id, 0):
            out.append(f"order {order_id} counter reported {reported_n} != sum of reports {reported.get(order_id, 0)}")
        if reported_n > quantity + reworked:
            out.append(f"order {order_id} over-reported: {reported_n} > {quantity} + rework {reworked}")
    return out


def _ledger():
    from services.money.invariants import check_ledger  # the rules reconciliation and the tests apply

    return [f"{f.kind} {f.object_type} {f.object_id}: {f.message}" for f in check_ledger()]


def check():
    """All violations of the invariants, as plain sentences (empty when the data is sound)."""
    return _oversold() + _duplicates() + _ledger()


def main(argv):
    database = bind(argv[1])
    with database.connection_context():
        problems = check()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} invariant violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
