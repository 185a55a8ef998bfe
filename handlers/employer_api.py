"""The employer's API under /api/v1/employer: register and verify, draft, submit and close posts, and see their
views and applications (only the contacts applicants shared)."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import recruit_shapes as shapes
from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from handlers.common import wechat_mp
from services.matching import applications
from services.matching import employers
from services.matching import posts as post_service

bp = Blueprint("employer_api", __name__, url_prefix="/api/v1/employer")
employer_required = staff_required("employer")


@bp.post("/register")
def register():
    return jsonify(shapes.employer(employers.register_employer(wechat_mp(), json_body(), now()))), 201


@bp.get("/me")
@employer_required
def me():
    return jsonify(shapes.employer(employers.employer_of(g.staff)))


@bp.post("/phone")
@employer_required
def verify_phone():
    return jsonify(shapes.employer(employers.verify_phone(wechat_mp(), g.staff, json_body().get("code"), now())))


@bp.get("/posts")
@employer_required
def my_posts():
    q = query_args()
    rows = post_service.posts_of(g.staff, q.limit, q.before_id)
    return jsonify({"posts": shapes.own_posts(rows), "next_before_id": next_before_id(rows, q.limit)})


@bp.post("/posts")
@employer_required
def create_post():
    body = json_body()
    row = post_service.create_post(g.staff, body, now(), request_id=body.get("request_id"))
    return jsonify(shapes.own_posts([row])[0]), 201


@bp.post("/posts/<int:post_id>/submit")
@employer_required
def submit(post_id):
    return jsonify(shapes.own_posts([post_service.submit_post(g.staff, post_id, now())])[0])


@bp.post("/posts/<int:post_id>/close")
@employer_required
def close(post_id):
    return jsonify(shapes.own_posts([post_service.close_post(g.staff, post_id, now())])[0])


@bp.get("/posts/<int:post_id>/applications")
@employer_required
def post_applications(post_id):
    q = query_args()
    post, rows = applications.applications_to(g.staff, post_id, q.limit, q.before_id)
    listed = [shapes.applicant(a) for a in rows]
    return jsonify({"post_id": post.id, "applications": listed, "next_before_id": next_before_id(rows, q.limit)})
