"""The fair desk and the worker's reservation: create a fair, feature posts, reserve and cancel, and the lists."""

from peewee import IntegrityError

from models import Fair
from models import FairPost
from models import FairReservation
from models import Station
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.people.scope import ensure_station

MAX_FEATURED = 50  # posts one request may feature


def fair_or_404(fair_id):
    fair = Fair.get_or_none(Fair.id == fair_id)
    if fair is None:
        raise NotFound("没有这场直播招聘会", code="fair_not_found")
    return fair


def create_fair(staff, data, now, request_id=None):
    """A station's staff (or an admin) announce a fair at their station; it must end after it starts."""
    station_id = validate.positive_int(data.get("station_id"), "驿站", "station_id", validate.MAX_ID)
    ensure_station(staff, station_id)
    if Station.get_or_none(Station.id == station_id) is None:
        raise NotFound("没有这个驿站", code="station_not_found")
    fields = {
        "title": validate.text(data.get("title"), "招聘会名称", "title", 100),
        "starts_at": validate.utc_datetime(data.get("starts_at"), "starts_at"),
        "ends_at": validate.utc_datetime(data.get("ends_at"), "ends_at"),
        "station": station_id,
        "finder_username": validate.text(data.get("finder_username"), "视频号 id", "finder_username", 64, False),
        "export_id": validate.text(data.get("export_id"), "直播 export_id", "export_id", 128, False),
        "notice_id": validate.text(data.get("notice_id"), "直播预约 notice_id", "notice_id", 128, False),
        "description": validate.text(data.get("description"), "介绍", "description", 500, False),
        "created_by": staff.id,
        "created_at": now,
    }
    if fields["starts_at"] is None or fields["ends_at"] is None or fields["ends_at"] <= fields["starts_at"]:
        raise BadRequest("结束时间应晚于开始时间", code="invalid_window")

    def create():
        fair = Fair.create(**fields)
        unit.audit("fair.create", fair, station_id, title=fields["title"])
        return fair

    return unit.apply(staff, request_id, "fair.create", create, Fair.get_by_id, now)


def feature_posts(staff, fair_id, post_ids, now, request_id=None):
    """Staff of the fair's station add posts to it; a post already featured stays once. Returns the post ids."""
    fair = fair_or_404(fair_id)
    ensure_station(staff, fair.station_id)
    if not isinstance(post_ids, list) or not 1 <= len(post_ids) <= MAX_FEATURED:
        raise BadRequest(f"post_ids 应为 1 到 {MAX_FEATURED} 个岗位编号", code="invalid_post_ids")
    wanted = sorted({validate.positive_int(p, "岗位编号", "post_ids", validate.MAX_ID) for p in post_ids})

    def add():
        have = {row.post_id for row in FairPost.select().where(FairPost.fair == fair.id)}
        rows = [{"fair": fair.id, "post_id": p, "created_at": now} for p in wanted if p not in have]
        if rows:
            FairPost.insert_many(rows).execute()
        unit.audit("fair.feature_posts", fair, fair.station_id, post_ids=wanted)
        return fair

    try:
        unit.apply(staff, request_id, "fair.feature_posts", add, Fair.get_by_id, now)
    except IntegrityError:  # a concurrent request featured the same post: the rows are there either way
        pass
    return featured_post_ids(fair.id)


def featured_post_ids(fair_id):
    return [row.post_id for row in FairPost.select().where(FairPost.fair == fair_id).order_by(FairPost.post_id)]


def _reservation(fair, worker):
    return FairReservation.get_or_none((FairReservation.fair == fair.id) & (FairReservation.worker == worker.id))


def reserve(worker, fair_id, now):
    """A worker reserves a fair that is not over: once per worker and fair (a resend, or a racing copy, answers
    the same reservation); reserving again after a cancellation renews it."""
    fair = fair_or_404(fair_id)
    if fair.ends_at <= now:
        raise Conflict("这场直播招聘会已经结束", code="fair_over")

    def active():
        row = _reservation(fair, worker)
        return row if row is not None and row.cancelled_at is None else None

    def create():
        row = _reservation(fair, worker)
        if row is None:
            return FairReservation.create(fair=fair.id, worker=worker.id, reserved_at=now)
        if row.cancelled_at is not None:
            FairReservation.update(cancelled_at=None, reserved_at=now).where(FairReservation.id == row.id).execute()
        return FairReservation.get_by_id(row.id)

    return unit.once(active, create)[0]


def cancel_reservation(worker, fair_id, now):
    """A worker cancels their reservation before the fair ends; cancelling again changes nothing."""
    fair = fair_or_404(fair_id)
    row = _reservation(fair, worker)
    if row is None:
        raise NotFound("没有预约这场直播招聘会", code="reservation_not_found")
    if row.cancelled_at is not None:
        return row
    if fair.ends_at <= now:
        raise Conflict("这场直播招聘会已经结束", code="fair_over")
    with unit.transaction():
        FairReservation.update(cancelled_at=now).where(
            (FairReservation.id == row.id) & FairReservation.cancelled_at.is_null()
        ).execute()
    return FairReservation.get_by_id(row.id)


def upcoming(now, limit, before_id=None):
    query = Fair.upcoming(now)
    if before_id is not None:
        query = query.where(Fair.id < before_id)
    return list(query.limit(limit))


def fairs_for_staff(station_ids, limit, before_id=None):
    query = Fair.select().order_by(Fair.id.desc())
    if station_ids is not None:
        query = query.where(Fair.station.in_(list(station_ids)))
    if before_id is not None:
        query = query.where(Fair.id < before_id)
    return list(query.limit(limit))


def my_reservations(worker, limit, before_id=None):
    """The worker's reservations, cancelled ones included, newest first."""
    query = (
        FairReservation.select(FairReservation, Fair)
        .join(Fair)
        .where(FairReservation.worker == worker.id)
        .order_by(FairReservation.id.desc())
    )
    if before_id is not None:
        query = query.where(FairReservation.id < before_id)
    return list(query.limit(limit))


def reserved(worker, fair_ids):
    """The ids among `fair_ids` the worker holds an active reservation for."""
    if not fair_ids:
        return set()
    rows = FairReservation.select(FairReservation.fair).where(
        (FairReservation.worker == worker.id)
        & FairReservation.fair.in_(list(fair_ids))
        & FairReservation.cancelled_at.is_null()
    )
    return {row.fair_id for row in rows}


def featured_of(fair_ids):
    """{fair_id: [post ids]} for a page of fairs, in one query."""
    out = {fid: [] for fid in fair_ids}
    if fair_ids:
        rows = FairPost.select().where(FairPost.fair.in_(list(fair_ids))).order_by(FairPost.post_id)
        for row in rows:
            out[row.fair_id].append(row.post_id)
    return out
