"""Every bad input gets a clear 4xx JSON error and changes nothing; workers and stations stay apart."""

import datetime as dt

import pytest

from models import AuditLog
from models import Inspection
from models import Job
from models import LedgerTxn
from models import MaterialMovement
from models import Order
from models import PieceReport
from models import utcnow


def snapshot():
    return tuple(
        m.select().count() for m in (Order, PieceReport, Inspection, LedgerTxn, MaterialMovement, AuditLog)
    ) + (tuple(Job.select(Job.taken).order_by(Job.id).tuples()),)


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] and error["message"]


@pytest.fixture
def world(client, login, make_job, make_station, make_staff, staff_headers):
    here, there = make_station("驿站甲"), make_station("驿站乙")
    job = make_job(station=here, total_pieces=50, per_worker_cap=30)
    other_job = make_job(station=there, total_pieces=50)
    alice, alice_h = login("alice")
    _, bob_h = login("bob")
    order = client.post(
        f"/api/v1/jobs/{job.id}/orders", headers=alice_h, json={"quantity": 10, "request_id": "o"}
    ).get_json()
    client.post(f"/api/v1/orders/{order['id']}/reports", headers=alice_h, json={"quantity": 5, "request_id": "r"})
    other_staff = make_staff("station", there)
    return {
        "job": job,
        "other_job": other_job,
        "alice_h": alice_h,
        "bob_h": bob_h,
        "order": order,
        "here_h": staff_headers(make_staff("station", here)),
        "there_h": staff_headers(other_staff),
    }


@pytest.mark.parametrize("quantity", [0, -1, 1.5, "3", None, True, 10**9])
def test_order_quantity_refused(client, world, quantity):
    before = snapshot()
    response = client.post(
        f"/api/v1/jobs/{world['job'].id}/orders", headers=world["bob_h"], json={"quantity": quantity, "request_id": "x"}
    )
    assert_error(response, 400)
    assert snapshot() == before


@pytest.mark.parametrize(
    "body,status",
    [
        ({"quantity": 41, "request_id": "too-many"}, 409),  # only 40 left
        ({"quantity": 31, "request_id": "over-cap"}, 409),  # cap 30 per worker
        ({"quantity": 1}, 400),  # no request id
        ({"quantity": 1, "request_id": "x" * 65}, 400),
    ],
)
def test_order_limits(client, world, body, status):
    before = snapshot()
    assert_error(client.post(f"/api/v1/jobs/{world['job'].id}/orders", headers=world["bob_h"], json=body), status)
    assert snapshot() == before


def test_unknown_closed_and_out_of_window_jobs(client, world, admin):
    from services.work import catalog

    before = snapshot()
    assert_error(
        client.post("/api/v1/jobs/9999/orders", headers=world["bob_h"], json={"quantity": 1, "request_id": "a"}), 404
    )
    catalog.close_job(admin, world["other_job"].id, utcnow())
    before = snapshot()
    assert_error(
        client.post(
            f"/api/v1/jobs/{world['other_job'].id}/orders",
            headers=world["bob_h"],
            json={"quantity": 1, "request_id": "b"},
        ),
        409,
    )
    later = (utcnow() + dt.timedelta(days=1)).replace(tzinfo=dt.timezone.utc).isoformat()
    future = catalog.publish_job(
        admin,
        {
            "station_id": world["job"].station_id,
            "enterprise_id": world["job"].enterprise_id,
            "title": "明天开工",
            "unit_price_fen": 9,
            "total_pieces": 5,
            "opens_at": later,
        },
        utcnow(),
    )
    before = snapshot()
    assert_error(
        client.post(
            f"/api/v1/jobs/{future.id}/orders", headers=world["bob_h"], json={"quantity": 1, "request_id": "c"}
        ),
        409,
    )
    assert snapshot() == before


def test_malformed_and_oversized_bodies(client, world):
    url = f"/api/v1/jobs/{world['job'].id}/orders"
    before = snapshot()
    assert_error(client.post(url, headers=world["bob_h"], data="{not json", content_type="application/json"), 400)
    assert_error(client.post(url, headers=world["bob_h"], data="[1,2]", content_type="application/json"), 400)
    assert_error(client.post(url, headers=world["bob_h"], data="quantity=1"), 400)
    big = '{"quantity": 1, "request_id": "big", "pad": "' + "x" * 70000 + '"}'
    assert_error(client.post(url, headers=world["bob_h"], data=big, content_type="application/json"), 413)
    assert snapshot() == before


