"""The worker's training, registry and guidance API under /api/v1: my registration, the skill table, courses and
sessions near me, enrol and cancel, my enrolments, my certificates, my guidance records."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import serialize_training as st
from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import worker_required
from services.guidance import records
from services.people import registry
from services.training import certificates
from services.training import courses
from services.training import enrolment

bp = Blueprint("training_api", __name__, url_prefix="/api/v1")


@bp.get("/me/registration")
@worker_required
def my_registration():
    return jsonify(st.registration(registry.registration_of(g.worker, g.worker.id)))


@bp.put("/me/registration")
@worker_required
def edit_registration():
    body = json_body()
    registry.save_registration(g.worker, g.worker.id, body, now(), request_id=body.get("request_id"))
    return jsonify(st.registration(registry.registration_of(g.worker, g.worker.id)))


@bp.get("/skills")
@worker_required
def skills():
    return jsonify({"skills": courses.skills()})


@bp.get("/training/courses")
@worker_required
def course_list():
    return jsonify({"courses": courses.courses_for()})


@bp.get("/training/sessions")
@worker_required
def sessions():
    q = query_args()
    station = q.station_id or g.worker.home_station_id
    rows = courses.sessions_page(None, now(), [station] if station else None, q.course_id, q.limit, q.before_id)
    return jsonify({"sessions": [st.session(s) for s in rows], "next_before_id": next_before_id(rows, q.limit)})


@bp.post("/training/sessions/<int:session_id>/enrolments")
@worker_required
def enrol(session_id):
    seat, created = enrolment.enrol_once(g.worker, session_id, now(), json_body().get("request_id"))
    return jsonify(st.enrolment(seat)), 201 if created else 200


@bp.post("/me/enrolments/<int:enrolment_id>/cancel")
@worker_required
def cancel(enrolment_id):
    seat = enrolment.cancel_enrolment(g.worker, enrolment_id, now(), request_id=json_body().get("request_id"))
    return jsonify(st.enrolment(seat))


@bp.get("/me/enrolments")
@worker_required
def my_enrolments():
    rows = [dict(e, worker_id=g.worker.id) for e in enrolment.my_enrolments(g.worker)]
    return jsonify({"enrolments": rows})


@bp.get("/me/certificates")
@worker_required
def my_certificates():
    rows = certificates.certificates_of(g.worker, g.worker.id, now())
    return jsonify({"certificates": [st.certificate(c) for c in rows]})


@bp.get("/me/guidance")
@worker_required
def my_guidance():
    return jsonify({"records": [st.guidance(r) for r in records.my_guidance(g.worker)]})
