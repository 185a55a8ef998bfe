"""Statistics for the bureau's report, counted from records only; each returns the ids of the records behind it.
Periods are market dates [start, end) (Asia/Shanghai), turned into UTC bounds once."""

from peewee import fn

from models import Application
from models import Placement
from models import PostEvent
from models import RecruitPost
from services.clock import day_bounds_utc


def _bounds(start, end):
    return day_bounds_utc(start)[0], day_bounds_utc(end)[0]


def posts_published(start, end):
    """Posts published in the period: a post counts once, in the period of its first `published` event (a post
    published and closed in the period still counts); positions are the sum of those posts' headcounts."""
    lo, hi = _bounds(start, end)
    first = fn.MIN(PostEvent.created_at)
    rows = list(
        RecruitPost.select(RecruitPost.id, RecruitPost.headcount)
        .join(PostEvent, on=(PostEvent.post == RecruitPost.id))
        .where(PostEvent.to_status == "published")
        .group_by(RecruitPost.id, RecruitPost.headcount)
        .having((first >= lo) & (first < hi))
        .tuples()
    )
    return {"posts": len(rows), "positions": sum(h for _, h in rows), "post_ids": sorted(i for i, _ in rows)}


def applications(start, end):
    """Applications made in the period (any source; a later withdrawal does not take one back)."""
    lo, hi = _bounds(start, end)
    ids = [i for (i,) in Application.select(Application.id).where(
        (Application.created_at >= lo) & (Application.created_at < hi)).order_by(Application.id).tuples()]  # fmt: skip
    return {"applications": len(ids), "application_ids": ids}


def placements(start, end):
    """Placements confirmed in the period, each a distinct (worker, post): the unique index makes them so."""
    lo, hi = _bounds(start, end)
    rows = list(
        Placement.select(Placement.id, Placement.worker, Placement.post)
        .where((Placement.created_at >= lo) & (Placement.created_at < hi))
        .order_by(Placement.id)
        .tuples()
    )
    return {"placements": len({(w, p) for _, w, p in rows}), "placement_ids": [i for i, _, _ in rows]}


def seeker_ratio(start, end):
    """求人倍率 = positions published in the period ÷ distinct workers who applied in the period (job seekers);
    None when nobody applied."""
    published = posts_published(start, end)
    lo, hi = _bounds(start, end)
    seekers = sorted(
        w for (w,) in Application.select(Application.worker).where(
            (Application.created_at >= lo) & (Application.created_at < hi)).distinct().tuples()
    )  # fmt: skip
    ratio = round(published["positions"] / len(seekers), 2) if seekers else None
    return {
        "ratio": ratio,
        "positions": published["positions"],
        "seekers": len(seekers),
        "post_ids": published["post_ids"],
        "worker_ids": seekers,
    }
