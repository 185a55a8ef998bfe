"""The training and counsellor desks in headless Chromium: a worker enrols through the API, the station desk
records attendance, the trainer passes the worker at the training desk, and the order the job's certificate
requirement refused is then taken; a counsellor records a contact at the counsellor desk and sees the case list.
Screenshots go to artifacts/screenshots/ (20-… and up)."""

import datetime as dt

from services.training import courses
from services.training import job_skills
from tests.console import test_browser
from tests.console.test_browser import _shot
from tests.console.test_browser import _sign_in
from tests.training_helpers import new_worker
from tests.training_helpers import world_fixture  # noqa: F401 (the `world` fixture)

server = test_browser.server  # the same fixtures as the console's browser test
browser = test_browser.browser


def training_session(admin, station, enterprise, now):
    """A skill, a trainer ('trainer-x', password trainer-password), a course and a session tomorrow at `station`."""
    skill = courses.create_skill(admin, "鞋灯线头修剪", now)
    trainer = courses.create_trainer(admin, "trainer-x", "trainer-password", enterprise.id, station.id, now)
    course = courses.create_course(trainer, {"enterprise_id": enterprise.id, "skill_id": skill.id,
                                             "title": "线头修剪岗前培训", "validity_days": 365}, now)  # fmt: skip
    start = now + dt.timedelta(days=1)
    session = courses.schedule_session(trainer, course.id, {
        "station_id": station.id, "capacity": 8, "starts_at": start.isoformat() + "Z",
        "ends_at": (start + dt.timedelta(hours=2)).isoformat() + "Z"}, now)  # fmt: skip
    return skill, session


def test_enrol_attend_pass_then_the_gated_order_succeeds(server, browser, client, login, admin, world):
    skill, session = training_session(admin, world.station, world.enterprise, world.now)
    job = world.make_job(station=world.station, enterprise=world.enterprise, total_pieces=50)
    job_skills.set_job_skills(admin, job.id, [skill.id], world.now)
    world.make_staff("station", world.station, username="desk", password="station-password")
    worker, headers = login("alice")
    client.patch("/api/v1/me", json={"name": "张三", "home_station_id": world.station.id}, headers=headers)
    order = {"quantity": 5, "request_id": "g1"}
    refused = client.post(f"/api/v1/jobs/{job.id}/orders", json=order, headers=headers)
    assert refused.get_json()["error"]["code"] == "certificate_required"
    enrolled = client.post(f"/api/v1/training/sessions/{session.id}/enrolments", json={"request_id": "e1"},
                           headers=headers)  # fmt: skip
    assert enrolled.status_code == 201

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    _sign_in(page, server, "desk", "station-password")
    page.click("nav >> text=培训台")
    _shot(page, "20-training-desk")
    page.click("#sessions a.btn")
    assert "张三" in page.inner_text("#roster")
    page.click("#roster button:has-text('签到')")
    page.wait_for_selector("#roster td:has-text('已签到')")
    _shot(page, "21-roster-attended")
    context.close()

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    _sign_in(page, server, "trainer-x", "trainer-password")
    page.goto(f"{server}/console/training/sessions/{session.id}")
    page.click("#roster button:text-is('合格')")
    page.wait_for_selector("#roster td:text-is('合格')")
    _shot(page, "22-roster-passed")
    context.close()

    taken = client.post(f"/api/v1/jobs/{job.id}/orders", json=dict(order, request_id="g2"), headers=headers)
    assert taken.status_code == 201, taken.get_json()


def test_counsellor_desk_in_chromium(server, browser, world):
    worker = new_worker("王五", world.station)
    world.make_staff("counsellor", world.station, username="fudao", password="station-password")
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    _sign_in(page, server, "fudao", "station-password")
    page.click("nav >> text=辅导员")
    page.fill("#contact-form input[name=worker_id]", str(worker.id))
    page.select_option("#contact-form select[name=kind]", "培训推荐")
    page.fill("#contact-form input[name=summary]", "推荐参加线头修剪培训")
    page.fill("#contact-form input[name=notes]", "只能上午")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("#history")
    assert "只能上午" in page.inner_text("#history")
    _shot(page, "23-counsellor-desk")
    context.close()
