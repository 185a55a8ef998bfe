"""Same-day payouts through the API and the WeChat Pay sandbox: accepted pieces -> one transfer the worker
confirms; notifies retried, forged or probing; money invariants checked after every test."""

import json

from models import LedgerTxn
from models import Notice
from models import PayNotifyReceipt
from models import Payout
from services.money import ledger
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
from tests.payout_helpers import payouts_of
from wechat.sandbox import pay_notify
from wechat.sandbox.pay_crypto import signed_headers
from wechat.sandbox.store import SandboxPayBill
from wechat.sandbox.store import SandboxPayNotify


def test_accepted_pieces_become_one_payout_the_worker_confirms(market, client):
    worker, headers = market.worker("alice")
    qc = market.accept(headers, 55, rate_fen=12)
    assert qc["amount_fen"] == 660
    (payout,) = payouts_of(worker)
    assert payout.amount_fen == 660 and payout.state == "WAIT_USER_CONFIRM" and payout.method == "wechat"
    bill = SandboxPayBill.get(SandboxPayBill.out_bill_no == payout.out_bill_no)
    assert bill.amount == 660 and bill.openid == worker.mp_openid
    assert ledger.inflight_fen(worker) == 660 and ledger.owed_fen(worker) == 0

    pending = client.get("/api/v1/me/payouts/pending", headers=headers).get_json()
    assert pending["mch_id"] == market.app.config["WECHATPAY_MCHID"]
    assert pending["app_id"] == market.app.config["WECHAT_MP_APPID"]
    assert [(p["amount_fen"], p["package_info"]) for p in pending["payouts"]] == [(660, bill.package_info)]
    assert Notice.get(Notice.kind == "payout_sent_confirm").worker_id == worker.id

    sent = market.confirm(payout)
    assert [s[1] for s in sent] == [204]
    payout = Payout.get_by_id(payout.id)
    assert payout.state == "SUCCESS" and payout.finished_at is not None
    assert ledger.inflight_fen(worker) == 0 and ledger.owed_fen(worker) == 0
    assert Notice.get(Notice.kind == "payout_arrived").worker_id == worker.id
    assert client.get("/api/v1/me/payouts/pending", headers=headers).get_json()["payouts"] == []

    history = client.get("/api/v1/me/payouts", headers=headers).get_json()
    assert history["owed_fen"] == 0 and history["inflight_fen"] == 0
    (listed,) = history["payouts"]
    assert listed["state"] == "SUCCESS" and listed["amount_fen"] == 660
    assert [(p["accepted"], p["rate_fen"], p["amount_fen"]) for p in listed["pieces"]] == [(55, 12, 660)]
    earnings = client.get("/api/v1/me/earnings", headers=headers).get_json()
    assert earnings["paid_fen"] == 660


def test_worker_says_confirmed_and_we_ask_wechat(market, client):
    worker, headers = market.worker()
    market.accept(headers, 30)
    (payout,) = payouts_of(worker)
    from wechat.sandbox import pay_bills

    pay_bills.confirm(payout.out_bill_no)  # the tap, but the notify has not arrived yet
    answer = client.post(f"/api/v1/me/payouts/{payout.id}/confirmed", headers=headers)
    assert answer.status_code == 200 and answer.get_json()["state"] == "SUCCESS"
    assert market.deliver()[0][1] == 204  # the late notify changes nothing
    assert LedgerTxn.select().where(LedgerTxn.kind == "payout_paid").count() == 1
    other, other_headers = market.worker()
    assert client.post(f"/api/v1/me/payouts/{payout.id}/confirmed", headers=other_headers).status_code == 404


def test_notify_retried_five_times_changes_state_once(market):
    worker, headers = market.worker()
    market.accept(headers, 40)
    (payout,) = payouts_of(worker)
    sent = market.confirm(payout, duplicates=5, probe=True)
    assert [(s[1], s[2]) for s in sent] == [(401, "probe")] + [(204, "notify")] * 5
    assert LedgerTxn.select().where(LedgerTxn.kind == "payout_paid").count() == 1
    assert PayNotifyReceipt.select().count() == 1
    assert Payout.get_by_id(payout.id).state == "SUCCESS"


def test_notify_retried_after_our_endpoint_failed(market, client):
    worker, headers = market.worker()
    market.accept(headers, 40)
    (payout,) = payouts_of(worker)
    from wechat.sandbox import pay_bills

    pay_bills.confirm(payout.out_bill_no)
    import datetime as dt

    from models import utcnow

    now = utcnow()
    failing = pay_notify.deliver_notifies(market.keys, lambda url, h, b: 500, now=now)
    assert failing[0][1] == 500 and Payout.get_by_id(payout.id).state == "WAIT_USER_CONFIRM"
    assert market.deliver(now=now + dt.timedelta(seconds=16))[0][1] == 204
    assert Payout.get_by_id(payout.id).state == "SUCCESS"


def test_forged_and_mismatched_notifies_are_refused_and_change_nothing(market, client):
    worker, headers = market.worker()
    market.accept(headers, 25)
    (payout,) = payouts_of(worker)
    from wechat.sandbox import pay_bills

    pay_bills.confirm(payout.out_bill_no)
    notify = SandboxPayNotify.get()
    real_headers, body = pay_notify.build_notify(market.keys, notify)
    forged_body = body.replace('"summary":"', '"summary":"x')
    assert client.post("/wechat/pay/notify", data=forged_body, headers=real_headers).status_code == 401
    no_headers = client.post("/wechat/pay/notify", data=body, headers={"Content-Type": "application/json"})
    assert no_headers.status_code == 401
    probe_headers, probe_body = pay_notify.build_notify(market.keys, notify, bad_signature=True)
    assert client.post("/wechat/pay/notify", data=probe_body, headers=probe_headers).status_code == 401

    # correctly signed by WeChat, but the amount is not ours
    resource = json.loads(notify.resource)
    wrong = type(notify)(
        notify_id="EV-wrong",
        out_bill_no=notify.out_bill_no,
        resource=json.dumps(dict(resource, transfer_amount=resource["transfer_amount"] + 1)),
        create_time=notify.create_time,
    )
    h, b = pay_notify.build_notify(market.keys, wrong)
    refused = client.post("/wechat/pay/notify", data=b, headers=h)
    assert refused.status_code == 400 and refused.get_json()["code"] == "FAIL"
    # signed, but about a bill we never made
    unknown = type(notify)(
        notify_id="EV-unknown",
        out_bill_no="NOTOURS",
        resource=json.dumps(dict(resource, out_bill_no="NOTOURS")),
        create_time=notify.create_time,
    )
    h, b = pay_notify.build_notify(market.keys, unknown)
    assert client.post("/wechat/pay/notify", data=b, headers=h).status_code == 404
    garbage = "not json"
    assert (
        client.post("/wechat/pay/notify", data=garbage, headers=signed_headers(market.keys, garbage)).status_code == 401
    )

    assert Payout.get_by_id(payout.id).state == "WAIT_USER_CONFIRM"
    assert PayNotifyReceipt.select().count() == 0
    assert LedgerTxn.select().where(LedgerTxn.kind == "payout_paid").count() == 0
    assert market.deliver()[0][1] == 204
    assert Payout.get_by_id(payout.id).state == "SUCCESS"
