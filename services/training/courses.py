"""Skills, trainers, courses and sessions: what the market trains for, who trains it and when.

A trainer is a staff member with role 'trainer' assigned to one enterprise; they create and run that enterprise's
courses only. Admins create skills and trainers and may act on any course.
"""

from models import Course
from models import Enterprise
from models import Skill
from models import Station
from models import TrainerAssignment
from models import TrainingSession
from services import unit
from services import validate
from services.clock import iso_utc
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import NotFound
from services.people import accounts
from services.people.scope import ensure_admin
from services.people.scope import ensure_trainer_of
from services.people.scope import trainer_enterprise

MAX_CAPACITY = 200
MAX_VALIDITY_DAYS = 3650


def create_skill(staff, name, now, request_id=None):
    """An admin adds a skill to the skill table (names are unique)."""
    ensure_admin(staff)
    name = validate.text(name, "技能名称", "name", 50)

    def create():
        if Skill.get_or_none(Skill.name == name) is not None:
            raise Conflict("已有这个技能", code="duplicate_skill")
        skill = Skill.create(name=name, created_at=now)
        unit.audit("skill.create", skill, None, name=name)
        return skill

    return unit.apply(staff, request_id, "skill.create", create, Skill.get_by_id, now)


def skills():
    return [{"id": s.id, "name": s.name} for s in Skill.select().order_by(Skill.id)]


def create_trainer(staff, username, password, enterprise_id, station_id, now, name=""):
    """An admin creates a trainer account (an enterprise technician) scoped to one enterprise's courses."""
    ensure_admin(staff)
    _enterprise(enterprise_id)
    if Station.get_or_none(Station.id == station_id) is None:
        raise NotFound("没有这个驿站", code="station_not_found")
    with unit.transaction():
        trainer = accounts.create_staff(username, password, "trainer", station=station_id, name=name, now=now)
        TrainerAssignment.create(staff=trainer.id, enterprise=enterprise_id, created_at=now)
        unit.audit("trainer.create", trainer, station_id, enterprise=enterprise_id)
    return trainer


def create_course(staff, data, now, request_id=None):
    """A trainer (or an admin) adds a course of one enterprise teaching one skill, with its standard and QC rules."""
    enterprise_id = validate.positive_int(data.get("enterprise_id"), "企业", "enterprise_id", validate.MAX_ID)
    ensure_trainer_of(staff, enterprise_id)
    _enterprise(enterprise_id)
    skill_id = validate.positive_int(data.get("skill_id"), "技能", "skill_id", validate.MAX_ID)
    if Skill.get_or_none(Skill.id == skill_id) is None:
        raise NotFound("没有这个技能", code="skill_not_found")
    validity = data.get("validity_days")
    fields = {
        "enterprise": enterprise_id,
        "skill": skill_id,
        "title": validate.text(data.get("title"), "课程名称", "title", 100),
        "standard": validate.text(data.get("standard", ""), "生产标准", "standard", 5000, False),
        "qc_rules": validate.text(data.get("qc_rules", ""), "质检规则", "qc_rules", 5000, False),
        "validity_days": None
        if validity is None
        else validate.positive_int(validity, "证书有效天数", "validity_days", MAX_VALIDITY_DAYS),
        "created_by": staff.id,
        "created_at": now,
    }

    def create():
        course = Course.create(**fields)
        unit.audit("course.create", course, None, title=course.title, skill=skill_id)
        return course

    return unit.apply(staff, request_id, "course.create", create, Course.get_by_id, now)


def schedule_session(staff, course_id, data, now, request_id=None):
    """The course's trainer schedules a session at a station: a start and end (UTC) and a capacity."""
    course = get_course(course_id)
    ensure_trainer_of(staff, course.enterprise_id)
    station_id = validate.positive_int(data.get("station_id"), "驿站", "station_id", validate.MAX_ID)
    if Station.get_or_none(Station.id == station_id) is None:
        raise NotFound("没有这个驿站", code="station_not_found")
    starts_at = _required_time(data.get("starts_at"), "starts_at")
    ends_at = _required_time(data.get("ends_at"), "ends_at")
    if ends_at <= starts_at:
        raise BadRequest("结束时间应晚于开始时间", code="invalid_window")
    capacity = validate.positive_int(data.get("capacity"), "名额", "capacity", MAX_CAPACITY)
    trainer_id = staff.id if staff.role == "trainer" else _trainer_of(course.enterprise_id)

    def create():
        session = TrainingSession.create(
            course=course.id, station=station_id, trainer=trainer_id, starts_at=starts_at, ends_at=ends_at,
            capacity=capacity, created_at=now,
        )  # fmt: skip
        unit.audit("session.schedule", session, station_id, course=course.id, capacity=capacity)
        return session

    return unit.apply(staff, request_id, "session.schedule", create, TrainingSession.get_by_id, now)


