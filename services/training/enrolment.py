"""Enrolment and attendance: a seat is taken by one guarded UPDATE, so a session never has more enrolments than
its capacity, however many workers race for the last seat; a cancel frees it.

    UPDATE training_session SET seats_taken = seats_taken + 1
     WHERE id = ? AND status = 'open' AND starts_at > now AND seats_taken < capacity
"""

from peewee import IntegrityError

from models import Course
from models import Enrolment
from models import Station
from models import TrainingSession
from models import Worker
from models import db
from services import unit
from services.clock import iso_utc
from services.errors import Conflict
from services.errors import Forbidden
from services.errors import NotFound
from services.notices import training as training_notices
from services.people.scope import ensure_station
from services.people.scope import trainer_enterprise
from services.training.courses import get_course
from services.training.courses import get_session


def enrol(actor, session_id, now, worker_id=None, request_id=None):
    """A worker enrols themselves (or the desk enrols `worker_id`) in an open session with a seat left."""
    session, take_seat = _seat_taker(actor, session_id, now, worker_id)
    return unit.apply(actor, request_id, f"training.enrol:{session.id}", take_seat, Enrolment.get_by_id, now)


def enrol_once(actor, session_id, now, request_id, worker_id=None):
    """`enrol` for a client that retries: (enrolment, created); a resend of `request_id` answers the first."""
    session, take_seat = _seat_taker(actor, session_id, now, worker_id)
    return unit.run(actor, request_id, f"training.enrol:{session.id}", take_seat, Enrolment.get_by_id, now)


def _seat_taker(actor, session_id, now, worker_id):
    session = get_session(session_id)
    worker_id = _worker_for(actor, worker_id, session)

    def take_seat():
        taken = (
            TrainingSession.update(seats_taken=TrainingSession.seats_taken + 1)
            .where(
                (TrainingSession.id == session.id)
                & (TrainingSession.status == "open")
                & (TrainingSession.starts_at > now)
                & (TrainingSession.seats_taken < TrainingSession.capacity)
            )
            .execute()
        )
        if not taken:
            _explain_full(session.id, now)
        enrolment = _seat_row(session.id, worker_id, now)
        if _is_staff(actor):
            unit.audit("training.enrol", enrolment, session.station_id, worker=worker_id)
        training_notices.enrolment_confirmed(enrolment, session, now)
        return enrolment

    return session, take_seat


def cancel_enrolment(actor, enrolment_id, now, request_id=None):
    """The worker (or the desk) cancels an enrolment before attendance; the seat is freed for someone else."""
    enrolment = _enrolment(enrolment_id)
    session = get_session(enrolment.session_id)
    _worker_for(actor, enrolment.worker_id, session)

    def cancel():
        done = (
            Enrolment.update(status="cancelled", updated_at=now)
            .where((Enrolment.id == enrolment.id) & (Enrolment.status == "enrolled") & Enrolment.attended_at.is_null())
            .execute()
        )
        if not done:
            raise Conflict("这个报名已取消或已签到，不能再取消", code="enrolment_not_cancellable")
        TrainingSession.update(seats_taken=TrainingSession.seats_taken - 1).where(
            (TrainingSession.id == session.id) & (TrainingSession.seats_taken > 0)
        ).execute()
        if _is_staff(actor):
            unit.audit("training.cancel", enrolment, session.station_id)
        return Enrolment.get_by_id(enrolment.id)

    return unit.apply(actor, request_id, f"training.cancel:{enrolment.id}", cancel, Enrolment.get_by_id, now)


def record_attendance(staff, enrolment_id, now, request_id=None):
    """The session's trainer, or staff of its station, records that an enrolled worker attended."""
    enrolment = _enrolment(enrolment_id)
    session = get_session(enrolment.session_id)
    _ensure_session_staff(staff, session)

    def attend():
        done = (
            Enrolment.update(attended_at=now, attendance_by=staff.id, updated_at=now)
            .where((Enrolment.id == enrolment.id) & (Enrolment.status == "enrolled"))
            .execute()
        )
        if not done:
            raise Conflict("这个报名已取消，不能签到", code="enrolment_cancelled")
        unit.audit("training.attend", enrolment, session.station_id)
        return Enrolment.get_by_id(enrolment.id)

    return unit.apply(staff, request_id, f"training.attend:{enrolment.id}", attend, Enrolment.get_by_id, now)


