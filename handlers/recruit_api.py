"""The worker's recruitment API under /api/v1: published posts, one post, apply, withdraw, my applications, report."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import recruit_shapes as shapes
from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import worker_required
from services.matching import applications
from services.matching import browse
from services.matching import complaints

bp = Blueprint("recruit_api", __name__, url_prefix="/api/v1")


@bp.get("/recruit/posts")
@worker_required
def posts():
    q = query_args()
    rows = browse.posts_near(g.worker, q.station_id, q.skill, q.kind, q.limit, q.before_id)
    return jsonify({"posts": [shapes.post(p) for p in rows], "next_before_id": next_before_id(rows, q.limit)})


@bp.get("/recruit/posts/<int:post_id>")
@worker_required
def post(post_id):
    row, applied = browse.view_post(g.worker, post_id, now())
    return jsonify(shapes.worker_post(row, applied))


@bp.post("/recruit/posts/<int:post_id>/applications")
@worker_required
def apply(post_id):
    body = json_body()
    row = applications.apply(g.worker, post_id, body.get("share_phone", False), body.get("message", ""), now())
    return jsonify(shapes.application(row, applications.history(row.id))), 201


@bp.post("/recruit/posts/<int:post_id>/complaints")
@worker_required
def report(post_id):
    row = complaints.report_post(g.worker, post_id, json_body().get("reason"), now())
    return jsonify(shapes.complaint(row)), 201


@bp.get("/me/applications")
@worker_required
def my_applications():
    q = query_args()
    rows = applications.applications_of(g.worker, q.limit, q.before_id)
    listed = [shapes.application(a, applications.history(a.id)) for a in rows]
    return jsonify({"applications": listed, "next_before_id": next_before_id(rows, q.limit)})


@bp.post("/me/applications/<int:application_id>/withdraw")
@worker_required
def withdraw(application_id):
    row = applications.withdraw(g.worker, application_id, now())
    return jsonify(shapes.application(row, applications.history(row.id)))
