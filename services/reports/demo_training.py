"""Demo training and guidance: a course for each demo job, a trainer per enterprise, sessions this week, certified
demo workers, a counsellor's case list, and one demo job (鞋灯线头修剪) that takes a certificate. Idempotent."""

import datetime as dt

from models import Certificate
from models import Course
from models import GuidanceRecord
from models import Job
from models import Skill
from models import Staff
from models import TrainingSession
from models import Worker
from models import WorkerSupport
from services.clock import business_date
from services.guidance import records
from services.people import registry
from services.training import certificates
from services.training import courses
from services.training import enrolment
from services.training import job_skills

GATED_JOB = "鞋灯线头修剪"
WORKERS = [("demo-liu", "刘秀兰"), ("demo-chen", "陈建国"), ("demo-sun", "孙桂芳"), ("demo-zhou", "周大海")]


def seed_training(admin, stations, enterprises, password, now):
    """Add the demo's training and guidance once; returns what exists afterwards."""
    trainers = [
        _trainer(admin, index, enterprise, stations[0], password, now) for index, enterprise in enumerate(enterprises)
    ]
    by_enterprise = {e.id: t for e, t in zip(enterprises, trainers, strict=True)}
    workers = [_worker(openid, name, stations[1], now) for openid, name in WORKERS]
    for job in Job.select().order_by(Job.id):
        skill = Skill.get_or_none(Skill.name == job.title) or courses.create_skill(admin, job.title, now)
        trainer = by_enterprise.get(job.enterprise_id)
        if trainer is None:
            continue
        course = Course.get_or_none((Course.skill == skill.id) & (Course.enterprise == job.enterprise_id))
        if course is None:
            course = courses.create_course(trainer, {
                "enterprise_id": job.enterprise_id, "skill_id": skill.id, "title": f"{job.title}岗前培训",
                "standard": job.quality_standard, "qc_rules": "首件检验合格后方可批量加工；每批抽检 5%。",
                "validity_days": 365}, now)  # fmt: skip
            _session(trainer, course, job.station_id, now + dt.timedelta(days=2), now)
        if job.title == GATED_JOB:
            _certify(trainer, course, job.station_id, workers[:2], now)
            if not job.requires_skills:
                job_skills.set_job_skills(admin, job.id, [skill.id], now)
    _case_list(admin, workers, now)
    return {"courses": Course.select().count(), "sessions": TrainingSession.select().count(),
            "certificates": Certificate.select().count()}  # fmt: skip


def _trainer(admin, index, enterprise, station, password, now):
    username = f"trainer{index}"
    existing = Staff.get_or_none(Staff.username == username)
    if existing is not None:
        return existing
    return courses.create_trainer(admin, username, password, enterprise.id, station.id, now,
                                  name=f"{enterprise.name}技术员")  # fmt: skip


def _worker(openid, name, station, now):
    worker = Worker.get_or_none(Worker.mp_openid == openid)
    if worker is None:
        worker = Worker.create(mp_openid=openid, name=name, real_name=name, home_station=station.id,
                               created_at=now, last_seen_at=now)  # fmt: skip
        registry.save_registration(worker, worker.id, {"weekdays": [1, 2, 3, 4, 5], "hour_from": 8, "hour_to": 17,
                                   "station_ids": [station.id]}, now)  # fmt: skip
    return worker


def _session(trainer, course, station_id, starts_at, now):
    return courses.schedule_session(trainer, course.id, {
        "station_id": station_id, "capacity": 10, "starts_at": starts_at.isoformat() + "Z",
        "ends_at": (starts_at + dt.timedelta(hours=3)).isoformat() + "Z"}, now)  # fmt: skip


def _certify(trainer, course, station_id, workers, now):
    """A session held yesterday that the first demo workers attended and passed."""
    if Certificate.select().where(Certificate.course == course.id).exists():
        return
    held = now - dt.timedelta(days=1)
    session = _session(trainer, course, station_id, held, now - dt.timedelta(days=3))
    for worker in workers:
        seat = enrolment.enrol(trainer, session.id, now - dt.timedelta(days=2), worker_id=worker.id)
        enrolment.record_attendance(trainer, seat.id, held)
        certificates.record_result(trainer, seat.id, True, held)


def _case_list(admin, workers, now):
    """The counsellor's desk: a tier-1 worker not yet contacted this month, and a follow-up due today."""
    counsellor = Staff.get_or_none(Staff.username == "counsellor")
    if counsellor is None or GuidanceRecord.select().exists():
        return
    if not WorkerSupport.select().exists():
        registry.set_support(counsellor, workers[2].id, "older", 1, now)
        registry.set_support(counsellor, workers[3].id, "low_income", 2, now)
    records.record_guidance(counsellor, workers[3].id, {
        "kind": "培训推荐", "summary": "推荐参加鞋灯卡扣组装岗前培训", "notes": "需要照顾孩子，只能上午",
        "contacted_at": (now - dt.timedelta(days=7)).isoformat() + "Z",
        "follow_up_on": business_date(now).isoformat()}, now)  # fmt: skip
