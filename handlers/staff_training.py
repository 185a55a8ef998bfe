"""The training desk's JSON API under /api/v1/staff: skills and trainers (admins), courses and sessions, a
session's roster, desk enrolment, attendance, the trainer's verdict, certificates and the skills a job requires."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import serialize_training as st
from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from services.training import certificates
from services.training import courses
from services.training import enrolment
from services.training import job_skills

bp = Blueprint("staff_training", __name__, url_prefix="/api/v1/staff")


@bp.get("/skills")
@staff_required()
def skills():
    return jsonify({"skills": courses.skills()})


@bp.post("/skills")
@staff_required("admin")
def create_skill():
    b = json_body()
    skill = courses.create_skill(g.staff, b.get("name"), now(), request_id=b.get("request_id"))
    return jsonify({"id": skill.id, "name": skill.name}), 201


@bp.post("/trainers")
@staff_required("admin")
def create_trainer():
    b = json_body()
    trainer = courses.create_trainer(g.staff, b.get("username"), b.get("password"), b.get("enterprise_id"),
                                     b.get("station_id"), now(), name=b.get("name", ""))  # fmt: skip
    answer = {"id": trainer.id, "username": trainer.username, "name": trainer.name, "station_id": trainer.station_id}
    return jsonify(dict(answer, enterprise_id=b.get("enterprise_id"))), 201


@bp.get("/courses")
@staff_required()
def course_list():
    return jsonify({"courses": courses.courses_for(g.staff)})


@bp.post("/courses")
@staff_required("admin", "trainer")
def create_course():
    b = json_body()
    course = courses.create_course(g.staff, b, now(), request_id=b.get("request_id"))
    return jsonify(courses.courses_for(enterprise_id=course.enterprise_id)[-1] | {"id": course.id}), 201


@bp.get("/sessions")
@staff_required()
def sessions():
    q = query_args()
    stations = [q.station_id] if q.station_id else None
    rows = courses.sessions_page(g.staff, now(), stations, q.course_id, q.limit, q.before_id)
    return jsonify({"sessions": [st.session(s) for s in rows], "next_before_id": next_before_id(rows, q.limit)})


@bp.post("/courses/<int:course_id>/sessions")
@staff_required("admin", "trainer")
def schedule(course_id):
    b = json_body()
    session = courses.schedule_session(g.staff, course_id, b, now(), request_id=b.get("request_id"))
    return jsonify(st.session(courses.get_session(session.id))), 201


@bp.get("/sessions/<int:session_id>/roster")
@staff_required()
def roster(session_id):
    rows = enrolment.roster(g.staff, session_id)
    return jsonify({"session": st.session(courses.get_session(session_id)), "enrolments": rows})


@bp.post("/sessions/<int:session_id>/enrolments")
@staff_required()
def desk_enrol(session_id):
    b = json_body()
    seat, created = enrolment.enrol_once(g.staff, session_id, now(), b.get("request_id"), b.get("worker_id"))
    return jsonify(st.enrolment(seat)), 201 if created else 200


@bp.post("/attendances")
@staff_required()
def attend():
    b = json_body()
    seat = enrolment.record_attendance(g.staff, b.get("enrolment_id"), now(), request_id=b.get("request_id"))
    return jsonify(st.enrolment(seat))


@bp.post("/results")
@staff_required("trainer")
def verdict():
    b = json_body()
    result = certificates.record_result(g.staff, b.get("enrolment_id"), b.get("passed"), now(), b.get("note", ""),
                                        request_id=b.get("request_id"))  # fmt: skip
    return jsonify(st.result(result, certificates.issued_by(result))), 201


@bp.post("/certificates/<int:certificate_id>/revoke")
@staff_required("admin", "trainer")
def revoke(certificate_id):
    b = json_body()
    row = certificates.revoke_certificate(g.staff, certificate_id, b.get("reason"), now(), b.get("request_id"))
    return jsonify(st.revocation(row)), 201


@bp.post("/certificates/<int:certificate_id>/corrections")
@staff_required("admin", "trainer")
def correct(certificate_id):
    b = json_body()
    new = certificates.correct_certificate(g.staff, certificate_id, b.get("expires_on"), b.get("reason"), now(),
                                           request_id=b.get("request_id"))  # fmt: skip
    return jsonify(st.certificate(certificates.certificate_dict(new, now()))), 201


@bp.get("/workers/<int:worker_id>/certificates")
@staff_required()
def worker_certificates(worker_id):
    rows = certificates.certificates_of(g.staff, worker_id, now())
    return jsonify({"certificates": [st.certificate(c) for c in rows]})


@bp.put("/jobs/<int:job_id>/skills")
@staff_required("admin", "station")
def set_job_skills(job_id):
    b = json_body()
    job_skills.set_job_skills(g.staff, job_id, b.get("skill_ids"), now(), request_id=b.get("request_id"))
    return jsonify({"job_id": job_id, "skills": job_skills.job_skills(job_id)})
