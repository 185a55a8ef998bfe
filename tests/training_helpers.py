"""A small training world for the issue-15 service tests: a station, an enterprise with its trainer, a skill, a
course and a session tomorrow, workers, and threads racing through the real services."""

import datetime as dt
import itertools
import threading
from types import SimpleNamespace

import pytest

import models
from services.training import certificates
from services.training import courses
from services.training import enrolment
from services.training import job_skills

_ids = itertools.count(1)


def race(app, fns):
    """Run each of `fns` in its own thread, released together; returns [(result or None, error or None)] in order."""
    outcomes = [None] * len(fns)
    barrier = threading.Barrier(len(fns))

    def run(index, fn):
        with app.app_context():
            try:
                barrier.wait()
                outcomes[index] = (fn(), None)
            except Exception as exc:  # collected and asserted by the caller
                outcomes[index] = (None, exc)
            finally:
                if not models.db.is_closed():
                    models.db.close()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def new_worker(name=None, station=None):
    n = next(_ids)
    return models.Worker.create(mp_openid=f"mp-training-{n}", name=name or f"零工{n}",
                                home_station=station.id if station is not None else None)  # fmt: skip


@pytest.fixture(name="world")
def world_fixture(app, admin, make_station, make_enterprise, make_job, make_staff, now):
    station = make_station()
    enterprise = make_enterprise()
    skill = courses.create_skill(admin, f"鞋灯卡扣装配{next(_ids)}", now)
    trainer = courses.create_trainer(admin, f"trainer{next(_ids)}", "trainer-password", enterprise.id, station.id, now)
    course = courses.create_course(trainer, {"enterprise_id": enterprise.id, "skill_id": skill.id, "title": "卡扣装配岗前培训",
                                             "standard": "卡扣到位", "qc_rules": "无漏装", "validity_days": 180}, now)  # fmt: skip
    w = SimpleNamespace(app=app, admin=admin, station=station, enterprise=enterprise, skill=skill, trainer=trainer,
                        course=course, now=now, make_job=make_job, make_staff=make_staff, make_station=make_station,
                        make_enterprise=make_enterprise)  # fmt: skip

    def session(capacity=5, days=1, station=None):
        start = now + dt.timedelta(days=days)
        return courses.schedule_session(trainer, course.id, {
            "station_id": (station or w.station).id, "capacity": capacity,
            "starts_at": start.isoformat() + "Z", "ends_at": (start + dt.timedelta(hours=2)).isoformat() + "Z"}, now)  # fmt: skip

    def certify(worker, at=None):
        """Enrol, attend and pass `worker` (a session of its own); returns the certificate row."""
        s = session()
        e = enrolment.enrol(worker, s.id, at or now)
        enrolment.record_attendance(trainer, e.id, at or now)
        result = certificates.record_result(trainer, e.id, True, at or now)
        return models.Certificate.get(models.Certificate.result == result.id)

    def gated_job(**extra):
        job = make_job(station=w.station, enterprise=enterprise, total_pieces=extra.pop("total_pieces", 100), **extra)
        job_skills.set_job_skills(admin, job.id, [skill.id], now)
        return models.Job.get_by_id(job.id)

    w.session, w.certify, w.gated_job = session, certify, gated_job
    return w
