"""Staff sign-in through the API under the console's rule; sign-out on both APIs; a password change or a
deactivation ends every token; signing in again keeps a few tokens, not all."""

import pytest

from models import AuditLog

RIGHT = "station-password"


def api_login(client, username, password, address="10.0.0.1"):
    return client.post(
        "/api/v1/staff/login", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def bearer(response):
    assert response.status_code == 200, response.get_json()
    return {"Authorization": "Bearer " + response.get_json()["token"]}


@pytest.fixture
def station1(app, make_staff, make_station, now):
    app.config["NOW_OVERRIDE"] = lambda: now  # the clock stands still: no gate reopens during the test
    return make_staff(station=make_station(), username="station1")


def test_two_hundred_wrong_passwords_on_the_api_are_slowed_down(client, station1):
    statuses = [api_login(client, "station1", f"guess-{n:04d}").status_code for n in range(200)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    right = api_login(client, "station1", RIGHT)
    assert right.status_code == 429  # refused before the password is looked at
    assert right.headers["Retry-After"] == "1"
    assert right.get_json()["error"]["code"] == "too_many_attempts"
    assert "登录失败次数太多，请 1 秒后再试" == right.get_json()["error"]["message"]
    assert AuditLog.select().where(AuditLog.action == "api.login_failed").count() == 5


def test_a_user_the_console_slowed_is_slowed_on_the_api_too(client, station1):
    page = client.get("/console/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    for _ in range(5):
        wrong = {"username": "station1", "password": "nope-nope", "csrf_token": token}
        assert client.post("/console/login", data=wrong, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 401
    assert api_login(client, "station1", RIGHT).status_code == 429
    assert api_login(client, "station1", RIGHT, address="10.0.0.2").status_code == 200  # elsewhere: in


def test_thirty_failures_from_one_address_lock_no_one_out(client, station1, admin):
    bearer(api_login(client, "admin", "admin-password", address="127.0.0.1"))  # nginx without trusted proxies
    guesses = [api_login(client, f"user{n}", "guess", address="127.0.0.1").status_code for n in range(30)]
    assert guesses == [401] * 20 + [429] * 10  # one address, any usernames: 20 free, then slowed down
    bearer(api_login(client, "admin", "admin-password", address="127.0.0.1"))  # the admin has signed in here
    bearer(api_login(client, "station1", RIGHT, address="10.0.0.2"))  # and everyone elsewhere


def test_api_sign_in_is_audited_and_refuses_empty_credentials(client, station1):
    bearer(api_login(client, "station1", RIGHT))
    assert AuditLog.select().where(AuditLog.action == "api.login").count() == 1
    assert client.post("/api/v1/staff/login", json={"username": "station1"}).status_code == 400
    assert client.post("/api/v1/staff/login", json={"username": ["x"], "password": RIGHT}).status_code == 400


def test_staff_sign_out_revokes_the_presented_token_only(client, station1):
    phone, laptop = bearer(api_login(client, "station1", RIGHT)), bearer(api_login(client, "station1", RIGHT))
    assert client.post("/api/v1/staff/logout", headers=phone).status_code == 204
    assert client.get("/api/v1/staff/stations", headers=phone).status_code == 401
    assert client.post("/api/v1/staff/logout", headers=phone).status_code == 401
    assert client.get("/api/v1/staff/stations", headers=laptop).status_code == 200
    assert AuditLog.select().where(AuditLog.action == "api.logout").count() == 1


def test_worker_sign_out_revokes_the_presented_token(client, login):
    _, headers = login("alice")
    _, again = login("alice")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get("/api/v1/me", headers=again).status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 401


def test_a_new_password_ends_every_token(client, runner, station1):
    tokens = [bearer(api_login(client, "station1", RIGHT)) for _ in range(2)]
    result = runner.invoke(args=["set-password", "--username", "station1", "--password", "brand-new-password"])
    assert result.exit_code == 0, result.output
    for headers in tokens:
        assert client.get("/api/v1/staff/stations", headers=headers).status_code == 401
    assert api_login(client, "station1", RIGHT).status_code == 401
    fresh = bearer(api_login(client, "station1", "brand-new-password"))
    assert client.get("/api/v1/staff/stations", headers=fresh).status_code == 200
    short = runner.invoke(args=["set-password", "--username", "station1", "--password", "short"])
    assert short.exit_code != 0 and "至少 8 位" in short.output


def test_deactivation_ends_every_token(client, runner, station1):
    headers = bearer(api_login(client, "station1", RIGHT))
    assert runner.invoke(args=["deactivate-staff", "--username", "station1"]).exit_code == 0
    assert client.get("/api/v1/staff/stations", headers=headers).status_code == 401
    assert api_login(client, "station1", RIGHT).status_code == 401
    unknown = runner.invoke(args=["deactivate-staff", "--username", "nobody"])
    assert unknown.exit_code != 0 and "没有这个工作人员账号" in unknown.output


def test_signing_in_again_keeps_the_five_newest_tokens(client, login):
    tokens = [login("alice")[1] for _ in range(6)]
    assert client.get("/api/v1/me", headers=tokens[0]).status_code == 401
    assert all(client.get("/api/v1/me", headers=headers).status_code == 200 for headers in tokens[1:])
