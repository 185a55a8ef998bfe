"""The skills gate of order acceptance: a job that requires skills is taken only with a valid certificate for each.

Called inside the acceptance transaction, after the guarded update took the pieces, so a refusal rolls them back;
one indexed query, and only for jobs whose `requires_skills` flag is set. A certificate revoked (or past its
expiry) before this check reads stops the order; one revoked after it is an order already taken, which stays.
"""

from peewee import JOIN
from peewee import SQL
from peewee import fn

from models import Certificate
from models import CertificateRevocation
from models import Course
from models import JobSkill
from models import Skill
from models import TrainingSession
from services.clock import business_date
from services.clock import iso_utc
from services.errors import Conflict

NEXT_SESSIONS = 3  # sessions of each missing skill's courses named in the refusal


def valid_certificates(worker_id, today):
    """Certificates of the worker valid on market date `today`: not revoked, not expired."""
    return (
        Certificate.select()
        .join(CertificateRevocation, JOIN.LEFT_OUTER)
        .where(
            (Certificate.worker == worker_id)
            & CertificateRevocation.id.is_null()
            & (Certificate.expires_on.is_null() | (Certificate.expires_on >= today))
        )
    )


def missing_skills(worker_id, job_id, today):
    """Ids of the job's required skills the worker holds no valid certificate for (one query)."""
    held = valid_certificates(worker_id, today).select(SQL("1")).where(Certificate.skill == JobSkill.skill)
    query = JobSkill.select(JobSkill.skill).where((JobSkill.job == job_id) & ~fn.EXISTS(held))
    return [skill_id for (skill_id,) in query.tuples()]


def check_certificates(worker_id, job_id, now):
    """Refuse (Conflict, rolling the order back) unless the worker holds a valid certificate for every skill."""
    missing = missing_skills(worker_id, job_id, business_date(now))
    if missing:
        raise _refusal(missing, now)


def next_sessions(skill_ids, now, limit=NEXT_SESSIONS):
    """The next open sessions with seats left of courses teaching `skill_ids`, soonest first, as plain dicts."""
    rows = (
        TrainingSession.select(TrainingSession, Course)
        .join(Course)
        .where(
            Course.skill.in_(list(skill_ids))
            & (TrainingSession.status == "open")
            & (TrainingSession.starts_at > now)
            & (TrainingSession.seats_taken < TrainingSession.capacity)
        )
        .order_by(TrainingSession.starts_at, TrainingSession.id)
        .limit(limit)
    )
    return [
        {
            "session_id": s.id,
            "course_id": s.course_id,
            "course": s.course.title,
            "station_id": s.station_id,
            "starts_at": iso_utc(s.starts_at),
            "seats_left": s.capacity - s.seats_taken,
        }
        for s in rows
    ]


def _refusal(missing, now):
    names = [name for (name,) in Skill.select(Skill.name).where(Skill.id.in_(missing)).order_by(Skill.id).tuples()]
    return Conflict(
        f"接这个活需要先取得培训合格证：{'、'.join(names)}。请先报名岗前培训",
        code="certificate_required",
        skills=names,
        skill_ids=sorted(missing),
        sessions=next_sessions(missing, now),
    )
