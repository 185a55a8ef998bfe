"""The fair figures of the bureau's report, from records only, each with its counting rule and the ids behind it.

A period is [start, end) in naive UTC (a month or quarter of market time, converted by the caller). A fair belongs
to the period in which it starts.
"""

from models import Fair
from models import FairFigure
from models import FairReservation
from services.fairs.figures import FETCHED
from services.fairs.figures import MANUAL


def _held(start, end):
    return Fair.select(Fair.id).where((Fair.starts_at >= start) & (Fair.starts_at < end))


def fairs_held(start, end, now):
    """Fairs held in the period: fairs that start in [start, end) and have ended by `now`, each counted once."""
    ids = [f.id for f in _held(start, end).where(Fair.ends_at <= now).order_by(Fair.id)]
    return {"count": len(ids), "fair_ids": ids}


def _latest(fair_ids, origin):
    """{fair_id: the fair's latest figure of `origin`} (latest: the greatest fetched_at, then the greatest id)."""
    latest = {}
    query = (
        FairFigure.select()
        .where(FairFigure.fair.in_(fair_ids) & (FairFigure.origin == origin))
        .order_by(FairFigure.fetched_at, FairFigure.id)
    )
    for figure in query:
        latest[figure.fair_id] = figure
    return latest


def views(start, end):
    """Views of the fairs that start in the period. Fetched: the sum over fairs of each fair's LATEST fetched
    total_audience_count (later fetches supersede earlier ones; nothing is summed twice). Manual, counted apart and
    labelled with their sources: the latest hand-typed figure of each fair that has no fetched figure at all."""
    fair_ids = [f.id for f in _held(start, end)]
    if not fair_ids:
        fair_ids = [0]
    fetched = _latest(fair_ids, FETCHED)
    manual = {fid: f for fid, f in _latest(fair_ids, MANUAL).items() if fid not in fetched}
    return {
        "fetched": _part(fetched, "从微信视频号获取"),
        "manual": dict(_part(manual, "手工填写（其他平台）"), sources=sorted({f.source for f in manual.values()})),
    }


def _part(latest, label):
    ordered = sorted(latest.items())
    return {
        "label": label,
        "views": sum(f.total_audience_count for _, f in ordered),
        "fair_ids": [fid for fid, _ in ordered],
        "figure_ids": [f.id for _, f in ordered],
    }


def reservations(start, end):
    """Reservations for fairs that start in the period: reservations not cancelled, one per worker and fair (the
    table holds one row per pair); `workers` counts distinct workers across those fairs."""
    rows = list(
        FairReservation.select(FairReservation.id, FairReservation.worker)
        .join(Fair)
        .where((Fair.starts_at >= start) & (Fair.starts_at < end) & FairReservation.cancelled_at.is_null())
        .order_by(FairReservation.id)
    )
    return {
        "count": len(rows),
        "workers": len({r.worker_id for r in rows}),
        "reservation_ids": [r.id for r in rows],
    }
