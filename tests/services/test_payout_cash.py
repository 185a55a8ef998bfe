"""Cash at the station desk: posted payable -> station cash, idempotent, never more than owed, own station only."""

from models import Payout
from models import PayoutItem
from services import ledger
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
from tests.payout_helpers import payouts_of


def test_cash_payout_posts_to_the_station_and_the_rest_goes_by_wechat(
    market, client, make_station, make_staff, staff_headers
):
    market.app.config["PAYOUT_MODE"] = "cutoff"
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
    from services import payouts

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
