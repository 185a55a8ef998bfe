"""The training, registry and guidance API end to end: enrol from the mini-program (201, a resend 200), the gated
order refused with the next sessions until the trainer passes the worker, revocation stops new orders; who sees
categories, tiers, ID digits and notes; the case list and the month's figures with their records."""

from services.clock import business_date
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)


def _trainer(world, staff_headers):
    return staff_headers(world.trainer, "trainer-password")


def test_enrol_attend_pass_then_the_gated_order_is_taken(client, world, login, staff_headers):
    alice, headers = login("alice")
    job, session = world.gated_job(), world.session()
    refused = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 2, "request_id": "o1"})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "certificate_required" and "培训合格证" in error["message"]
    assert [s["session_id"] for s in error["detail"]["sessions"]] == [session.id]

    listed = client.get(f"/api/v1/training/sessions?station_id={world.station.id}", headers=headers).get_json()
    assert [s["id"] for s in listed["sessions"]] == [session.id] and listed["next_before_id"] is None
    url = f"/api/v1/training/sessions/{session.id}/enrolments"
    seat = client.post(url, headers=headers, json={"request_id": "e1"})
    assert seat.status_code == 201 and seat.get_json()["status"] == "enrolled"
    again = client.post(url, headers=headers, json={"request_id": "e1"})
    assert again.status_code == 200 and again.get_json()["id"] == seat.get_json()["id"]
    assert client.get("/api/v1/me/enrolments", headers=headers).get_json()["enrolments"][0]["session_id"] == session.id

    trainer = _trainer(world, staff_headers)
    roster = client.get(f"/api/v1/staff/sessions/{session.id}/roster", headers=trainer).get_json()
    enrolment_id = roster["enrolments"][0]["id"]
    assert (
        client.post("/api/v1/staff/attendances", headers=trainer, json={"enrolment_id": enrolment_id}).status_code
        == 200
    )
    passed = client.post("/api/v1/staff/results", headers=trainer, json={"enrolment_id": enrolment_id, "passed": True})
    assert passed.status_code == 201 and passed.get_json()["certificate_id"]

    taken = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 2, "request_id": "o2"})
    assert taken.status_code == 201
    (cert,) = client.get("/api/v1/me/certificates", headers=headers).get_json()["certificates"]
    assert cert["status"] == "valid" and cert["skill"] == world.skill.name

    revoke = client.post(
        f"/api/v1/staff/certificates/{cert['id']}/revoke", headers=trainer, json={"reason": "操作不规范"}
    )
    assert revoke.status_code == 201
    (cert,) = client.get("/api/v1/me/certificates", headers=headers).get_json()["certificates"]
    assert cert["status"] == "revoked" and cert["revoked_reason"] == "操作不规范" and cert["revoked_at"]
    again = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 1, "request_id": "o3"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "certificate_required"
    assert client.get(f"/api/v1/orders/{taken.get_json()['id']}", headers=headers).status_code == 200  # it stays


def test_cancel_frees_the_seat_and_an_admin_cannot_give_the_verdict(client, world, login, staff_headers, admin):
    _, headers = login("alice")
    session = world.session(capacity=1)
    seat = client.post(f"/api/v1/training/sessions/{session.id}/enrolments", headers=headers, json={"request_id": "e"})
    seat_id = seat.get_json()["id"]
    cancelled = client.post(f"/api/v1/me/enrolments/{seat_id}/cancel", headers=headers, json={})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    bob, _ = login("bob")
    admin_h = staff_headers(admin, "admin-password")
    desk = client.post(f"/api/v1/staff/sessions/{session.id}/enrolments", headers=admin_h,
                       json={"worker_id": bob.id, "request_id": "d1"})  # fmt: skip
    assert desk.status_code == 201
    verdict = client.post("/api/v1/staff/results", headers=admin_h, json={"enrolment_id": desk.get_json()["id"],
                                                                          "passed": True})  # fmt: skip
    assert verdict.status_code == 403


