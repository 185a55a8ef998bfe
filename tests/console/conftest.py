"""Console fixtures: sign in through the real form (with its CSRF token), a small piece-work loop to look at."""

import re
import uuid

import pytest

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html):
    match = CSRF_RE.search(html)
    assert match, "page has no csrf_token field"
    return match.group(1)


@pytest.fixture
def console_login(client):
    """Sign `staff` in to the console; returns a `post(path, data)` helper that adds csrf_token and request_id."""

    def do(staff, password="station-password", expect=303):
        page = client.get("/console/login")
        token = csrf_from(page.get_data(as_text=True))
        response = client.post(
            "/console/login", data={"username": staff.username, "password": password, "csrf_token": token}
        )
        assert response.status_code == expect, response.get_data(as_text=True)[:500]
        return token

    return do


@pytest.fixture
def form_post(client):
    def post(path, data=None, page="/console/", follow=False):
        token = csrf_from(client.get(page).get_data(as_text=True))
        body = {"csrf_token": token, "request_id": uuid.uuid4().hex}
        body.update(data or {})
        return client.post(path, data=body, follow_redirects=follow)

    return post


@pytest.fixture
def loop(login, make_station, make_enterprise, make_job, make_staff, client):
    """A station with its staff, a job with materials, and a worker who took an order and reported 10 pieces."""
    station = make_station("商城镇乡村驿站")
    other = make_station("道东堡乡村驿站")
    staff = make_staff(station=station, username="shangcheng")
    job = make_job(station=station, enterprise=make_enterprise("成安鞋灯电子厂"), unit_price_fen=12, total_pieces=100)
    worker, headers = login("alice")
    client.patch("/api/v1/me", json={"name": "张三", "home_station_id": station.id}, headers=headers)
    order = client.post(
        f"/api/v1/jobs/{job.id}/orders", json={"quantity": 20, "request_id": "o1"}, headers=headers
    ).get_json()
    reported = client.post(
        f"/api/v1/orders/{order['id']}/reports", json={"quantity": 10, "request_id": "r1"}, headers=headers
    )
    assert reported.status_code == 201, reported.get_json()
    return {
        "station": station,
        "other": other,
        "staff": staff,
        "job": job,
        "worker": worker,
        "headers": headers,
        "order_id": order["id"],
    }
