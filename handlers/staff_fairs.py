"""The fair desk and the survey desk under /api/v1/staff: fairs, featured posts, figures (fetched or typed in),
employer visits and the demand they add up to."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import fair_serialize as out
from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from handlers.fairs import fairs_page
from services.fairs import events
from services.fairs import figures
from services.people.scope import station_ids_for
from services.survey import demand
from services.survey import records

bp = Blueprint("staff_fairs", __name__, url_prefix="/api/v1/staff")
WRITE = ("admin", "station")


@bp.get("/fairs")
@staff_required()
def fairs():
    q = query_args()
    return jsonify(fairs_page(events.fairs_for_staff(station_ids_for(g.staff), q.limit, q.before_id), q.limit))


@bp.post("/fairs")
@staff_required(*WRITE)
def create_fair():
    body = json_body()
    fair = events.create_fair(g.staff, body, now(), request_id=body.get("request_id"))
    return jsonify(out.fair(fair, events.featured_post_ids(fair.id))), 201


@bp.post("/fairs/<int:fair_id>/posts")
@staff_required(*WRITE)
def feature_posts(fair_id):
    body = json_body()
    post_ids = events.feature_posts(g.staff, fair_id, body.get("post_ids"), now(), request_id=body.get("request_id"))
    return jsonify({"fair_id": fair_id, "post_ids": post_ids})


@bp.post("/fairs/<int:fair_id>/figures/fetch")
@staff_required(*WRITE)
def fetch_figures(fair_id):
    return jsonify(out.figure(figures.fetch_figures(g.staff, fair_id, now()))), 201


@bp.post("/fairs/<int:fair_id>/figures")
@staff_required(*WRITE)
def manual_figure(fair_id):
    body = json_body()
    figure = figures.record_manual_figure(g.staff, fair_id, body, now(), request_id=body.get("request_id"))
    return jsonify(out.figure(figure)), 201


@bp.get("/fairs/<int:fair_id>/figures")
@staff_required()
def fair_figures(fair_id):
    return jsonify({"figures": [out.figure(f) for f in figures.figures_of(g.staff, fair_id)]})


@bp.post("/surveys")
@staff_required(*WRITE)
def record_survey():
    body = json_body()
    survey = records.record_survey(g.staff, body, now(), request_id=body.get("request_id"))
    return jsonify(out.survey(survey, records.demand_of([survey.id])[survey.id])), 201


@bp.post("/surveys/<int:survey_id>/corrections")
@staff_required(*WRITE)
def correct_survey(survey_id):
    body = json_body()
    survey = records.correct_survey(g.staff, survey_id, body, now(), request_id=body.get("request_id"))
    return jsonify(out.survey(survey, records.demand_of([survey.id])[survey.id])), 201


@bp.get("/surveys")
@staff_required()
def surveys():
    q = query_args()
    rows = records.surveys(q.limit, q.before_id, q.enterprise_id, q.all_versions)
    lines = records.demand_of([s.id for s in rows])
    return jsonify(
        {"surveys": [out.survey(s, lines[s.id]) for s in rows], "next_before_id": next_before_id(rows, q.limit)}
    )


@bp.get("/surveys/summary")
@staff_required()
def survey_summary():
    q = query_args()
    summary = demand.demand_summary(q.from_month, q.to_month)
    return jsonify({"rule": demand.RULE, **summary})
