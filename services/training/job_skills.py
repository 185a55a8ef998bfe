"""The skills a job requires: set by staff who may act on the job's station; the job's `requires_skills` flag is
kept with the links in one transaction, so order acceptance reads certificates only for such jobs."""

from models import Job
from models import JobSkill
from models import Skill
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import NotFound
from services.people.scope import ensure_station


def set_job_skills(staff, job_id, skill_ids, now, request_id=None):
    """Replace the skills `job_id` requires (an empty list lifts the requirement); orders already taken stay."""
    job = Job.get_or_none(Job.id == job_id)
    if job is None:
        raise NotFound("没有这个工作", code="job_not_found")
    ensure_station(staff, job.station_id)
    if not isinstance(skill_ids, list):
        raise BadRequest("skill_ids 应为列表", code="invalid_skill_ids", field="skill_ids")
    wanted = sorted({validate.positive_int(s, "技能", "skill_ids", validate.MAX_ID) for s in skill_ids})
    if Skill.select().where(Skill.id.in_(wanted)).count() != len(wanted):
        raise NotFound("没有这个技能", code="skill_not_found")

    def change():
        JobSkill.delete().where(JobSkill.job == job.id).execute()  # links, not records: replaced as a set
        for skill_id in wanted:
            JobSkill.create(job=job.id, skill=skill_id)
        Job.update(requires_skills=bool(wanted), updated_at=now).where(Job.id == job.id).execute()
        unit.audit("job.skills", job, job.station_id, skills=wanted)
        return Job.get_by_id(job.id)

    return unit.apply(staff, request_id, f"job.skills:{job.id}", change, Job.get_by_id, now)


def job_skills(job_id):
    """The skills a job requires, as plain dicts."""
    query = Skill.select().join(JobSkill).where(JobSkill.job == job_id).order_by(Skill.id)
    return [{"id": s.id, "name": s.name} for s in query]
