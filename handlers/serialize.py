"""JSON shapes of lingong's objects. Money is integer fen; times are ISO-8601 UTC."""

from services.clock import iso_utc


def worker(w):
    return {
        "id": w.id,
        "name": w.name,
        "phone": w.phone,
        "home_station_id": w.home_station_id,
        "has_real_name": bool(w.real_name),
        "oa_bound": bool(w.oa_openid),
        "created_at": iso_utc(w.created_at),
    }


def material(m):
    return {"id": m.id, "name": m.name, "unit": m.unit, "per_piece": m.per_piece, "loss_permille": m.loss_permille}


def job(j, materials=None):
    return {
        "id": j.id,
        "title": j.title,
        "process": j.process,
        "enterprise_id": j.enterprise_id,
        "station_id": j.station_id,
        "unit_price_fen": j.unit_price_fen,
        "total_pieces": j.total_pieces,
        "taken": j.taken,
        "remaining": j.remaining,
        "per_worker_cap": j.per_worker_cap,
        "quality_standard": j.quality_standard,
        "opens_at": iso_utc(j.opens_at),
        "closes_at": iso_utc(j.closes_at),
        "status": j.status,
        "materials": [material(m) for m in (materials if materials is not None else j.materials)],
    }


def order(o):
    return {
        "id": o.id,
        "job_id": o.job_id,
        "worker_id": o.worker_id,
        "quantity": o.quantity,
        "rate_fen": o.rate_fen,
        "reported": o.reported,
        "accepted": o.accepted,
        "rejected": o.rejected,
        "reworked": o.reworked,
        "awaiting_inspection": o.awaiting_inspection,
        "reportable": o.reportable,
        "status": o.status,
        "request_id": o.request_id,
        "created_at": iso_utc(o.created_at),
    }


def report(r):
    return {
        "id": r.id,
        "order_id": r.order_id,
        "quantity": r.quantity,
        "request_id": r.request_id,
        "created_at": iso_utc(r.created_at),
    }


def inspection(i):
    return {
        "id": i.id,
        "order_id": i.order_id,
        "worker_id": i.worker_id,
        "accepted": i.accepted,
        "rejected": i.rejected,
        "rework": i.rework,
        "rate_fen": i.rate_fen,
        "amount_fen": i.amount_fen,
        "corrects": i.corrects_id,
        "note": i.note,
        "created_at": iso_utc(i.created_at),
    }


def movement(m):
    return {
        "id": m.id,
        "order_id": m.order_id,
        "material_id": m.material_id,
        "kind": m.kind,
        "quantity": m.quantity,
        "created_at": iso_utc(m.created_at),
    }


def station(s):
    return {
        "id": s.id,
        "name": s.name,
        "kind": s.kind,
        "parent_id": s.parent_id,
        "address": s.address,
        "counsellor_name": s.counsellor_name,
        "counsellor_phone": s.counsellor_phone,
    }


def enterprise(e):
    return {
        "id": e.id,
        "name": e.name,
        "industry": e.industry,
        "contact_name": e.contact_name,
        "contact_phone": e.contact_phone,
    }
