"""Console sign-in: CSRF on every form, the throttle on wrong passwords, cookie flags, sign-out revokes the session."""

import uuid

from models import AuditLog
from tests.console.conftest import csrf_from


def test_form_without_csrf_token_is_refused(client, loop, console_login):
    console_login(loop["staff"])
    before = AuditLog.select().count()
    response = client.post(
        f"/console/orders/{loop['order_id']}/inspect",
        data={"accepted": "1", "step": "confirm", "request_id": uuid.uuid4().hex},
    )
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    assert AuditLog.select().count() == before


def test_sign_in_without_csrf_token_is_refused(client, make_staff, make_station):
    staff = make_staff(station=make_station())
    response = client.post("/console/login", data={"username": staff.username, "password": "station-password"})
    assert response.status_code == 400
    assert client.get("/console/").status_code == 302


def test_json_api_stays_exempt(client, make_staff, make_station):
    staff = make_staff(station=make_station())
    response = client.post("/api/v1/staff/login", json={"username": staff.username, "password": "station-password"})
    assert response.status_code == 200


def test_five_wrong_passwords_lock_the_username_out(client, make_staff, make_station):
    staff = make_staff(station=make_station())
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    for _ in range(5):
        wrong = client.post(
            "/console/login", data={"username": staff.username, "password": "nope-nope", "csrf_token": token}
        )
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    locked = client.post(
        "/console/login", data={"username": staff.username, "password": "station-password", "csrf_token": token}
    )
    assert locked.status_code == 429
    assert "15 分钟后再试" in locked.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert AuditLog.select().where(AuditLog.action == "console.login_failed").count() == 5


def test_session_cookie_flags_and_sign_out(client, loop, console_login, form_post):
    page = client.get("/console/login")
    token = csrf_from(page.get_data(as_text=True))
    response = client.post(
        "/console/login", data={"username": "shangcheng", "password": "station-password", "csrf_token": token}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/console/").status_code == 200
    stolen = client.get_cookie("lingong_console").value
    assert form_post("/console/logout").status_code == 303
    assert client.get("/console/").status_code == 302
    client.set_cookie("lingong_console", stolen)  # the old cookie is dead: its server-side token was revoked
    assert client.get("/console/").status_code == 302


def test_secure_cookie_in_production():
    from flask import Flask

    from handlers.console import init_console

    app = Flask(__name__)
    app.config.update(LINGONG_ENV="production", SECRET_KEY="x" * 32)
    init_console(app)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
