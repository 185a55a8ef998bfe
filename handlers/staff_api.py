"""The staff JSON API under /api/v1/staff: catalog, materials desk and inspection desk."""

from flask import Blueprint
from flask import g
from flask import jsonify
from flask import request

from handlers import serialize
from handlers.common import bearer_token
from handlers.common import json_body
from handlers.common import now
from handlers.common import query_args
from handlers.common import staff_required
from models import Enterprise
from services.clock import iso_utc
from services.errors import TooManyRequests
from services.people import accounts
from services.people import signin as login_guard
from services.people.scope import station_ids_for
from services.work import catalog
from services.work import inspections
from services.work import jobs_query
from services.work import materials

bp = Blueprint("staff_api", __name__, url_prefix="/api/v1/staff")


@bp.errorhandler(TooManyRequests)
def _too_many(exc):
    return jsonify(exc.to_dict()), exc.status, {"Retry-After": str(exc.retry_after)}


@bp.post("/login")
def login():
    body = json_body()
    address = request.remote_addr or "-"
    staff, token, expires_at = login_guard.sign_in_staff(
        body.get("username"), body.get("password"), address, now(), "api"
    )
    return jsonify(
        {
            "token": token,
            "expires_at": iso_utc(expires_at),
            "staff": {"id": staff.id, "role": staff.role, "station_id": staff.station_id},
        }
    )


@bp.post("/logout")
@staff_required(employers=True)
def logout():
    accounts.sign_out(bearer_token(), now(), staff=g.staff)
    return "", 204


@bp.get("/stations")
@staff_required()
def stations():
    return jsonify({"stations": [serialize.station(s) for s in jobs_query.stations()]})


@bp.post("/stations")
@staff_required("admin")
def create_station():
    b = json_body()
    station = catalog.create_station(
        g.staff,
        b.get("name"),
        b.get("kind", "village"),
        b.get("parent_id"),
        b.get("address", ""),
        b.get("counsellor_name", ""),
        b.get("counsellor_phone", ""),
        now(),
        request_id=b.get("request_id"),
    )
    return jsonify(serialize.station(station)), 201


@bp.get("/enterprises")
@staff_required()
def enterprises():
    return jsonify({"enterprises": [serialize.enterprise(e) for e in Enterprise.select().order_by(Enterprise.id)]})


@bp.post("/enterprises")
@staff_required("admin")
def create_enterprise():
    b = json_body()
    enterprise = catalog.create_enterprise(
        g.staff,
        b.get("name"),
        b.get("industry", ""),
        b.get("contact_name", ""),
        b.get("contact_phone", ""),
        now(),
        request_id=b.get("request_id"),
    )
    return jsonify(serialize.enterprise(enterprise)), 201


@bp.get("/jobs")
@staff_required()
def jobs():
    listed = jobs_query.jobs_for_staff(station_ids_for(g.staff))
    return jsonify({"jobs": [serialize.job(job, mats) for job, mats in listed]})


@bp.post("/jobs")
@staff_required("admin", "station")
def publish_job():
    body = json_body()
    job = catalog.publish_job(g.staff, body, now(), request_id=body.get("request_id"))
    return jsonify(serialize.job(job)), 201


@bp.patch("/jobs/<int:job_id>")
@staff_required("admin", "station")
def update_job(job_id):
    body = json_body()
    request_id = body.pop("request_id", None)
    return jsonify(serialize.job(catalog.update_job(g.staff, job_id, body, now(), request_id=request_id)))


@bp.post("/jobs/<int:job_id>/close")
@staff_required("admin", "station")
def close_job(job_id):
    return jsonify(serialize.job(catalog.close_job(g.staff, job_id, now())))


@bp.get("/orders")
@staff_required()
def orders():
    q = query_args()
    rows = inspections.orders_for_desk(g.staff, q.job_id, q.worker_id, q.limit)
    return jsonify({"orders": [serialize.order(o) for o in rows]})


@bp.get("/orders/<int:order_id>/materials")
@staff_required()
def order_materials(order_id):
    order = inspections.order_for(g.staff, order_id)
    return jsonify({"order_id": order.id, "materials": materials.balance_for_order(order)})


@bp.post("/orders/<int:order_id>/materials")
@staff_required("admin", "station")
def move_materials(order_id):
    b = json_body()
    movement, created = materials.move_materials(
        g.staff, order_id, b.get("material_id"), b.get("kind"), b.get("quantity"), b.get("request_id"), now()
    )
    return jsonify(serialize.movement(movement)), 201 if created else 200


@bp.post("/orders/<int:order_id>/inspections")
@staff_required("admin", "station")
def inspect(order_id):
    b = json_body()
    inspection, created = inspections.inspect(
        g.staff,
        order_id,
        b.get("accepted"),
        b.get("rejected"),
        b.get("rework"),
        b.get("request_id"),
        now(),
        b.get("note", ""),
    )
    return jsonify(serialize.inspection(inspection)), 201 if created else 200


@bp.post("/inspections/<int:inspection_id>/corrections")
@staff_required("admin", "station")
def correct(inspection_id):
    b = json_body()
    fix, created = inspections.correct(
        g.staff,
        inspection_id,
        b.get("accepted"),
        b.get("rejected"),
        b.get("rework"),
        b.get("request_id"),
        now(),
        b.get("note"),
    )
    return jsonify(serialize.inspection(fix)), 201 if created else 200
