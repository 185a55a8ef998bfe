"""What workers see of recruitment: published posts only, newest first, filtered by skill, kind and station; opening
one records a view (the employer's view count is the number of view rows). The contact shows only to applicants."""

import json

from peewee import fn

from models import Application
from models import PostView
from models import RecruitPost
from services import unit
from services.matching import access


def posts_near(worker, station_id=None, skill=None, kind=None, limit=50, before_id=None):
    """Published posts (at `station_id` when given), newest first, one page."""
    query = RecruitPost.select().where(RecruitPost.status == "published")
    if station_id is not None:
        query = query.where(RecruitPost.station == station_id)
    if kind is not None:
        query = query.where(RecruitPost.kind == kind)
    if skill is not None:  # the JSON list holds the code quoted: a whole-code match, not a prefix
        query = query.where(RecruitPost.skills.contains(json.dumps(skill, ensure_ascii=False)))
    if before_id is not None:
        query = query.where(RecruitPost.id < before_id)
    return list(query.order_by(RecruitPost.id.desc()).limit(limit))


def view_post(worker, post_id, now):
    """One published post for a worker, its view recorded; (post, application or None)."""
    post = access.published_post(post_id)
    with unit.transaction():
        PostView.create(post=post, worker=worker.id, created_at=now)
    applied = Application.get_or_none((Application.post == post.id) & (Application.worker == worker.id))
    return post, applied


def view_counts(post_ids):
    """{post id: views} from the view rows."""
    rows = PostView.select(PostView.post, fn.COUNT(PostView.id)).where(PostView.post.in_(list(post_ids) or [0]))
    return dict(rows.group_by(PostView.post).tuples())


def application_counts(post_ids):
    rows = Application.select(Application.post, fn.COUNT(Application.id))
    rows = rows.where(Application.post.in_(list(post_ids) or [0])).group_by(Application.post)
    return dict(rows.tuples())
