"""The evening earnings summary: one notice per worker whose pieces were accepted today, at most once a date."""

from peewee import fn

from models import Inspection
from services.clock import business_date
from services.clock import day_bounds_utc
from services.money import ledger
from services.notices import outbox as notices
from services.unit import transaction


def enqueue_daily_summaries(now):
    """Each worker with pieces accepted today gets one summary (pieces, amount, still owed); idempotent per date."""
    day = business_date(now)
    start, end = day_bounds_utc(day)
    rows = list(
        Inspection.select(Inspection.worker, fn.SUM(Inspection.accepted), fn.SUM(Inspection.amount_fen))
        .where((Inspection.created_at >= start) & (Inspection.created_at < end))
        .group_by(Inspection.worker)
        .tuples()
    )
    balances = ledger.worker_balances([worker_id for worker_id, _, _ in rows]) if rows else {}
    with transaction():
        for worker_id, count, amount in rows:
            notices.enqueue(
                worker_id,
                "daily_summary",
                {
                    "date": day.isoformat(),
                    "count": int(count or 0),
                    "amount_fen": int(amount or 0),
                    "owed_fen": balances[worker_id]["owed"],
                },
                key=f"daily_summary:{day.isoformat()}:{worker_id}",
                now=now,
            )
    return len(rows)