def roster(staff, session_id):
    """A session's enrolments as plain dicts, for its trainer or its station's desk."""
    session = get_session(session_id)
    _ensure_session_staff(staff, session)
    rows = (
        Enrolment.select(Enrolment, Worker).join(Worker).where(Enrolment.session == session.id).order_by(Enrolment.id)
    )
    return [
        {"id": e.id, "worker_id": e.worker_id, "name": e.worker.real_name or e.worker.name, "status": e.status,
         "attended": e.attended_at is not None}
        for e in rows
    ]  # fmt: skip


def my_enrolments(worker):
    """The worker's own enrolments, newest session first."""
    rows = (
        Enrolment.select(Enrolment, TrainingSession)
        .join(TrainingSession)
        .where(Enrolment.worker == worker.id)
        .order_by(TrainingSession.starts_at.desc())
    )
    return [
        {"id": e.id, "session_id": e.session_id, "course_id": e.session.course_id, "status": e.status,
         "attended": e.attended_at is not None, "starts_at": iso_utc(e.session.starts_at)}
        for e in rows
    ]  # fmt: skip


def next_seat(worker, now):
    """The worker's next session not yet started that they hold a seat in (with its course and station), or None."""
    return (
        TrainingSession.select(TrainingSession, Course, Station)
        .join(Course)
        .switch(TrainingSession)
        .join(Station)
        .join_from(TrainingSession, Enrolment)
        .where((Enrolment.worker == worker.id) & (Enrolment.status == "enrolled") & (TrainingSession.starts_at > now)
               & (TrainingSession.status == "open"))
        .order_by(TrainingSession.starts_at)
        .first()
    )  # fmt: skip


def _seat_row(session_id, worker_id, now):
    """The enrolment for the seat just taken: a new row, or a cancelled one taken up again. Already enrolled: the
    refusal rolls the seat back with everything else."""
    previous = Enrolment.get_or_none((Enrolment.session == session_id) & (Enrolment.worker == worker_id))
    if previous is None:
        try:
            with db.atomic():
                return Enrolment.create(session=session_id, worker=worker_id, created_at=now, updated_at=now)
        except IntegrityError as exc:  # the unique (session, worker): a racing copy enrolled first
            raise _already() from exc
    back = (
        Enrolment.update(status="enrolled", updated_at=now)
        .where((Enrolment.id == previous.id) & (Enrolment.status == "cancelled"))
        .execute()
    )
    if not back:
        raise _already()
    return Enrolment.get_by_id(previous.id)


def _already():
    return Conflict("您已报名这一期培训", code="already_enrolled")


def _explain_full(session_id, now):
    session = TrainingSession.get_by_id(session_id)
    if session.status != "open":
        raise Conflict("这期培训已取消", code="session_cancelled")
    if session.starts_at <= now:
        raise Conflict("这期培训已经开始，不能再报名", code="session_started")
    raise Conflict("这期培训名额已满", code="session_full", capacity=session.capacity)


def _is_staff(actor):
    return not isinstance(actor, Worker)


def _worker_for(actor, worker_id, session):
    """The worker an enrolment concerns: the actor themselves, or one the desk (station staff of the session's
    station, the course's trainer, an admin) acts for."""
    if isinstance(actor, Worker):
        if worker_id is not None and worker_id != actor.id:
            raise Forbidden("只能为自己报名", code="not_own")
        return actor.id
    if worker_id is None or Worker.get_or_none(Worker.id == worker_id) is None:
        raise NotFound("没有这个零工", code="worker_not_found")
    _ensure_session_staff(actor, session)
    return worker_id


def _ensure_session_staff(staff, session):
    if isinstance(staff, Worker):
        raise Forbidden("没有权限", code="role_forbidden")
    if staff.role == "trainer":
        if trainer_enterprise(staff) != get_course(session.course_id).enterprise_id:
            raise Forbidden("只能操作本企业的培训课程", code="other_enterprise")
        return
    if staff.role not in ("admin", "station", "counsellor"):
        raise Forbidden("没有权限", code="role_forbidden")
    ensure_station(staff, session.station_id)


def _enrolment(enrolment_id):
    enrolment = Enrolment.get_or_none(Enrolment.id == enrolment_id)
    if enrolment is None:
        raise NotFound("没有这个报名", code="enrolment_not_found")
    return enrolment
