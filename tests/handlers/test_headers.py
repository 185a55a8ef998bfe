"""Every answer of the app carries the security headers (console pages, API answers, errors, static files, the push
lane's XML); nothing but static files may be cached."""

import re

import pytest

SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_secure(response, cacheable=False):
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert ("no-store" in response.headers.get("Cache-Control", "")) is not cacheable, response.status_code


@pytest.fixture
def signed_in(client, admin):
    page = client.get("/console/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(
        "/console/login", data={"username": "admin", "password": "admin-password", "csrf_token": token}
    )
    assert answer.status_code == 303
    return client


def test_console_pages_are_not_framed_and_not_cached(signed_in):
    for url in ("/console/", "/console/payouts", "/console/inspections", "/console/statistics", "/console/audit"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
        assert_secure(response)
    assert_secure(signed_in.get("/console/nothing-here"))  # a console error page
    assert_secure(signed_in.post("/console/logout", data={}))  # refused: no CSRF token


def test_console_sign_in_page(client):
    response = client.get("/console/login")
    assert response.status_code == 200
    assert_secure(response)
    assert_secure(client.get("/console/"))  # the redirect to sign in


def test_api_answers_and_errors(client, login):
    _, headers = login("alice")
    assert_secure(client.get("/api/v1/me", headers=headers))
    assert_secure(client.get("/api/v1/me"))  # 401
    assert_secure(client.get("/api/v1/nothing"))  # 404
    assert_secure(client.delete("/api/v1/jobs"))  # 405
    assert_secure(client.post("/api/v1/auth/login", data="[" * 20000, content_type="application/json"))  # 400
    assert_secure(client.get("/healthz"))
    assert_secure(client.get("/api/v1/openapi.json"))


def test_unexpected_errors(app, client):
    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/_test/boom")
    assert response.status_code == 500
    assert_secure(response)


def test_static_files_are_cacheable_but_not_sniffed(client):
    response = client.get("/static/console/console.css")
    assert response.status_code == 200
    assert_secure(response, cacheable=True)


def test_push_lane_answers_are_not_sniffed(client):
    response = client.post("/wechat/oa?signature=0&timestamp=1&nonce=2", data="<xml/>", content_type="text/xml")
    assert response.status_code in (400, 403)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