def test_registration_and_who_sees_category_tier_and_id_digits(client, world, login, staff_headers, admin):
    alice, headers = login("alice")
    body = {"weekdays": [3, 1], "hour_from": 8, "hour_to": 12, "skill_ids": [world.skill.id],
            "station_ids": [world.station.id], "id_number": "11010519491231002X"}  # fmt: skip
    mine = client.put("/api/v1/me/registration", headers=headers, json=body).get_json()
    assert mine["weekdays"] == [1, 3] and mine["id_on_file"] and "id_last4" not in mine and "support" not in mine
    counsellor = staff_headers(world.make_staff("counsellor", world.station))
    station = staff_headers(world.make_staff("station", world.station))
    tier = client.put(f"/api/v1/staff/workers/{alice.id}/support", headers=counsellor,
                      json={"category": "older", "tier": 1})  # fmt: skip
    assert tier.status_code == 200 and tier.get_json()["support"] == {"category": "older", "tier": 1}
    assert (
        client.put(f"/api/v1/staff/workers/{alice.id}/support", headers=station, json={"category": None}).status_code
        == 403
    )
    seen = client.get(f"/api/v1/staff/registry?skill_id={world.skill.id}", headers=station).get_json()["workers"]
    assert [w["worker_id"] for w in seen] == [alice.id] and "support" not in seen[0]
    admin_view = client.get(f"/api/v1/staff/workers/{alice.id}/registration",
                            headers=staff_headers(admin, "admin-password")).get_json()  # fmt: skip
    assert admin_view["id_last4"] == "002X" and admin_view["support"]["tier"] == 1
    walk_in = client.post("/api/v1/staff/registry/walk-ins", headers=station, json={"name": "王六", "weekdays": [6]})
    assert walk_in.status_code == 201 and walk_in.get_json()["weekdays"] == [6]


def test_guidance_notes_stay_with_counsellors_and_the_month_is_counted(client, world, login, staff_headers):
    alice, headers = login("alice")
    counsellor = staff_headers(world.make_staff("counsellor", world.station))
    today = business_date(world.now).isoformat()
    made = client.post(f"/api/v1/staff/workers/{alice.id}/guidance", headers=counsellor, json={
        "kind": "职业指导", "summary": "聊了找活", "notes": "家里有老人", "follow_up_on": today})  # fmt: skip
    assert made.status_code == 201 and made.get_json()["notes"] == "家里有老人"
    fix = client.post(f"/api/v1/staff/guidance/{made.get_json()['id']}/corrections", headers=counsellor,
                      json={"summary": "聊了找活和培训"})  # fmt: skip
    assert fix.status_code == 201 and fix.get_json()["version"] == 2
    (mine,) = client.get("/api/v1/me/guidance", headers=headers).get_json()["records"]
    assert mine["summary"] == "聊了找活和培训" and "notes" not in mine
    (full,) = client.get(f"/api/v1/staff/workers/{alice.id}/guidance", headers=counsellor).get_json()["records"]
    assert len(full["versions"]) == 2
    cases = client.get("/api/v1/staff/cases", headers=counsellor).get_json()
    assert [c["worker_id"] for c in cases["follow_ups_due"]] == [alice.id]
    month = today[:7]
    figures = client.get(f"/api/v1/staff/statistics/training?month={month}", headers=counsellor).get_json()
    assert figures["guidance_contacts"]["value"] == 1 and figures["guidance_contacts"]["rule"]
    assert figures["guidance_contacts"]["records"] == [made.get_json()["id"]]
    station = staff_headers(world.make_staff("station", world.station))
    assert client.get(f"/api/v1/staff/workers/{alice.id}/guidance", headers=station).status_code == 403
    assert client.get("/api/v1/staff/statistics/training?month=2026-13", headers=counsellor).status_code == 400
