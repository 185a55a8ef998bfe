"""The worker's mini-program API under /api/v1: login, jobs, orders, piece reports, earnings."""

from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify

from handlers import serialize
from handlers.common import bearer_token
from handlers.common import json_body
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import wechat_mp
from handlers.common import worker_required
from services.clock import iso_utc
from services.money import earnings
from services.people import accounts
from services.people import worker_code
from services.work import jobs_query
from services.work import orders
from services.work import pieces

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.post("/auth/login")
def login():
    body = json_body()
    worker, token, expires_at = accounts.login_worker(wechat_mp(), body.get("code"), now())
    return jsonify({"token": token, "expires_at": iso_utc(expires_at), "worker": serialize.worker(worker)})


@bp.post("/auth/logout")
@worker_required
def logout():
    accounts.sign_out(bearer_token(), now())
    return "", 204


@bp.get("/me")
@worker_required
def me():
    return jsonify(serialize.worker(g.worker))


@bp.patch("/me")
@worker_required
def update_me():
    body = json_body()
    worker = accounts.update_profile(g.worker, body.get("name"), body.get("home_station_id"), body.get("real_name"))
    return jsonify(serialize.worker(worker))


@bp.post("/me/phone")
@worker_required
def bind_phone():
    worker = accounts.bind_phone(wechat_mp(), g.worker, json_body().get("code"))
    return jsonify(serialize.worker(worker))


@bp.get("/me/qr")
@worker_required
def my_qr():
    """The short signed code the mini-program shows as a QR at the materials desk."""
    return jsonify({"code": worker_code.code_for(g.worker.id, current_app.config["SECRET_KEY"])})


@bp.get("/stations")
def stations():
    return jsonify({"stations": [serialize.station(s) for s in jobs_query.stations()]})


@bp.get("/jobs")
@worker_required
def open_jobs():
    listed = jobs_query.open_jobs_near(g.worker, query_args().station_id, now())
    return jsonify({"jobs": [serialize.job(job, materials) for job, materials in listed]})


@bp.get("/jobs/<int:job_id>")
@worker_required
def job_detail(job_id):
    job, materials = jobs_query.job_with_materials(job_id)
    return jsonify(serialize.job(job, materials))


@bp.post("/jobs/<int:job_id>/orders")
@worker_required
def take_order(job_id):
    body = json_body()
    order, created = orders.accept_order(g.worker, job_id, body.get("quantity"), body.get("request_id"), now())
    return jsonify(serialize.order(order)), 201 if created else 200


@bp.get("/me/orders")
@worker_required
def my_orders():
    q = query_args()
    rows = orders.orders_of(g.worker, q.status, q.limit, q.before_id)
    listed = [dict(serialize.order(o), job_title=o.job.title) for o in rows]
    return jsonify({"orders": listed, "next_before_id": next_before_id(rows, q.limit)})


@bp.get("/orders/<int:order_id>")
@worker_required
def my_order(order_id):
    return jsonify(serialize.order(orders.get_own_order(g.worker, order_id)))


@bp.post("/orders/<int:order_id>/reports")
@worker_required
def report(order_id):
    body = json_body()
    report, created = pieces.report_pieces(g.worker, order_id, body.get("quantity"), body.get("request_id"), now())
    return jsonify(serialize.report(report)), 201 if created else 200


@bp.get("/me/earnings")
@worker_required
def my_earnings():
    return jsonify(earnings.summary(g.worker, now()))


@bp.get("/me/earnings/history")
@worker_required
def my_history():
    q = query_args()
    rows, inspections = earnings.history(g.worker, q.limit, q.before_id)
    return jsonify(
        {
            "next_before_id": next_before_id(rows, q.limit),
            "orders": [
                dict(
                    serialize.order(o),
                    job_title=o.job.title,
                    amount_fen=o.accepted * o.rate_fen,
                    inspections=[serialize.inspection(i) for i in inspections.get(o.id, [])],
                )
                for o in rows
            ],
        }
    )
