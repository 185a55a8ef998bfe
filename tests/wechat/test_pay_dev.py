"""The sandbox's developer controls: the worker's tap via /_sandbox/pay/confirm and `flask sandbox-pay`."""

from models import Payout
from services.money import ledger
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
from tests.payout_helpers import payouts_of


def test_confirm_endpoint_completes_the_payout(market, client):
    worker, headers = market.worker()
    market.accept(headers, 21)
    pending = client.get("/api/v1/me/payouts/pending", headers=headers).get_json()["payouts"]
    answer = client.post("/_sandbox/pay/confirm", json={"package_info": pending[0]["package_info"]})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["state"] == "SUCCESS" and answer.get_json()["notifies"][0][1] == 204
    assert payouts_of(worker)[0].state == "SUCCESS" and ledger.owed_fen(worker) == 0
    again = client.post("/_sandbox/pay/confirm", json={"package_info": pending[0]["package_info"]})
    assert again.status_code == 400
    assert client.post("/_sandbox/pay/confirm", json={"out_bill_no": "NOPE"}).status_code == 404
    assert client.get("/_sandbox/pay/bills").get_json()["bills"][0]["state"] == "SUCCESS"


def test_cli_expire_and_fault(market, runner):
    worker, headers = market.worker()
    market.accept(headers, 21)
    result = runner.invoke(args=["sandbox-pay", "expire", "--hours", "25"])
    assert result.exit_code == 0, result.output
    assert "HTTP 204" in result.output
    assert payouts_of(worker)[0].state == "CANCELLED" and ledger.owed_fen(worker) == 210
    result = runner.invoke(args=["sandbox-pay", "fault", "pay/transfer-bills:after", "--status", "599"])
    assert result.exit_code == 0 and "planned" in result.output
    market.accept(headers, 1)
    assert Payout.select().where(Payout.state == "CREATED").count() == 1
