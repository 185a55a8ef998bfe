"""The matching API end to end (issue 16): an employer registers and verifies, drafts and submits; the desk reviews;
workers see only published posts, apply and report; the desk moves applications on and confirms a placement; an
employer sees only its own posts' applicants and only the contacts they shared. Every answer is checked against the
document (tests/contract_check.py)."""

import itertools

import pytest

import models
from tests.matching_helpers import new_uscc
from tests.matching_helpers import post_fields

PASSWORD = "employer-password"
_codes = itertools.count(1)  # a phone code is single-use


@pytest.fixture
def employer_headers(client, staff_headers):
    def make(name, phone_code="fresh", kind="enterprise"):
        phone_code = f"phone-1395555{next(_codes):04d}" if phone_code == "fresh" else phone_code
        body = {"kind": kind, "name": name, "username": name, "password": PASSWORD, "contact_name": "王"}
        if kind == "enterprise":
            body["uscc"] = new_uscc()
        if phone_code:
            body["phone_code"] = phone_code
        answer = client.post("/api/v1/employer/register", json=body)
        assert answer.status_code == 201, answer.get_json()
        assert answer.get_json()["verified"] is bool(phone_code)
        return staff_headers(models.Staff.get(models.Staff.username == name), PASSWORD)

    return make


def _published(client, headers, admin_h, **extra):
    draft = client.post("/api/v1/employer/posts", headers=headers, json=post_fields(**extra))
    assert draft.status_code == 201, draft.get_json()
    post_id = draft.get_json()["id"]
    assert client.post(f"/api/v1/employer/posts/{post_id}/submit", headers=headers).status_code == 200
    approved = client.post(f"/api/v1/staff/recruit/posts/{post_id}/approve", headers=admin_h)
    assert approved.status_code == 200 and approved.get_json()["status"] == "published"
    return post_id


