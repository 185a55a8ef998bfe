"""The worker's livestream job fairs under /api/v1: upcoming fairs, one fair, reserve and cancel, my reservations."""

from flask import Blueprint
from flask import g
from flask import jsonify

from handlers import fair_serialize as out
from handlers.common import next_before_id
from handlers.common import now
from handlers.common import query_args
from handlers.common import worker_required
from services.fairs import events

bp = Blueprint("fairs", __name__, url_prefix="/api/v1")


def fairs_page(rows, limit, worker=None):
    """A page of fairs with their featured posts (and, for a worker, whether they reserved each)."""
    ids = [f.id for f in rows]
    posts = events.featured_of(ids)
    mine = events.reserved(worker, ids) if worker is not None else None
    fairs = [out.fair(f, posts[f.id], None if mine is None else f.id in mine) for f in rows]
    return {"fairs": fairs, "next_before_id": next_before_id(rows, limit)}


@bp.get("/fairs")
@worker_required
def upcoming():
    q = query_args()
    return jsonify(fairs_page(events.upcoming(now(), q.limit, q.before_id), q.limit, g.worker))


@bp.get("/fairs/<int:fair_id>")
@worker_required
def one_fair(fair_id):
    fair = events.fair_or_404(fair_id)
    reserved = fair.id in events.reserved(g.worker, [fair.id])
    return jsonify(out.fair(fair, events.featured_post_ids(fair.id), reserved))


@bp.post("/fairs/<int:fair_id>/reservation")
@worker_required
def reserve(fair_id):
    return jsonify(out.reservation(events.reserve(g.worker, fair_id, now())))


@bp.delete("/fairs/<int:fair_id>/reservation")
@worker_required
def cancel(fair_id):
    return jsonify(out.reservation(events.cancel_reservation(g.worker, fair_id, now())))


@bp.get("/me/fair-reservations")
@worker_required
def my_reservations():
    q = query_args()
    rows = events.my_reservations(g.worker, q.limit, q.before_id)
    return jsonify(
        {"reservations": [out.reservation(r) for r in rows], "next_before_id": next_before_id(rows, q.limit)}
    )
