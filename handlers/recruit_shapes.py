"""JSON shapes of the matching side (handlers/contract/matching.py declares them): employers, posts, complaints,
applications, placements. Dates are YYYY-MM-DD, times ISO-8601 UTC."""

import json

from services.clock import iso_utc
from services.matching import browse
from services.matching import employers
from services.matching import posts as post_service


def _day(value):
    return value.isoformat() if value is not None else None


def employer(e):
    return {
        "id": e.id,
        "kind": e.kind,
        "name": e.name,
        "uscc": e.uscc,
        "contact_name": e.contact_name,
        "phone_verified": e.phone_verified_at is not None,
        "verified": employers.is_verified(e),
        "suspended": e.suspended_at is not None,
        "suspended_reason": e.suspended_reason,
        "created_at": iso_utc(e.created_at),
    }


def post(p):
    """What anybody who may see the post sees (never its contact)."""
    return {
        "id": p.id,
        "employer_id": p.employer_id,
        "employer_name": p.employer.name,
        "kind": p.kind,
        "quick": p.quick,
        "title": p.title,
        "station_id": p.station_id,
        "address": p.address,
        "pay_min_fen": p.pay_min_fen,
        "pay_max_fen": p.pay_max_fen,
        "pay_unit": p.pay_unit,
        "headcount": p.headcount,
        "skills": json.loads(p.skills),
        "starts_on": _day(p.starts_on),
        "ends_on": _day(p.ends_on),
        "published_at": iso_utc(p.published_at),
    }


def worker_post(p, application):
    return dict(post(p), contact=p.contact if application is not None else None, applied=application is not None)


def own_posts(rows):
    """The employer's (or the reviewer's) view: state, contact, views, applications and the history."""
    ids = [p.id for p in rows]
    views, applied = browse.view_counts(ids), browse.application_counts(ids)
    return [
        dict(
            post(p),
            status=p.status,
            reason=p.reason,
            contact=p.contact,
            views=views.get(p.id, 0),
            applications=applied.get(p.id, 0),
            submitted_at=iso_utc(p.submitted_at),
            created_at=iso_utc(p.created_at),
            history=[post_event(e) for e in post_service.history(p.id)],
        )
        for p in rows
    ]


def post_event(e):
    return {
        "from_status": e.from_status,
        "to_status": e.to_status,
        "staff_id": e.staff_id,
        "reason": e.reason,
        "created_at": iso_utc(e.created_at),
    }


def complaint(c):
    return {
        "id": c.id,
        "post_id": c.post_id,
        "worker_id": c.worker_id,
        "reason": c.reason,
        "status": c.status,
        "note": c.note,
        "resolved_by": c.resolved_by_id,
        "resolved_at": iso_utc(c.resolved_at),
        "created_at": iso_utc(c.created_at),
    }


def application(a, events):
    return {
        "id": a.id,
        "post_id": a.post_id,
        "post_title": a.post.title,
        "source": a.source,
        "fair_id": a.fair_id,
        "status": a.status,
        "share_phone": a.share_phone,
        "created_at": iso_utc(a.created_at),
        "history": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "by": "staff" if e.staff_id is not None else "worker",
                "note": e.note,
                "created_at": iso_utc(e.created_at),
            }
            for e in events
        ],
    }


def applicant(a, market_staff=False):
    """An application as the employer sees it: the phone only when the worker shared it (market staff see it)."""
    shared = a.share_phone or market_staff
    return {
        "id": a.id,
        "post_id": a.post_id,
        "worker_id": a.worker_id,
        "worker_name": a.worker.name,
        "phone": (a.worker.phone or None) if shared else None,
        "source": a.source,
        "status": a.status,
        "message": a.message,
        "created_at": iso_utc(a.created_at),
    }


def placement(p):
    return {
        "id": p.id,
        "application_id": p.application_id,
        "worker_id": p.worker_id,
        "post_id": p.post_id,
        "start_on": p.start_on.isoformat(),
        "confirmed_by": p.confirmed_by_id,
        "created_at": iso_utc(p.created_at),
    }


def follow_up(f):
    return {
        "id": f.id,
        "placement_id": f.placement_id,
        "still_there": f.still_there,
        "checked_on": f.checked_on.isoformat(),
        "note": f.note,
        "created_at": iso_utc(f.created_at),
    }
