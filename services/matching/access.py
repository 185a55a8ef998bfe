"""Who may see and act on which post: an employer only on its own; market staff on posts of their station (admins
on every post, and alone on posts without a station); a worker only on published posts."""

from models import Application
from models import RecruitPost
from services.errors import NotFound
from services.matching.employers import employer_of
from services.people.scope import ensure_admin
from services.people.scope import ensure_station
from services.people.scope import station_ids_for


def _post(post_id):
    post = RecruitPost.get_or_none(RecruitPost.id == post_id)
    if post is None:
        raise NotFound("没有这条招聘", code="post_not_found")
    return post


def own_post(staff, post_id):
    """The employer's own post; another employer's is answered as not found (nothing about it leaks)."""
    employer = employer_of(staff)
    post = _post(post_id)
    if post.employer_id != employer.id:
        raise NotFound("没有这条招聘", code="post_not_found")
    return post


def reviewable_post(staff, post_id):
    """A post market staff may review: of their station, or (admins only) without one."""
    post = _post(post_id)
    if post.station_id is None:
        ensure_admin(staff)
    else:
        ensure_station(staff, post.station_id)
    return post


def in_scope(staff, query):
    """`query` of posts narrowed to those `staff` may review."""
    allowed = station_ids_for(staff)
    return query if allowed is None else query.where(RecruitPost.station.in_(list(allowed) or [0]))


def published_post(post_id):
    """A post a worker may see: published, or nothing (a draft, pending, rejected or closed post is not found)."""
    post = RecruitPost.get_or_none((RecruitPost.id == post_id) & (RecruitPost.status == "published"))
    if post is None:
        raise NotFound("没有这条招聘", code="post_not_found")
    return post


def own_application(worker, application_id):
    row = Application.get_or_none((Application.id == application_id) & (Application.worker == worker.id))
    if row is None:
        raise NotFound("没有这份报名", code="application_not_found")
    return row


def application_for(staff, application_id):
    """An application on a post `staff` may act on: the employer's own post, or a post of the staff's station."""
    row = Application.get_or_none(Application.id == application_id)
    if row is None:
        raise NotFound("没有这份报名", code="application_not_found")
    if staff.role == "employer":
        if row.post.employer_id != employer_of(staff).id:
            raise NotFound("没有这份报名", code="application_not_found")
    else:
        reviewable_post(staff, row.post_id)
    return row