def test_reports_refused(client, world):
    order_id = world["order"]["id"]
    before = snapshot()
    url = f"/api/v1/orders/{order_id}/reports"
    assert_error(client.post(url, headers=world["alice_h"], json={"quantity": 6, "request_id": "big"}), 409)  # 5 left
    assert_error(client.post(url, headers=world["alice_h"], json={"quantity": 0, "request_id": "z"}), 400)
    assert_error(client.post(url, headers=world["alice_h"], json={"quantity": -2, "request_id": "n"}), 400)
    assert_error(client.post(url, headers=world["bob_h"], json={"quantity": 1, "request_id": "theft"}), 404)
    assert_error(
        client.post("/api/v1/orders/9999/reports", headers=world["alice_h"], json={"quantity": 1, "request_id": "u"}),
        404,
    )
    assert snapshot() == before


def test_workers_cannot_see_each_other(client, world):
    order_id = world["order"]["id"]
    assert_error(client.get(f"/api/v1/orders/{order_id}", headers=world["bob_h"]), 404)
    assert client.get("/api/v1/me/orders", headers=world["bob_h"]).get_json()["orders"] == []
    assert client.get("/api/v1/me/earnings/history", headers=world["bob_h"]).get_json()["orders"] == []
    # a worker token is not a staff token
    assert_error(
        client.post(
            f"/api/v1/staff/orders/{order_id}/inspections",
            headers=world["alice_h"],
            json={"accepted": 1, "request_id": "q"},
        ),
        401,
    )


def test_station_staff_cannot_touch_another_station(client, world):
    order_id = world["order"]["id"]
    before = snapshot()
    assert_error(
        client.post(
            f"/api/v1/staff/orders/{order_id}/inspections",
            headers=world["there_h"],
            json={"accepted": 1, "request_id": "q1"},
        ),
        403,
    )
    assert_error(
        client.post(
            f"/api/v1/staff/orders/{order_id}/materials",
            headers=world["there_h"],
            json={"material_id": world["job"].materials[0].id, "kind": "issue", "quantity": 1, "request_id": "m1"},
        ),
        403,
    )
    assert_error(
        client.patch(f"/api/v1/staff/jobs/{world['job'].id}", headers=world["there_h"], json={"unit_price_fen": 1}), 403
    )
    assert_error(
        client.post(
            "/api/v1/staff/jobs",
            headers=world["there_h"],
            json={
                "station_id": world["job"].station_id,
                "enterprise_id": world["job"].enterprise_id,
                "title": "t",
                "unit_price_fen": 5,
                "total_pieces": 5,
            },
        ),
        403,
    )
    assert_error(client.get(f"/api/v1/staff/orders/{order_id}/materials", headers=world["there_h"]), 403)
    assert_error(client.post("/api/v1/staff/enterprises", headers=world["there_h"], json={"name": "x"}), 403)
    listed = client.get("/api/v1/staff/orders", headers=world["there_h"]).get_json()["orders"]
    assert listed == []
    assert snapshot() == before


def test_inspection_refused(client, world):
    order_id = world["order"]["id"]
    url = f"/api/v1/staff/orders/{order_id}/inspections"
    before = snapshot()
    assert_error(client.post(url, headers=world["here_h"], json={"accepted": 6, "request_id": "q"}), 409)  # 5 reported
    assert_error(client.post(url, headers=world["here_h"], json={"accepted": -1, "request_id": "q"}), 400)
    assert_error(client.post(url, headers=world["here_h"], json={"request_id": "q"}), 400)
    assert_error(
        client.post(
            "/api/v1/staff/orders/9999/inspections", headers=world["here_h"], json={"accepted": 1, "request_id": "q"}
        ),
        404,
    )
    assert snapshot() == before


def test_unknown_routes_and_methods_are_json(client):
    assert_error(client.get("/api/v1/nothing"), 404)
    assert_error(client.delete("/api/v1/jobs"), 405)
