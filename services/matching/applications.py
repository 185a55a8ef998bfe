"""Applications to published posts, from the mini-program, the desk (a walk-in entered by staff) or a fair. Status
history: applied → contacted → interview → hired / not_hired, or withdrawn by the worker; every change is an
ApplicationEvent row, and every change the worker did not make is a notice to them, sent after the commit."""

from peewee import IntegrityError

from models import Application
from models import ApplicationEvent
from models import RecruitPost
from models import Worker
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.matching import access
from services.notices import outbox

SOURCES = ("mini_program", "desk", "fair")
NEXT = {
    "applied": ("contacted", "interview", "hired", "not_hired"),
    "contacted": ("interview", "hired", "not_hired"),
    "interview": ("hired", "not_hired"),
}
WITHDRAWABLE = ("applied", "contacted", "interview")
LABELS = {
    "applied": "已报名",
    "contacted": "已联系",
    "interview": "约面试",
    "hired": "已录用",
    "not_hired": "未录用",
    "withdrawn": "已撤回",
}


def _notify(application, post, now):
    data = {"post": post.title, "status": application.status, "label": LABELS[application.status]}
    key = f"application:{application.id}:{application.status}"
    outbox.enqueue(application.worker_id, "application_status", data, key, now)


def _create(post, worker_id, source, share_phone, message, now, staff=None, fair_id=None):
    try:
        with unit.transaction():
            row = Application.create(
                post=post, worker=worker_id, source=source, fair_id=fair_id, share_phone=share_phone is True,
                message=message, desk_staff=staff, created_at=now, updated_at=now,
            )  # fmt: skip
            ApplicationEvent.create(
                application=row, to_status="applied", staff=staff, worker=None if staff else worker_id, created_at=now
            )
            if staff is not None:
                unit.audit("application.desk", row, post.station_id, worker=worker_id)
                _notify(row, post, now)
            return row
    except IntegrityError as exc:
        raise Conflict("已报名这条招聘", code="already_applied") from exc


def apply(worker, post_id, share_phone, message, now):
    """A worker applies to a published post, once; `share_phone` lets the employer see their phone."""
    message = validate.text(message, "留言", "message", 200, False)
    post = access.published_post(post_id)
    return _create(post, worker.id, "mini_program", share_phone, message, now)


def apply_at_desk(staff, post_id, worker_id, share_phone, now, source="desk", fair_id=None):
    """Staff enter a walk-in's application (source desk, or fair with its id); the worker is told."""
    if source not in SOURCES[1:]:
        raise BadRequest("来源只能是 desk 或 fair", code="invalid_source")
    post = access.published_post(post_id)
    access.reviewable_post(staff, post.id)
    if Worker.get_or_none(Worker.id == worker_id) is None:
        raise NotFound("没有这个零工", code="worker_not_found")
    return _create(post, worker_id, source, share_phone, "", now, staff=staff, fair_id=fair_id)


def _move(application, to, now, staff=None, worker=None, note=""):
    moved = (
        Application.update(status=to, updated_at=now)
        .where((Application.id == application.id) & (Application.status == application.status))
        .execute()
    )
    if not moved:
        raise Conflict("报名状态已变化，请刷新", code="application_state")
    ApplicationEvent.create(
        application=application, from_status=application.status, to_status=to, staff=staff, worker=worker,
        note=note, created_at=now,
    )  # fmt: skip
    return Application.get_by_id(application.id)


def withdraw(worker, application_id, now):
    """The worker withdraws an application still open."""
    row = access.own_application(worker, application_id)
    if row.status not in WITHDRAWABLE:
        raise Conflict("这份报名已结束，不能撤回", code="application_state")
    with unit.transaction():
        return _move(row, "withdrawn", now, worker=worker.id)


def change_status(staff, application_id, to, note, now):
    """Market staff (or the post's employer) move an application on; the worker is told of it after the commit."""
    note = validate.text(note, "说明", "note", 200, False)
    row = access.application_for(staff, application_id)
    if to not in NEXT.get(row.status, ()):
        raise Conflict(f"报名现在是“{LABELS[row.status]}”，不能改为 {to}", code="application_state")
    with unit.transaction():
        moved = _move(row, to, now, staff=staff, note=note)
        unit.audit("application.status", moved, row.post.station_id, to=to)
        _notify(moved, row.post, now)
    return moved


def applications_of(worker, limit, before_id=None):
    """The worker's applications, newest first."""
    query = Application.select(Application, RecruitPost).join(RecruitPost).where(Application.worker == worker.id)
    if before_id is not None:
        query = query.where(Application.id < before_id)
    return list(query.order_by(Application.id.desc()).limit(limit))


def applications_to(staff, post_id, limit, before_id=None):
    """Applications to one post the staff member may see: the employer's own post, or one of the staff's station."""
    post = access.own_post(staff, post_id) if staff.role == "employer" else access.reviewable_post(staff, post_id)
    query = Application.select(Application, Worker).join(Worker).where(Application.post == post.id)
    if before_id is not None:
        query = query.where(Application.id < before_id)
    return post, list(query.order_by(Application.id.desc()).limit(limit))


def history(application_id):
    return list(
        ApplicationEvent.select().where(ApplicationEvent.application == application_id).order_by(ApplicationEvent.id)
    )
