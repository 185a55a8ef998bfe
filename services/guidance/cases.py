"""The counsellors' case list: follow-ups that have fallen due, and hard-to-place workers of the highest tier no
one has contacted this calendar month (market time), who stay on the list until someone does."""

import datetime as dt

from models import GuidanceRecord
from models import Worker
from models import WorkerSupport
from services.clock import business_date
from services.clock import day_bounds_utc
from services.guidance.records import current_versions
from services.people.scope import ensure_counsellor

TOP_TIER = 1


def month_bounds_utc(day):
    """The naive-UTC [start, end) of the market month holding `day`."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return day_bounds_utc(first)[0], day_bounds_utc(following)[0]


def follow_ups_due(today, counsellor_id=None):
    """A worker's follow-up is due when their latest contact (holding versions) set a follow-up date on or before
    `today`; a later contact by anyone settles it. Rows: record, worker, counsellor, date (oldest first)."""
    pending = current_versions(GuidanceRecord.follow_up_on <= today)
    workers = {r.worker_id for r in pending}
    if not workers:
        return []
    latest = {}
    for record in current_versions(GuidanceRecord.worker.in_(list(workers))):
        held = latest.get(record.worker_id)
        if held is None or (record.contacted_at, record.id) > (held.contacted_at, held.id):
            latest[record.worker_id] = record
    due = [
        {"record_id": r.corrects_id or r.id, "worker_id": r.worker_id, "counsellor_id": r.counsellor_id,
         "follow_up_on": r.follow_up_on, "kind": r.kind}
        for r in latest.values()
        if r.follow_up_on is not None and r.follow_up_on <= today
        and (counsellor_id is None or r.counsellor_id == counsellor_id)
    ]  # fmt: skip
    return sorted(due, key=lambda row: (row["follow_up_on"], row["record_id"]))


def uncontacted_top_tier(now):
    """Tier-1 hard-to-place workers with no guidance contact this calendar month (market time), as plain dicts."""
    start, end = month_bounds_utc(business_date(now))
    contacted = GuidanceRecord.select(GuidanceRecord.worker).where(
        (GuidanceRecord.contacted_at >= start) & (GuidanceRecord.contacted_at < end)
    )
    rows = (
        WorkerSupport.select(WorkerSupport, Worker)
        .join(Worker)
        .where((WorkerSupport.tier == TOP_TIER) & WorkerSupport.worker.not_in(contacted))
        .order_by(WorkerSupport.worker)
    )
    return [
        {"worker_id": s.worker_id, "name": s.worker.real_name or s.worker.name, "category": s.category,
         "tier": s.tier, "home_station_id": s.worker.home_station_id}
        for s in rows
    ]  # fmt: skip


def case_list(staff, now):
    """A counsellor's case list: their follow-ups due (an admin: everyone's) and the tier-1 workers to contact."""
    ensure_counsellor(staff)
    mine = None if staff.role == "admin" else staff.id
    return {
        "follow_ups_due": follow_ups_due(business_date(now), counsellor_id=mine),
        "top_tier_uncontacted": uncontacted_top_tier(now),
    }
