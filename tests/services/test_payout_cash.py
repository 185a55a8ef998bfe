"""Cash at the station desk: posted payable -> station cash, idempotent, never more than owed, own station only."""

from app import reconfigure
from models import Payout
from models import PayoutItem
from services.money import ledger
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
from tests.payout_helpers import payouts_of


def test_cash_payout_posts_to_the_station_and_the_rest_goes_by_wechat(
    market, client, make_station, make_staff, staff_headers
):
    reconfigure(market.app, PAYOUT_MODE="cutoff")
    worker, headers = market.worker()
    market.accept(headers, 66)  # 660 fen owed
    body = {"worker_id": worker.id, "amount_fen": 300, "request_id": "cash-1"}
    paid = client.post("/api/v1/staff/payouts/cash", headers=market.staff_h, json=body)
    assert paid.status_code == 201, paid.get_json()
    assert paid.get_json()["method"] == "cash" and paid.get_json()["state"] == "SUCCESS"
    assert client.post("/api/v1/staff/payouts/cash", headers=market.staff_h, json=body).status_code == 200
    assert Payout.select().count() == 1
    assert ledger.owed_fen(worker) == 360
    assert ledger.balance(ledger.station_cash(market.station)) == -300

    too_much = client.post(
        "/api/v1/staff/payouts/cash",
        headers=market.staff_h,
        json={"worker_id": worker.id, "amount_fen": 361, "request_id": "cash-2"},
    )
    assert too_much.status_code == 409 and too_much.get_json()["error"]["code"] == "more_than_owed"
    other_station = make_station()
    other = staff_headers(make_staff("station", other_station))
    elsewhere = client.post(
        "/api/v1/staff/payouts/cash",
        headers=other,
        json={"worker_id": worker.id, "station_id": market.station.id, "request_id": "cash-3"},
    )
    assert elsewhere.status_code == 403
    bad = client.post(
        "/api/v1/staff/payouts/cash", headers=market.staff_h, json={"worker_id": "x", "request_id": "cash-4"}
    )
    assert bad.status_code == 400
    assert client.post("/api/v1/staff/payouts/cash", headers=headers, json=body).status_code == 401

    from models import utcnow
    from services.payouts import transfers as payouts

    (wechat,), _ = payouts.payout_for_worker(worker, utcnow())
    assert wechat.amount_fen == 360
    settled = sorted((i.payout.method, i.amount_fen) for i in PayoutItem.select())
    assert settled == [("cash", 300), ("wechat", 360)]

    rest = client.post(
        "/api/v1/staff/payouts/cash", headers=market.staff_h, json={"worker_id": worker.id, "request_id": "cash-5"}
    )
    assert rest.status_code == 409 and rest.get_json()["error"]["code"] == "nothing_owed"
    history = client.get("/api/v1/me/payouts", headers=headers).get_json()
    assert [p["method"] for p in history["payouts"]] == ["wechat", "cash"]
    assert len(payouts_of(worker)) == 2


def _inspect_at(market, client, station_headers, station, worker_headers, pieces, tag):
    job = market.make_job(station=station, unit_price_fen=10, total_pieces=pieces + 10)
    order = client.post(f"/api/v1/jobs/{job.id}/orders", headers=worker_headers,
                        json={"quantity": pieces, "request_id": f"o-{tag}"}).get_json()["id"]  # fmt: skip
    client.post(f"/api/v1/orders/{order}/reports", headers=worker_headers,
                json={"quantity": pieces, "request_id": f"r-{tag}"})  # fmt: skip
    qc = client.post(f"/api/v1/staff/orders/{order}/inspections", headers=station_headers,
                     json={"accepted": pieces, "request_id": f"q-{tag}"})  # fmt: skip
    assert qc.status_code == 201, qc.get_json()


def test_a_station_pays_cash_only_for_its_own_inspections_and_keys_are_its_own(
    market, client, make_station, make_staff, staff_headers, admin
):
    """station1 cannot hand over what station0's inspections earned; its 409 tells only its own share; another
    station's request id is not an answer (each sender's keys are its own); an admin may pay any station's share."""
    reconfigure(market.app, PAYOUT_MODE="cutoff")
    worker, headers = market.worker()
    market.accept(headers, 40)  # 400 fen earned at station0 (the market's station)
    station1 = make_station()
    staff1 = staff_headers(make_staff("station", station1))
    body = {"worker_id": worker.id, "request_id": "desk-cash-1"}

    nothing = client.post("/api/v1/staff/payouts/cash", headers=staff1, json=body)
    assert nothing.status_code == 409 and nothing.get_json()["error"]["code"] == "nothing_owed"
    assert "owed_fen" not in str(nothing.get_json())
    assert Payout.select().count() == 0

    _inspect_at(market, client, staff1, station1, headers, 5, "s1")  # 50 fen earned at station1
    too_much = client.post("/api/v1/staff/payouts/cash", headers=staff1, json=dict(body, amount_fen=60))
    assert too_much.status_code == 409 and too_much.get_json()["error"]["detail"]["owed_fen"] == 50

    own = client.post("/api/v1/staff/payouts/cash", headers=market.staff_h, json=dict(body, amount_fen=100))
    assert own.status_code == 201 and own.get_json()["amount_fen"] == 100
    # station1 resends station0's request id: a new request of its own, paying its own 50 fen, not station0's payout
    mine = client.post("/api/v1/staff/payouts/cash", headers=staff1, json=body)
    assert mine.status_code == 201, mine.get_json()
    assert mine.get_json()["amount_fen"] == 50 and mine.get_json()["id"] != own.get_json()["id"]
    station_of = {
        i.inspection.order.job.station_id for i in PayoutItem.select().where(PayoutItem.payout == mine.get_json()["id"])
    }
    assert station_of == {station1.id}
    assert ledger.balance(ledger.station_cash(station1)) == -50

    admin_h = staff_headers(admin, "admin-password")
    rest = client.post("/api/v1/staff/payouts/cash", headers=admin_h,
                       json={"worker_id": worker.id, "station_id": station1.id, "request_id": "desk-cash-1"})  # fmt: skip
    assert rest.status_code == 201 and rest.get_json()["amount_fen"] == 300
    assert ledger.owed_fen(worker) == 0
