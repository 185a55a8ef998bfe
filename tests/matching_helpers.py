"""Factories for the matching tests: employers through the real registration, posts through draft → review."""

import itertools

from flask import current_app

import models
from services.matching import employers
from services.matching import posts
from services.matching.employers import uscc_check_char

_n = itertools.count(1)
PASSWORD = "employer-password"


def new_uscc():
    """A valid code: 17 characters of our own and the check character they call for."""
    first17 = f"91130427MA{next(_n):07d}"
    return first17 + uscc_check_char(first17)


def make_employer(kind="enterprise", verified=True, name=None, now=None):
    n = next(_n)
    data = {
        "kind": kind,
        "name": name or f"用人单位{n}",
        "uscc": new_uscc() if kind == "enterprise" else None,
        "contact_name": "王经理",
        "username": f"employer{n}",
        "password": PASSWORD,
        "phone_code": f"phone-1390000{n:04d}" if verified else None,
    }
    return employers.register_employer(current_app.extensions["wechat_mp"], data, now or models.utcnow())


def post_fields(**extra):
    fields = {
        "kind": "fulltime",
        "title": "鞋灯装配工",
        "pay_min_fen": 400_000,
        "pay_max_fen": 600_000,
        "pay_unit": "month",
        "headcount": 3,
        "skills": ["assembly", "soldering"],
        "contact": "王经理 13900001111",
    }
    return dict(fields, **extra)


def make_post(employer, reviewer, station=None, state="published", now=None, **extra):
    """A post of `employer` taken to `state` (draft, pending, published, rejected, closed) through the services."""
    now = now or models.utcnow()
    account = employer.account
    post = posts.create_post(account, post_fields(station_id=station.id if station else None, **extra), now)
    if state == "draft":
        return post
    post = posts.submit_post(account, post.id, now)
    if state == "pending":
        return post
    if state == "rejected":
        return posts.reject_post(reviewer, post.id, "信息不全", now)
    post = posts.approve_post(reviewer, post.id, now)
    if state == "closed":
        return posts.close_post(account, post.id, now)
    return post