def get_course(course_id):
    course = Course.get_or_none(Course.id == course_id)
    if course is None:
        raise NotFound("没有这个课程", code="course_not_found")
    return course


def get_session(session_id):
    session = TrainingSession.get_or_none(TrainingSession.id == session_id)
    if session is None:
        raise NotFound("没有这期培训", code="session_not_found")
    return session


def courses_for(staff=None, enterprise_id=None):
    """Courses as plain dicts; a trainer sees only their enterprise's."""
    query = Course.select(Course, Skill).join(Skill).order_by(Course.id)
    if staff is not None and staff.role == "trainer":
        query = query.where(Course.enterprise == (trainer_enterprise(staff) or 0))
    if enterprise_id is not None:
        query = query.where(Course.enterprise == enterprise_id)
    return [_course_dict(c) for c in query]


def upcoming_sessions(now, station_ids=None, course_id=None, staff=None, limit=50):
    """Open sessions not yet started, soonest first, as plain dicts (a trainer: their enterprise's only)."""
    query = (
        TrainingSession.select(TrainingSession, Course)
        .join(Course)
        .where((TrainingSession.status == "open") & (TrainingSession.starts_at > now))
    )
    if station_ids is not None:
        query = query.where(TrainingSession.station.in_(list(station_ids)))
    if course_id is not None:
        query = query.where(TrainingSession.course == course_id)
    if staff is not None and staff.role == "trainer":
        query = query.where(Course.enterprise == (trainer_enterprise(staff) or 0))
    return [session_dict(s) for s in query.order_by(TrainingSession.starts_at, TrainingSession.id).limit(limit)]


def sessions_page(viewer, now, station_ids=None, course_id=None, limit=50, before_id=None):
    """Sessions newest scheduled first (the paging rule): for a worker (viewer None) open ones not yet started;
    for staff every session in their scope (a trainer: their enterprise's; station staff: their station's)."""
    query = TrainingSession.select(TrainingSession, Course).join(Course)
    if viewer is None:
        query = query.where((TrainingSession.status == "open") & (TrainingSession.starts_at > now))
    elif viewer.role == "trainer":
        query = query.where(Course.enterprise == (trainer_enterprise(viewer) or 0))
    elif viewer.role != "admin":
        query = query.where(TrainingSession.station == viewer.station_id)
    if station_ids is not None:
        query = query.where(TrainingSession.station.in_(list(station_ids)))
    if course_id is not None:
        query = query.where(TrainingSession.course == course_id)
    if before_id is not None:
        query = query.where(TrainingSession.id < before_id)
    return list(query.order_by(TrainingSession.id.desc()).limit(limit))


def session_dict(s):
    return {
        "id": s.id, "course_id": s.course_id, "course": s.course.title, "station_id": s.station_id,
        "trainer_id": s.trainer_id, "starts_at": iso_utc(s.starts_at), "ends_at": iso_utc(s.ends_at),
        "capacity": s.capacity, "seats_taken": s.seats_taken, "seats_left": s.capacity - s.seats_taken,
        "status": s.status,
    }  # fmt: skip


def _course_dict(c):
    return {
        "id": c.id, "enterprise_id": c.enterprise_id, "skill_id": c.skill_id, "skill": c.skill.name,
        "title": c.title, "standard": c.standard, "qc_rules": c.qc_rules, "validity_days": c.validity_days,
    }  # fmt: skip


def _enterprise(enterprise_id):
    if Enterprise.get_or_none(Enterprise.id == enterprise_id) is None:
        raise NotFound("没有这个企业", code="enterprise_not_found")


def _trainer_of(enterprise_id):
    trainer = (
        TrainerAssignment.select(TrainerAssignment.staff)
        .where(TrainerAssignment.enterprise == enterprise_id)
        .order_by(TrainerAssignment.id)
        .scalar()
    )
    if trainer is None:
        raise Conflict("这个企业还没有培训师", code="no_trainer")
    return trainer


def _required_time(value, field):
    parsed = validate.utc_datetime(value, field)
    if parsed is None:
        raise BadRequest(f"缺少 {field}", code="invalid_" + field, field=field)
    return parsed
