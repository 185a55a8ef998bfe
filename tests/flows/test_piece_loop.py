"""The whole loop through HTTP: take an order, report pieces, inspect, see earnings; ledger checked after."""

import pytest

from models import Inspection
from models import Job
from models import LedgerTxn
from models import Order
from models import PieceReport
from services.money import ledger

pytestmark = pytest.mark.usefixtures("ledger_check")


@pytest.fixture
def station(make_station):
    return make_station("商城镇乡村驿站")


@pytest.fixture
def desk(make_staff, staff_headers, station):
    staff = make_staff("station", station)
    return staff, staff_headers(staff)


def test_accept_report_inspect_earn(client, login, make_job, station, desk):
    job = make_job(station=station, unit_price_fen=12, total_pieces=500)
    worker, headers = login("alice")
    _, staff_h = desk

    jobs = client.get("/api/v1/jobs", headers=headers).get_json()["jobs"]
    assert [j["id"] for j in jobs] == [job.id]
    assert jobs[0]["remaining"] == 500 and jobs[0]["materials"][0]["name"] == "卡扣"

    order = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 100, "request_id": "o-1"})
    assert order.status_code == 201
    order_id = order.get_json()["id"]
    assert order.get_json()["rate_fen"] == 12
    assert Job.get_by_id(job.id).taken == 100

    report = client.post(
        f"/api/v1/orders/{order_id}/reports", headers=headers, json={"quantity": 60, "request_id": "r-1"}
    )
    assert report.status_code == 201

    inspected = client.post(
        f"/api/v1/staff/orders/{order_id}/inspections",
        headers=staff_h,
        json={"accepted": 55, "rejected": 3, "rework": 2, "request_id": "qc-1"},
    )
    assert inspected.status_code == 201
    assert inspected.get_json()["amount_fen"] == 55 * 12

    earnings = client.get("/api/v1/me/earnings", headers=headers).get_json()
    assert earnings["today_fen"] == 660 and earnings["owed_fen"] == 660 and earnings["paid_fen"] == 0
    assert ledger.owed_fen(worker) == 660

    history = client.get("/api/v1/me/earnings/history", headers=headers).get_json()["orders"]
    assert history[0]["reported"] == 60 and history[0]["accepted"] == 55 and history[0]["rejected"] == 3
    assert history[0]["rate_fen"] == 12 and history[0]["amount_fen"] == 660
    assert history[0]["inspections"][0]["rework"] == 2

    # rework pieces come back to the worker and can be reported again
    assert Order.get_by_id(order_id).reportable == 42
    again = client.post(
        f"/api/v1/orders/{order_id}/reports", headers=headers, json={"quantity": 42, "request_id": "r-2"}
    )
    assert again.status_code == 201


def test_rate_is_locked_when_order_is_taken(client, login, make_job, station, desk, admin):
    job = make_job(station=station, unit_price_fen=10, total_pieces=100)
    _, headers = login("bob")
    _, staff_h = desk
    first = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 10, "request_id": "a"})
    assert client.patch(f"/api/v1/staff/jobs/{job.id}", headers=staff_h, json={"unit_price_fen": 15}).status_code == 200
    second = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 10, "request_id": "b"})
    assert first.get_json()["rate_fen"] == 10 and second.get_json()["rate_fen"] == 15
    order_id = first.get_json()["id"]
    client.post(f"/api/v1/orders/{order_id}/reports", headers=headers, json={"quantity": 10, "request_id": "r"})
    qc = client.post(
        f"/api/v1/staff/orders/{order_id}/inspections", headers=staff_h, json={"accepted": 10, "request_id": "q"}
    )
    assert qc.get_json()["amount_fen"] == 100


def test_retries_are_idempotent(client, login, make_job, station, desk):
    job = make_job(station=station, total_pieces=100)
    _, headers = login("carol")
    _, staff_h = desk
    body = {"quantity": 10, "request_id": "same"}
    codes = [client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json=body).status_code for _ in range(3)]
    assert codes == [201, 200, 200]
    assert Order.select().count() == 1 and Job.get_by_id(job.id).taken == 10
    order_id = Order.get().id
    for _ in range(3):
        client.post(f"/api/v1/orders/{order_id}/reports", headers=headers, json={"quantity": 4, "request_id": "rep"})
        client.post(
            f"/api/v1/staff/orders/{order_id}/inspections", headers=staff_h, json={"accepted": 4, "request_id": "qc"}
        )
    assert PieceReport.select().count() == 1 and Inspection.select().count() == 1
    assert LedgerTxn.select().count() == 1
    reused = client.post(f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 11, "request_id": "same"})
    assert reused.status_code == 409


def test_correction_is_a_new_entry(client, login, make_job, station, desk):
    job = make_job(station=station, unit_price_fen=10, total_pieces=100)
    worker, headers = login("dan")
    _, staff_h = desk
    order_id = client.post(
        f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 20, "request_id": "o"}
    ).get_json()["id"]
    client.post(f"/api/v1/orders/{order_id}/reports", headers=headers, json={"quantity": 20, "request_id": "r"})
    qc = client.post(
        f"/api/v1/staff/orders/{order_id}/inspections", headers=staff_h, json={"accepted": 20, "request_id": "q"}
    ).get_json()
    fix = client.post(
        f"/api/v1/staff/inspections/{qc['id']}/corrections",
        headers=staff_h,
        json={"accepted": 17, "rejected": 3, "rework": 0, "request_id": "fix-1", "note": "复检发现3件不合格"},
    )
    assert fix.status_code == 201 and fix.get_json()["amount_fen"] == -30
    original = Inspection.get_by_id(qc["id"])
    assert original.accepted == 20 and original.amount_fen == 200  # history untouched
    assert ledger.owed_fen(worker) == 170
    assert LedgerTxn.select().count() == 2
    order = Order.get_by_id(order_id)
    assert (order.accepted, order.rejected) == (17, 3)
    same_total = client.post(
        f"/api/v1/staff/inspections/{qc['id']}/corrections",
        headers=staff_h,
        json={"accepted": 10, "rejected": 3, "rework": 0, "request_id": "fix-2", "note": "x"},
    )
    assert same_total.status_code == 400


def test_materials_issue_and_return(client, login, make_job, station, desk):
    job = make_job(station=station, total_pieces=100)
    _, headers = login("erin")
    _, staff_h = desk
    order_id = client.post(
        f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 10, "request_id": "o"}
    ).get_json()["id"]
    material_id = job.materials[0].id
    issued = client.post(
        f"/api/v1/staff/orders/{order_id}/materials",
        headers=staff_h,
        json={"material_id": material_id, "kind": "issue", "quantity": 21, "request_id": "m1"},
    )
    assert issued.status_code == 201
    too_many = client.post(
        f"/api/v1/staff/orders/{order_id}/materials",
        headers=staff_h,
        json={"material_id": material_id, "kind": "return", "quantity": 22, "request_id": "m2"},
    )
    assert too_many.status_code == 409
    back = client.post(
        f"/api/v1/staff/orders/{order_id}/materials",
        headers=staff_h,
        json={"material_id": material_id, "kind": "return", "quantity": 1, "request_id": "m3"},
    )
    assert back.status_code == 201
    balance = client.get(f"/api/v1/staff/orders/{order_id}/materials", headers=staff_h).get_json()["materials"][0]
    assert (balance["issued"], balance["returned"]) == (21, 1)
