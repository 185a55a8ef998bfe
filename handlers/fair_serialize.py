"""JSON shapes of fairs, reservations, figures and survey visits (handlers/contract/fairs.py declares them)."""

import json

from services.clock import iso_utc
from services.clock import to_market


def fair(f, post_ids, reserved=None):
    return {
        "id": f.id,
        "title": f.title,
        "starts_at": iso_utc(f.starts_at),
        "ends_at": iso_utc(f.ends_at),
        "starts_local": to_market(f.starts_at).strftime("%Y-%m-%d %H:%M"),
        "station_id": f.station_id,
        "finder_username": f.finder_username,
        "export_id": f.export_id,
        "notice_id": f.notice_id,
        "description": f.description,
        "post_ids": post_ids,
        "reserved": reserved,
    }


def reservation(r):
    return {
        "id": r.id,
        "fair_id": r.fair_id,
        "fair_title": r.fair.title,
        "fair_starts_at": iso_utc(r.fair.starts_at),
        "status": "reserved" if r.cancelled_at is None else "cancelled",
        "reserved_at": iso_utc(r.reserved_at),
        "cancelled_at": iso_utc(r.cancelled_at),
    }


def figure(f):
    return {
        "id": f.id,
        "fair_id": f.fair_id,
        "origin": f.origin,
        "source": f.source,
        "total_audience_count": f.total_audience_count,
        "max_online_count": f.max_online_count,
        "audiences_avg_seconds": f.audiences_avg_seconds,
        "forward_count": f.forward_count,
        "total_comment_count": f.total_comment_count,
        "live_duration_in_seconds": f.live_duration_in_seconds,
        "note": f.note,
        "entered_by": f.entered_by_id,
        "fetched_at": iso_utc(f.fetched_at),
    }


def survey(s, lines):
    return {
        "id": s.id,
        "enterprise_id": s.enterprise_id,
        "surveyed_by": s.surveyed_by_id,
        "surveyed_on": s.surveyed_on.isoformat(),
        "period": s.period,
        "current_staff": s.current_staff,
        "skills": json.loads(s.skills),
        "demand": [{"month": d.month, "season": d.season, "positions": d.positions} for d in lines],
        "note": s.note,
        "version": s.version,
        "supersedes": s.supersedes_id,
        "created_at": iso_utc(s.created_at),
    }