def test_registration_checks_the_code(client):
    body = {"kind": "enterprise", "name": "甲", "username": "jia", "password": PASSWORD}
    for code in ("91350100M000100Y44", "91350100M000100Y4I", None):
        answer = client.post("/api/v1/employer/register", json=dict(body, uscc=code))
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "invalid_uscc", code
    ok = client.post("/api/v1/employer/register", json=dict(body, uscc="91350100M000100Y43"))
    assert ok.status_code == 201 and ok.get_json()["verified"] is False
    again = client.post("/api/v1/employer/register", json=dict(body, username="yi", uscc="91350100M000100Y43"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "duplicate_uscc"


def test_review_publish_apply_hire_place(client, admin, login, staff_headers, employer_headers):
    admin_h = staff_headers(admin, "admin-password")
    boss = employer_headers("boss")
    draft = client.post("/api/v1/employer/posts", headers=boss, json=post_fields()).get_json()
    worker, worker_h = login("alice")
    assert client.get("/api/v1/recruit/posts", headers=worker_h).get_json()["posts"] == []
    assert client.get(f"/api/v1/recruit/posts/{draft['id']}", headers=worker_h).status_code == 404
    client.post(f"/api/v1/employer/posts/{draft['id']}/submit", headers=boss)
    queue = client.get("/api/v1/staff/recruit/queue", headers=admin_h).get_json()
    assert [p["id"] for p in queue["posts"]] == [draft["id"]]
    assert client.get("/api/v1/staff/recruit/queue?lane=quick", headers=admin_h).get_json()["posts"] == []
    assert client.get("/api/v1/recruit/posts", headers=worker_h).get_json()["posts"] == []  # pending: not shown
    client.post(f"/api/v1/staff/recruit/posts/{draft['id']}/approve", headers=admin_h)
    listed = client.get("/api/v1/recruit/posts?skill=assembly&kind=fulltime", headers=worker_h).get_json()
    assert [p["id"] for p in listed["posts"]] == [draft["id"]] and listed["next_before_id"] is None
    one = client.get(f"/api/v1/recruit/posts/{draft['id']}", headers=worker_h).get_json()
    assert one["contact"] is None and one["applied"] is False  # the contact is for applicants
    applied = client.post(f"/api/v1/recruit/posts/{draft['id']}/applications", headers=worker_h,
                          json={"share_phone": False, "message": "我会焊接"})  # fmt: skip
    assert applied.status_code == 201 and applied.get_json()["status"] == "applied"
    assert client.get(f"/api/v1/recruit/posts/{draft['id']}", headers=worker_h).get_json()["contact"]
    application_id = applied.get_json()["id"]
    mine = client.get("/api/v1/employer/posts", headers=boss).get_json()["posts"][0]
    assert mine["views"] == 2 and mine["applications"] == 1
    assert [h["to_status"] for h in mine["history"]] == ["draft", "pending", "published"]
    for status in ("contacted", "interview", "hired"):
        moved = client.post(f"/api/v1/staff/recruit/applications/{application_id}/status", headers=admin_h,
                            json={"status": status})  # fmt: skip
        assert moved.status_code == 200 and moved.get_json()["status"] == status
    assert models.Notice.select().where(models.Notice.kind == "application_status").count() == 3
    placed = client.post(f"/api/v1/staff/recruit/applications/{application_id}/placement", headers=admin_h,
                         json={"start_on": "2026-10-01"})  # fmt: skip
    assert placed.status_code == 201
    twice = client.post(f"/api/v1/staff/recruit/applications/{application_id}/placement", headers=admin_h,
                        json={"start_on": "2026-10-02"})  # fmt: skip
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_placed"
    follow = client.post(f"/api/v1/staff/recruit/placements/{placed.get_json()['id']}/follow-up", headers=admin_h,
                         json={"still_there": True, "note": "在岗"})  # fmt: skip
    assert follow.status_code == 201 and follow.get_json()["still_there"] is True
    history = client.get("/api/v1/me/applications", headers=worker_h).get_json()["applications"][0]["history"]
    assert [(h["to_status"], h["by"]) for h in history] == [
        ("applied", "worker"), ("contacted", "staff"), ("interview", "staff"), ("hired", "staff")]  # fmt: skip


def test_unverified_employer_cannot_publish(client, admin, staff_headers, employer_headers):
    boss = employer_headers("unverified", phone_code=None)
    draft = client.post("/api/v1/employer/posts", headers=boss, json=post_fields()).get_json()
    refused = client.post(f"/api/v1/employer/posts/{draft['id']}/submit", headers=boss)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "employer_unverified"
    verified = client.post("/api/v1/employer/phone", headers=boss, json={"code": "phone-13900000099"})
    assert verified.status_code == 200 and verified.get_json()["verified"] is True
    assert client.post(f"/api/v1/employer/posts/{draft['id']}/submit", headers=boss).status_code == 200


def test_employer_sees_only_its_applicants_and_shared_contacts(client, admin, login, staff_headers, employer_headers):
    admin_h = staff_headers(admin, "admin-password")
    mine, theirs = employer_headers("mine"), employer_headers("theirs", kind="individual")
    my_post, their_post = _published(client, mine, admin_h), _published(client, theirs, admin_h)
    (shy, shy_h), (open_, open_h) = login("shy"), login("open")
    client.post("/api/v1/me/phone", headers=shy_h, json={"code": "phone-13600000001"})
    client.post("/api/v1/me/phone", headers=open_h, json={"code": "phone-13600000002"})
    client.post(f"/api/v1/recruit/posts/{my_post}/applications", headers=shy_h, json={"share_phone": False})
    client.post(f"/api/v1/recruit/posts/{my_post}/applications", headers=open_h, json={"share_phone": True})
    client.post(f"/api/v1/recruit/posts/{their_post}/applications", headers=shy_h, json={"share_phone": True})
    board = client.get(f"/api/v1/employer/posts/{my_post}/applications", headers=mine).get_json()["applications"]
    assert {a["worker_id"]: a["phone"] for a in board} == {shy.id: None, open_.id: "13600000002"}
    other = client.get(f"/api/v1/employer/posts/{their_post}/applications", headers=mine)
    assert other.status_code == 404
    assert [p["id"] for p in client.get("/api/v1/employer/posts", headers=mine).get_json()["posts"]] == [my_post]
    assert client.post(f"/api/v1/employer/posts/{their_post}/close", headers=mine).status_code == 404
    # an employer's account is no market staff: not the desk, not the staff API, not the console
    assert client.get("/api/v1/staff/recruit/queue", headers=mine).status_code == 403
    assert client.get("/api/v1/staff/orders", headers=mine).status_code == 401
    assert client.get("/api/v1/employer/me", headers=admin_h).status_code == 403


def test_valid_complaints_suspend_through_the_api(client, admin, login, staff_headers, employer_headers):
    admin_h = staff_headers(admin, "admin-password")
    boss = employer_headers("fake")
    post_id = _published(client, boss, admin_h)
    for name in ("a", "b", "c"):
        _, headers = login(name)
        reported = client.post(f"/api/v1/recruit/posts/{post_id}/complaints", headers=headers,
                               json={"reason": "要先交钱"})  # fmt: skip
        assert reported.status_code == 201
    listed = client.get("/api/v1/staff/recruit/complaints?status=open", headers=admin_h).get_json()["complaints"]
    assert len(listed) == 3
    for complaint in listed:
        done = client.post(f"/api/v1/staff/recruit/complaints/{complaint['id']}/resolve", headers=admin_h,
                           json={"valid": True, "note": "核实"})  # fmt: skip
        assert done.status_code == 200 and done.get_json()["status"] == "valid"
    assert client.get("/api/v1/employer/me", headers=boss).get_json()["suspended"] is True
    _, worker_h = login("d")
    assert client.get("/api/v1/recruit/posts", headers=worker_h).get_json()["posts"] == []
    draft = client.post("/api/v1/employer/posts", headers=boss, json=post_fields()).get_json()
    refused = client.post(f"/api/v1/employer/posts/{draft['id']}/submit", headers=boss)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "employer_suspended"


def test_desk_application_and_withdraw(client, admin, login, staff_headers, employer_headers):
    admin_h = staff_headers(admin, "admin-password")
    post_id = _published(client, employer_headers("desk"), admin_h, kind="gig", quick=False)
    walk_in, walk_in_h = login("walkin")
    entered = client.post(f"/api/v1/staff/recruit/posts/{post_id}/applications", headers=admin_h,
                          json={"worker_id": walk_in.id})  # fmt: skip
    assert entered.status_code == 201 and entered.get_json()["source"] == "desk"
    again = client.post(f"/api/v1/recruit/posts/{post_id}/applications", headers=walk_in_h, json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_applied"
    gone = client.post(f"/api/v1/me/applications/{entered.get_json()['id']}/withdraw", headers=walk_in_h)
    assert gone.status_code == 200 and gone.get_json()["status"] == "withdrawn"
    assert client.post(f"/api/v1/me/applications/{entered.get_json()['id']}/withdraw",
                       headers=walk_in_h).status_code == 409  # fmt: skip
