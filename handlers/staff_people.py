"""The registry and counsellors' JSON API under /api/v1/staff: registry search, one worker's registration,
walk-ins, the hard-to-place tier, guidance records and corrections, the case list and the month's figures."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import serialize_training as st
from handlers.common import json_body
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from services.guidance import cases
from services.guidance import records
from services.money.statements import month_bounds
from services.people import registry
from services.reports import training_stats

bp = Blueprint("staff_people", __name__, url_prefix="/api/v1/staff")
DESK = ("admin", "station", "counsellor")


@bp.get("/registry")
@staff_required(*DESK)
def search():
    q = query_args()
    rows = registry.search_registry(g.staff, q.skill_id, q.station_id, q.weekday, q.limit)
    return jsonify({"workers": [st.registration(r) for r in rows]})


@bp.get("/workers/<int:worker_id>/registration")
@staff_required(*DESK)
def registration(worker_id):
    return jsonify(st.registration(registry.registration_of(g.staff, worker_id)))


@bp.post("/registry/walk-ins")
@staff_required(*DESK)
def walk_in():
    b = json_body()
    row = registry.register_walk_in(g.staff, b, now(), request_id=b.get("request_id"))
    return jsonify(st.registration(registry.registration_of(g.staff, row.worker_id))), 201


@bp.put("/workers/<int:worker_id>/support")
@staff_required("admin", "counsellor")
def support(worker_id):
    b = json_body()
    registry.set_support(g.staff, worker_id, b.get("category"), b.get("tier"), now(), b.get("request_id"))
    return jsonify(st.registration(registry.registration_of(g.staff, worker_id)))


@bp.post("/workers/<int:worker_id>/guidance")
@staff_required("admin", "counsellor")
def record(worker_id):
    b = json_body()
    row = records.record_guidance(g.staff, worker_id, b, now(), request_id=b.get("request_id"))
    return jsonify(st.guidance(records.record_dict(row))), 201


@bp.post("/guidance/<int:record_id>/corrections")
@staff_required("admin", "counsellor")
def correct(record_id):
    b = json_body()
    row = records.correct_guidance(g.staff, record_id, b, now(), request_id=b.get("request_id"))
    return jsonify(st.guidance(records.record_dict(row))), 201


@bp.get("/workers/<int:worker_id>/guidance")
@staff_required("admin", "counsellor")
def worker_guidance(worker_id):
    return jsonify({"records": [st.guidance(r) for r in records.guidance_of(g.staff, worker_id)]})


@bp.get("/cases")
@staff_required("admin", "counsellor")
def case_list():
    return jsonify(st.case_list(cases.case_list(g.staff, now())))


@bp.get("/statistics/training")
@staff_required("admin", "counsellor")
def statistics():
    month = query_args().month
    first, _ = month_bounds(month)
    return jsonify(st.figures(month, training_stats.month_figures(g.staff, first.year, first.month)))
