"""The training part of the edge fuzzers' world (tests/handlers/test_fuzz_edge.py): a skill and a course with
their trainer, a session with free seats, Alice enrolled (not yet attended) in another where Bob attended and
passed (his certificate), a guidance record for Alice; and a base body for each training write endpoint."""

import datetime as dt

import models
from services.guidance import records
from services.training import certificates
from services.training import courses
from services.training import enrolment

ID_NUMBER = "11010519491231002X"


def training_world(admin, station, job, alice, bob, staff_headers):
    now = models.utcnow()
    skill = courses.create_skill(admin, "鞋灯卡扣装配", now)
    trainer = courses.create_trainer(admin, "fz-tr", "trainer-password", job.enterprise_id, station.id, now)
    course = courses.create_course(trainer, {"enterprise_id": job.enterprise_id, "skill_id": skill.id,
                                             "title": "卡扣岗前培训", "validity_days": 180}, now)  # fmt: skip
    free, held = (_session(trainer, course, station, now, days) for days in (3, 2))
    alice_seat = enrolment.enrol(alice, held.id, now)
    bob_seat = enrolment.enrol(bob, held.id, now)
    enrolment.record_attendance(trainer, bob_seat.id, now)
    passed = certificates.record_result(trainer, bob_seat.id, True, now)
    record = records.record_guidance(admin, alice.id, {"kind": "职业指导", "summary": "谈话"}, now)
    return {
        "skill": skill, "course": course, "bob_seat": bob_seat, "alice_seat": alice_seat,
        "as": {("post", "/api/v1/staff/results"): staff_headers(trainer, "trainer-password")},
        "path": {"session_id": free.id, "enrolment_id": alice_seat.id, "course_id": course.id,
                 "certificate_id": certificates.issued_by(passed), "record_id": record.id},
    }  # fmt: skip


def _session(trainer, course, station, now, days):
    start = now + dt.timedelta(days=days)
    return courses.schedule_session(trainer, course.id, {
        "station_id": station.id, "capacity": 10, "starts_at": start.isoformat() + "Z",
        "ends_at": (start + dt.timedelta(hours=2)).isoformat() + "Z"}, now)  # fmt: skip


def training_bodies(w):
    """A body each training write endpoint accepts in `w`."""
    later = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).replace(microsecond=0)
    station, skill, course, job = w["station"].id, w["skill"].id, w["course"].id, w["job"].id
    guidance = {"summary": "谈了培训", "notes": "内部", "contacted_at": "2026-01-05T09:00:00+08:00",
                "follow_up_on": "2030-01-01", "referral_course_id": course, "referral_job_id": job}  # fmt: skip
    return {
        ("put", "/api/v1/me/registration"): {
            "weekdays": [1, 2, 3], "hour_from": 8, "hour_to": 17, "skill_ids": [skill], "station_ids": [station],
            "id_number": ID_NUMBER, "request_id": "fz-reg"},
        ("post", "/api/v1/training/sessions/{session_id}/enrolments"): {"request_id": "fz-enrol"},
        ("post", "/api/v1/me/enrolments/{enrolment_id}/cancel"): {"request_id": "fz-cancel"},
        ("post", "/api/v1/staff/registry/walk-ins"): {
            "name": "王六", "phone": "13900000001", "home_station_id": station, "weekdays": [6, 7], "hour_from": 9,
            "hour_to": 12, "skill_ids": [skill], "station_ids": [station], "request_id": "fz-walk"},
        ("put", "/api/v1/staff/workers/{worker_id}/support"): {"category": "older", "tier": 1, "request_id": "fz-s"},
        ("post", "/api/v1/staff/skills"): {"name": "新技能", "request_id": "fz-skill"},
        ("post", "/api/v1/staff/trainers"): {"username": "fz-new-trainer", "password": "trainer-password",
                                             "enterprise_id": w["job"].enterprise_id, "station_id": station,
                                             "name": "技术员"},
        ("post", "/api/v1/staff/courses"): {
            "enterprise_id": w["job"].enterprise_id, "skill_id": skill, "title": "新课程", "standard": "标准",
            "qc_rules": "规则", "validity_days": 30, "request_id": "fz-course"},
        ("post", "/api/v1/staff/courses/{course_id}/sessions"): {
            "station_id": station, "starts_at": later.isoformat(),
            "ends_at": (later + dt.timedelta(hours=2)).isoformat(), "capacity": 5, "request_id": "fz-session"},
        ("post", "/api/v1/staff/sessions/{session_id}/enrolments"): {"worker_id": w["bob"].id, "request_id": "fz-d"},
        ("post", "/api/v1/staff/attendances"): {"enrolment_id": w["alice_seat"].id, "request_id": "fz-att"},
        ("post", "/api/v1/staff/results"): {"enrolment_id": w["bob_seat"].id, "passed": True, "note": "好",
                                            "request_id": "fz-pass"},
        ("post", "/api/v1/staff/certificates/{certificate_id}/revoke"): {"reason": "违规", "request_id": "fz-rev"},
        ("post", "/api/v1/staff/certificates/{certificate_id}/corrections"): {
            "expires_on": "2030-01-01", "reason": "录错", "request_id": "fz-cfix"},
        ("put", "/api/v1/staff/jobs/{job_id}/skills"): {"skill_ids": [skill], "request_id": "fz-js"},
        ("post", "/api/v1/staff/workers/{worker_id}/guidance"): dict(guidance, kind="职业指导", request_id="fz-g"),
        ("post", "/api/v1/staff/guidance/{record_id}/corrections"): dict(guidance, kind="政策咨询",
                                                                          request_id="fz-gc"),
    }  # fmt: skip
