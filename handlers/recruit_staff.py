"""The recruitment desk's API under /api/v1/staff/recruit: the review queue (normal and quick lanes), approve and
reject, complaints, walk-in applications, status changes, placements and their follow-up."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import recruit_shapes as shapes
from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from services.matching import applications
from services.matching import complaints
from services.matching import placements
from services.matching import posts as post_service

bp = Blueprint("recruit_staff", __name__, url_prefix="/api/v1/staff/recruit")
desk_required = staff_required("admin", "station")


@bp.get("/queue")
@desk_required
def queue():
    lane = query_args().lane
    rows = post_service.review_queue(g.staff, quick=lane == "quick")
    return jsonify({"lane": lane, "posts": shapes.own_posts(rows)})


@bp.post("/posts/<int:post_id>/approve")
@desk_required
def approve(post_id):
    return jsonify(shapes.own_posts([post_service.approve_post(g.staff, post_id, now())])[0])


@bp.post("/posts/<int:post_id>/reject")
@desk_required
def reject(post_id):
    row = post_service.reject_post(g.staff, post_id, json_body().get("reason"), now())
    return jsonify(shapes.own_posts([row])[0])


@bp.get("/posts/<int:post_id>/applications")
@desk_required
def board(post_id):
    q = query_args()
    post, rows = applications.applications_to(g.staff, post_id, q.limit, q.before_id)
    listed = [shapes.applicant(a, market_staff=True) for a in rows]
    return jsonify({"post_id": post.id, "applications": listed, "next_before_id": next_before_id(rows, q.limit)})


@bp.post("/posts/<int:post_id>/applications")
@desk_required
def desk_apply(post_id):
    b = json_body()
    row = applications.apply_at_desk(g.staff, post_id, b.get("worker_id"), b.get("share_phone", False), now(),
                                     b.get("source", "desk"), b.get("fair_id"))  # fmt: skip
    return jsonify(shapes.applicant(row, market_staff=True)), 201


@bp.get("/complaints")
@desk_required
def complaint_list():
    rows = complaints.complaints(g.staff, query_args().status)
    return jsonify({"complaints": [shapes.complaint(c) for c in rows]})


@bp.post("/complaints/<int:complaint_id>/resolve")
@desk_required
def resolve(complaint_id):
    b = json_body()
    row = complaints.resolve_complaint(g.staff, complaint_id, b.get("valid"), b.get("note", ""), now())
    return jsonify(shapes.complaint(row))


@bp.post("/applications/<int:application_id>/status")
@desk_required
def status(application_id):
    b = json_body()
    row = applications.change_status(g.staff, application_id, b.get("status"), b.get("note", ""), now())
    return jsonify(shapes.applicant(row, market_staff=True))


@bp.post("/applications/<int:application_id>/placement")
@desk_required
def placement(application_id):
    row = placements.confirm_placement(g.staff, application_id, json_body().get("start_on"), now())
    return jsonify(shapes.placement(row)), 201


@bp.post("/placements/<int:placement_id>/follow-up")
@desk_required
def follow_up(placement_id):
    b = json_body()
    row = placements.follow_up(g.staff, placement_id, b.get("still_there"), b.get("note", ""), now())
    return jsonify(shapes.follow_up(row)), 201
