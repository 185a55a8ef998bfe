"""The matching side (issue 16) of the fuzzed world (tests/handlers/test_fuzz_edge.py): its objects and a base body
for each of its write endpoints."""

import datetime as dt

import models
from services.matching import applications
from services.matching import complaints
from services.matching import placements
from tests.matching_helpers import PASSWORD
from tests.matching_helpers import make_employer
from tests.matching_helpers import make_post
from tests.matching_helpers import post_fields


def recruit_bodies(w):
    """The matching side's writes (issue 16)."""
    return {
        ("post", "/api/v1/recruit/posts/{post_id}/applications"): {"share_phone": True, "message": "我来"},
        ("post", "/api/v1/recruit/posts/{post_id}/complaints"): {"reason": "要先交钱"},
        ("post", "/api/v1/me/applications/{application_id}/withdraw"): None,
        ("post", "/api/v1/employer/register"): {
            "kind": "enterprise",
            "name": "新单位",
            "uscc": "91350100M000100Y43",
            "contact_name": "王",
            "username": "newboss",
            "password": "employer-password",
            "phone_code": "phone-13912340000",
        },
        ("post", "/api/v1/employer/phone"): {"code": "phone-13912340001"},
        ("post", "/api/v1/employer/posts"): dict(
            post_fields(),
            station_id=w["station"].id,
            starts_on="2026-01-01",
            ends_on="2026-12-31",
            quick=False,
            address="成安",
        ),  # fmt: skip
        ("post", "/api/v1/employer/posts/{post_id}/submit"): None,
        ("post", "/api/v1/employer/posts/{post_id}/close"): None,
        ("post", "/api/v1/staff/recruit/posts/{post_id}/approve"): None,
        ("post", "/api/v1/staff/recruit/posts/{post_id}/reject"): {"reason": "信息不全"},
        ("post", "/api/v1/staff/recruit/posts/{post_id}/applications"): {
            "worker_id": w["bob"].id,
            "share_phone": False,
            "source": "fair",
            "fair_id": 1,
        },
        ("post", "/api/v1/staff/recruit/complaints/{complaint_id}/resolve"): {"valid": True, "note": "核实"},
        ("post", "/api/v1/staff/recruit/applications/{application_id}/status"): {
            "status": "contacted",
            "note": "打过电话",
        },
        ("post", "/api/v1/staff/recruit/applications/{application_id}/placement"): {"start_on": "2026-12-01"},
        ("post", "/api/v1/staff/recruit/placements/{placement_id}/follow-up"): {"still_there": True, "note": "在岗"},
    }


def recruit_world(admin, alice, bob, carol, staff_headers):
    """An employer (signed in) with a published post, a pending one and a draft; Alice applied to another post,
    Bob reported the first, Carol was placed 40 days ago."""
    employer = make_employer(name="招聘单位")
    published, other = make_post(employer, admin), make_post(employer, admin)
    pending, draft = make_post(employer, admin, state="pending"), make_post(employer, admin, state="draft")
    now = models.utcnow()
    application = applications.apply(alice, other.id, True, "", now)
    complaint = complaints.report_post(bob, published.id, "假招聘", now)
    hired = applications.apply(carol, other.id, False, "", now)
    start = (now - dt.timedelta(days=40)).date()
    placement = placements.confirm_placement(admin, hired.id, start, now)
    return {
        "headers": staff_headers(employer.account, PASSWORD),
        "path": {
            "post_id": published.id,
            "application_id": application.id,
            "complaint_id": complaint.id,
            "placement_id": placement.id,
        },  # fmt: skip
        # operations whose post must be in another state than the published one
        "paths": {
            "/api/v1/staff/recruit/posts/{post_id}/approve": {"post_id": pending.id},
            "/api/v1/staff/recruit/posts/{post_id}/reject": {"post_id": pending.id},
            "/api/v1/employer/posts/{post_id}/submit": {"post_id": draft.id},
        },
    }
