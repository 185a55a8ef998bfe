"""Recruitment posts: an employer drafts and submits, market staff review (quick posts in their own fast lane) and
publish or reject with a reason; every change is a PostEvent row. Workers only ever see published posts."""

import datetime as dt
import json

from models import PostEvent
from models import RecruitPost
from models import Station
from services import unit
from services import validate
from services.clock import business_date
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.matching import access
from services.matching.employers import employer_of
from services.matching.employers import ensure_can_publish

KINDS = ("fulltime", "parttime", "temporary", "gig")  # 全职 兼职 临时 零工
PAY_UNITS = ("hour", "day", "month", "piece")
MAX_PAY_FEN = 10_000_000
MAX_HEADCOUNT = 10_000
# action: (states it starts from, state it ends in)
MOVES = {
    "submit": (("draft", "rejected"), "pending"),
    "approve": (("pending",), "published"),
    "reject": (("pending",), "rejected"),
    "close": (("draft", "pending", "published"), "closed"),
}


def _date(value, field):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BadRequest(f"{field} 应为日期 YYYY-MM-DD", code="invalid_" + field, field=field) from None


def _fields(data, now):
    kind = data.get("kind")
    if kind not in KINDS:
        raise BadRequest("岗位类型只能是 fulltime、parttime、temporary 或 gig", code="invalid_kind")
    pay_min = validate.non_negative_int(data.get("pay_min_fen"), "最低薪酬", "pay_min_fen", MAX_PAY_FEN)
    pay_max = validate.non_negative_int(data.get("pay_max_fen"), "最高薪酬", "pay_max_fen", MAX_PAY_FEN)
    if pay_max < pay_min:
        raise BadRequest("最高薪酬不能低于最低薪酬", code="invalid_pay_range")
    if data.get("pay_unit") not in PAY_UNITS:
        raise BadRequest("薪酬单位只能是 hour、day、month 或 piece", code="invalid_pay_unit")
    skills = data.get("skills") or []
    if not isinstance(skills, list) or len(skills) > 20:
        raise BadRequest("技能最多 20 项", code="invalid_skills")
    skills = [validate.text(s, "技能", "skills", 32) for s in skills]
    station_id = data.get("station_id")
    if station_id is not None and Station.get_or_none(Station.id == station_id) is None:
        raise NotFound("没有这个驿站", code="station_not_found")
    starts_on, ends_on = _date(data.get("starts_on"), "starts_on"), _date(data.get("ends_on"), "ends_on")
    if starts_on and ends_on and ends_on < starts_on:
        raise BadRequest("结束日期不能早于开始日期", code="invalid_dates")
    quick = data.get("quick") is True
    if quick and (kind != "gig" or (starts_on or business_date(now)) != business_date(now)):
        raise BadRequest("即时快招只用于当天的零工", code="invalid_quick")
    return {
        "kind": kind,
        "quick": quick,
        "title": validate.text(data.get("title"), "标题", "title", 100),
        "station": station_id,
        "address": validate.text(data.get("address"), "地址", "address", 200, False),
        "pay_min_fen": pay_min,
        "pay_max_fen": pay_max,
        "pay_unit": data["pay_unit"],
        "headcount": validate.positive_int(data.get("headcount"), "招聘人数", "headcount", MAX_HEADCOUNT),
        "skills": json.dumps(skills, ensure_ascii=False),
        "starts_on": business_date(now) if quick and starts_on is None else starts_on,
        "ends_on": ends_on,
        "contact": validate.text(data.get("contact"), "联系方式", "contact", 200, False),
    }


def create_post(staff, data, now, request_id=None):
    """An employer's draft (nobody but the employer sees it until it is reviewed and published)."""
    employer = employer_of(staff)
    fields = _fields(data, now)

    def create():
        post = RecruitPost.create(employer=employer, created_at=now, updated_at=now, **fields)
        PostEvent.create(post=post, to_status="draft", staff=staff, created_at=now)
        unit.audit("post.create", post, fields["station"], title=fields["title"])
        return post

    return unit.apply(staff, request_id, "post.create", create, RecruitPost.get_by_id, now)


def _move(staff, post, action, now, reason=""):
    """One state change: a conditional UPDATE from the states it may start from (two racing reviews: one wins), and
    its history row."""
    starts, ends = MOVES[action]
    extra = {"submitted_at": now} if action == "submit" else ({"published_at": now} if action == "approve" else {})
    if action == "reject":
        extra["reason"] = reason
    moved = (
        RecruitPost.update(status=ends, updated_at=now, **extra)
        .where((RecruitPost.id == post.id) & (RecruitPost.status.in_(starts)))
        .execute()
    )
    if not moved:
        raise Conflict(f"这条招聘现在是“{post.status}”，不能{action}", code="post_state", status_now=post.status)
    PostEvent.create(post=post, from_status=post.status, to_status=ends, staff=staff, reason=reason, created_at=now)
    unit.audit(f"post.{action}", post, post.station_id, reason=reason)
    return RecruitPost.get_by_id(post.id)


def submit_post(staff, post_id, now):
    """The employer sends its draft (or a rejected post, mended) for review; only a verified employer may."""
    post = access.own_post(staff, post_id)
    with unit.transaction():
        ensure_can_publish(post.employer)
        return _move(staff, post, "submit", now)


def approve_post(staff, post_id, now):
    """Market staff publish a pending post, once more checking that its employer may publish."""
    post = access.reviewable_post(staff, post_id)
    with unit.transaction():
        ensure_can_publish(post.employer)
        return _move(staff, post, "approve", now)


def reject_post(staff, post_id, reason, now):
    """Market staff reject a pending post with a reason the employer reads."""
    reason = validate.text(reason, "原因", "reason", 200)
    post = access.reviewable_post(staff, post_id)
    with unit.transaction():
        return _move(staff, post, "reject", now, reason)


def close_post(staff, post_id, now, reason=""):
    """The employer (or market staff) close a post: no more applications."""
    post = access.own_post(staff, post_id) if staff.role == "employer" else access.reviewable_post(staff, post_id)
    with unit.transaction():
        return _move(staff, post, "close", now, reason)


def close_all(staff, employer, now, reason):
    """Close every open post of `employer` (inside the caller's transaction), e.g. when it is suspended."""
    open_posts = RecruitPost.select().where(
        (RecruitPost.employer == employer.id) & (RecruitPost.status.in_(MOVES["close"][0]))
    )
    return [_move(staff, post, "close", now, reason).id for post in open_posts]


def review_queue(staff, quick, limit=100):
    """Pending posts of the lane (quick: the fast lane of 即时快招), oldest submission first."""
    query = RecruitPost.select().where((RecruitPost.status == "pending") & (RecruitPost.quick == bool(quick)))
    return list(access.in_scope(staff, query).order_by(RecruitPost.submitted_at, RecruitPost.id).limit(limit))


def posts_of(staff, limit, before_id=None):
    """The employer's own posts, newest first."""
    employer = employer_of(staff)
    query = RecruitPost.select().where(RecruitPost.employer == employer.id)
    if before_id is not None:
        query = query.where(RecruitPost.id < before_id)
    return list(query.order_by(RecruitPost.id.desc()).limit(limit))


def history(post_id):
    return list(PostEvent.select().where(PostEvent.post == post_id).order_by(PostEvent.id))
