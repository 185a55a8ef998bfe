"""Complaints against fake or paid-for posts: a worker reports, market staff resolve valid or invalid; when an
employer's valid complaints reach the threshold (setting MATCHING_SUSPEND_AFTER, 3), it is suspended: its open
posts close and it cannot publish."""

from peewee import IntegrityError

from models import Complaint
from models import Employer
from models import RecruitPost
from models import is_sqlite
from services import runtime
from services import unit
from services import validate
from services.errors import Conflict
from services.errors import NotFound
from services.matching import access
from services.matching import posts


def suspend_after():
    return max(1, runtime.settings().matching_suspend_after)


def report_post(worker, post_id, reason, now):
    """A worker reports a post they can see (or could, before it closed); once per worker and post."""
    reason = validate.text(reason, "原因", "reason", 200)
    post = RecruitPost.get_or_none((RecruitPost.id == post_id) & (RecruitPost.status.in_(("published", "closed"))))
    if post is None:
        raise NotFound("没有这条招聘", code="post_not_found")
    try:
        with unit.transaction():
            return Complaint.create(post=post, worker=worker.id, reason=reason, created_at=now)
    except IntegrityError as exc:
        raise Conflict("您已举报过这条招聘", code="already_reported") from exc


def resolve_complaint(staff, complaint_id, valid, note, now):
    """Staff decide an open complaint; a valid one may suspend the employer (see the module)."""
    note = validate.text(note, "说明", "note", 200, False)
    complaint = Complaint.get_or_none(Complaint.id == complaint_id)
    if complaint is None:
        raise NotFound("没有这条举报", code="complaint_not_found")
    post = access.reviewable_post(staff, complaint.post_id)
    status = "valid" if valid is True else "invalid"
    with unit.transaction():
        changed = (
            Complaint.update(status=status, note=note, resolved_by=staff.id, resolved_at=now)
            .where((Complaint.id == complaint.id) & (Complaint.status == "open"))
            .execute()
        )
        if not changed:
            raise Conflict("这条举报已处理", code="complaint_resolved")
        unit.audit("complaint.resolve", complaint, post.station_id, status=status, note=note)
        if status == "valid":
            _suspend_if_due(staff, post.employer, now)
    return Complaint.get_by_id(complaint.id)


def valid_count(employer_id):
    return (
        Complaint.select()
        .join(RecruitPost)
        .where((RecruitPost.employer == employer_id) & (Complaint.status == "valid"))
        .count()
    )


def _suspend_if_due(staff, employer, now):
    if not is_sqlite():  # two valid complaints decided at once: the second waits and counts the first
        Employer.select(Employer.id).where(Employer.id == employer.id).for_update().first()
    count = valid_count(employer.id)
    if employer.suspended_at is not None or count < suspend_after():
        return
    reason = f"{count} 条有效举报，暂停发布"
    Employer.update(suspended_at=now, suspended_reason=reason).where(Employer.id == employer.id).execute()
    closed = posts.close_all(staff, employer, now, reason)
    unit.audit("employer.suspend", employer, None, valid_complaints=count, closed_posts=closed)


def complaints(staff, status=None, limit=100):
    query = Complaint.select().join(RecruitPost)
    query = access.in_scope(staff, query)
    if status is not None:
        query = query.where(Complaint.status == status)
    return list(query.order_by(Complaint.id).limit(limit))
