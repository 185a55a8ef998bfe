"""Placements: a hire confirmed by market staff with its start date, once per (worker, post) whatever the route (a
unique index decides between two confirmations at once), and the check 30 days after the start."""

import datetime as dt

from peewee import IntegrityError

from models import FollowUp
from models import Placement
from services import unit
from services.clock import business_date
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import Forbidden
from services.errors import NotFound
from services.matching import access
from services.matching import applications
from services.people.scope import ensure_station

FOLLOW_UP_AFTER = dt.timedelta(days=30)


def _day(value, field):
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{field} 应为日期 YYYY-MM-DD", code="invalid_" + field, field=field) from None


def confirm_placement(staff, application_id, start_on, now):
    """Market staff confirm a hire (moving the application to hired when it is not yet) as a placement starting
    `start_on`; a second one for the same worker and post is refused."""
    if staff.role == "employer":
        raise Forbidden("上岗由零工市场工作人员确认", code="market_staff_only")
    start_on = _day(start_on, "start_on")
    row = access.application_for(staff, application_id)
    if row.status in ("withdrawn", "not_hired"):
        raise Conflict("这份报名已撤回或未录用，不能确认上岗", code="not_hired")
    try:
        with unit.transaction():
            if row.status != "hired":  # the desk confirms the hire and the placement in one step
                applications.change_status(staff, row.id, "hired", "确认上岗", now)
            placement = Placement.create(
                application=row, worker=row.worker_id, post=row.post_id, start_on=start_on, confirmed_by=staff,
                created_at=now,
            )  # fmt: skip
            unit.audit("placement.confirm", placement, row.post.station_id, start_on=start_on)
            return placement
    except IntegrityError as exc:
        raise Conflict("这位零工在这条招聘已确认上岗", code="already_placed") from exc


def follow_up(staff, placement_id, still_there, note, now):
    """The 30-day check: is the worker still there (once per placement, from 30 days after the start)."""
    placement = Placement.get_or_none(Placement.id == placement_id)
    if placement is None:
        raise NotFound("没有这条上岗记录", code="placement_not_found")
    if staff.role == "employer":
        raise Forbidden("回访由零工市场工作人员记录", code="market_staff_only")
    if placement.post.station_id is not None:
        ensure_station(staff, placement.post.station_id)
    today = business_date(now)
    if today < placement.start_on + FOLLOW_UP_AFTER:
        raise Conflict("上岗满 30 天后才能回访", code="follow_up_too_early")
    try:
        with unit.transaction():
            check = FollowUp.create(
                placement=placement, still_there=still_there is True, checked_on=today, staff=staff,
                note=note or "", created_at=now,
            )  # fmt: skip
            unit.audit("placement.follow_up", placement, placement.post.station_id, still_there=still_there)
            return check
    except IntegrityError as exc:
        raise Conflict("这条上岗记录已回访", code="follow_up_done") from exc
