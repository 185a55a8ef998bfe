"""Console sign-in: CSRF on every form, the throttle on wrong passwords, cookie flags and contents, sign-out and a
new password revoke the session."""

import datetime as dt
import hashlib
import json
import uuid

import pytest

from app import reconfigure
from models import AuditLog
from models import AuthToken
from services.people import accounts
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


def test_five_wrong_passwords_slow_the_username_down_here(app, client, make_staff, make_station, now):
    app.config["NOW_OVERRIDE"] = lambda: now
    staff = make_staff(station=make_station())
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    for _ in range(5):
        wrong = client.post(
            "/console/login", data={"username": staff.username, "password": "nope-nope", "csrf_token": token}
        )
        assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    slowed = client.post(
        "/console/login", data={"username": staff.username, "password": "station-password", "csrf_token": token}
    )
    assert slowed.status_code == 429 and slowed.headers["Retry-After"] == "1"
    assert "登录失败次数太多，请 1 秒后再试" in slowed.get_data(as_text=True)
    assert client.get("/console/").status_code == 302
    assert AuditLog.select().where(AuditLog.action == "console.login_failed").count() == 5
    app.config["NOW_OVERRIDE"] = lambda: now + dt.timedelta(seconds=1)
    console = {"username": staff.username, "password": "station-password", "csrf_token": token}
    assert client.post("/console/login", data=console).status_code == 303


def test_the_session_cookie_holds_no_api_token(app, client, loop, console_login):
    console_login(loop["staff"])
    cookie = client.get_cookie("lingong_console").value
    contents = app.session_interface.get_signing_serializer(app).loads(cookie)  # signed, not encrypted: readable
    assert "token" not in contents and contents.get("sid")
    assert client.get("/console/").status_code == 200
    hashes = {row.token_hash for row in AuthToken.select()}
    for value in contents.values():
        if isinstance(value, str):
            answer = client.get("/api/v1/staff/stations", headers={"Authorization": "Bearer " + value})
            assert answer.status_code == 401
            assert hashlib.sha256(value.encode()).hexdigest() not in hashes


def test_a_new_password_or_deactivation_ends_console_sessions(client, loop, console_login, now):
    console_login(loop["staff"])
    assert client.get("/console/").status_code == 200
    accounts.change_password(loop["staff"].username, "another-password", now)
    assert client.get("/console/").status_code == 302
    console_login(loop["staff"], password="another-password")
    accounts.deactivate_staff(loop["staff"].username, now)
    assert client.get("/console/").status_code == 302
    assert AuthToken.select().where(AuthToken.staff == loop["staff"].id).count() == 0


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


def _failed_login_address(client, username, forwarded):
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    answer = client.post(
        "/console/login",
        data={"username": username, "password": "nope-nope", "csrf_token": token},
        headers={"X-Forwarded-For": forwarded},
    )
    assert answer.status_code == 401
    row = AuditLog.select().where(AuditLog.action == "console.login_failed").order_by(AuditLog.id.desc()).get()
    return json.loads(row.detail)["address"]


def test_the_client_address_comes_from_a_trusted_proxy_only(app, client, make_staff, make_station):
    import app as app_module

    staff = make_staff(station=make_station())
    assert _failed_login_address(client, staff.username, "203.0.113.9") == "127.0.0.1"  # anyone can send the header
    reconfigure(app, LINGONG_TRUSTED_PROXIES="1")  # nginx in front sets it
    app_module._trust_proxies(app)
    assert _failed_login_address(client, staff.username, "198.51.100.1, 203.0.113.9") == "203.0.113.9"


def test_trusted_proxies_must_be_a_count(tmp_path):
    from app import create_app

    with pytest.raises(RuntimeError, match="LINGONG_TRUSTED_PROXIES"):
        create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.db", "LINGONG_TRUSTED_PROXIES": "nginx"})
