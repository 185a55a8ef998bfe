"""Result notifies from the sandbox through PayClient.parse_notify: verified, fresh, decrypted; probes refused."""

import datetime as dt
import json

import pytest

from models import utcnow
from wechat import pay_app
from wechat.pay import NotifyRejected
from wechat.sandbox import pay_bills
from wechat.sandbox import pay_notify
from wechat.sandbox import store
from wechat.sandbox.pay_crypto import load_keys
from wechat.sandbox.store import SandboxPayNotify

OPENID = "oMPtestworker0000000000000002"


@pytest.fixture
def pay(app):
    return pay_app.client_of(app)


@pytest.fixture
def keys(app, pay):
    return load_keys(app.config["SANDBOX_PAY_KEYS_DIR"])


def _finished_notify(pay, keys, out_bill_no="PN1A", amount=1234):
    pay.create_transfer(out_bill_no, OPENID, amount, "计件报酬")
    pay_bills.confirm(out_bill_no)
    return SandboxPayNotify.get(SandboxPayNotify.out_bill_no == out_bill_no)


def test_notify_is_verified_and_decrypted(pay, keys):
    notify = _finished_notify(pay, keys)
    headers, body = pay_notify.build_notify(keys, notify)
    parsed = pay.parse_notify(headers, body.encode(), utcnow())
    assert parsed["event_type"] == "MCHTRANSFER.BILL.FINISHED" and parsed["id"] == notify.notify_id
    assert parsed["resource"]["state"] == "SUCCESS"
    assert parsed["resource"]["out_bill_no"] == "PN1A" and parsed["resource"]["transfer_amount"] == 1234


def test_probe_tampered_stale_and_unknown_serial_are_refused(pay, keys):
    notify = _finished_notify(pay, keys)
    headers, body = pay_notify.build_notify(keys, notify, bad_signature=True)
    with pytest.raises(NotifyRejected):
        pay.parse_notify(headers, body, utcnow())
    headers, body = pay_notify.build_notify(keys, notify)
    with pytest.raises(NotifyRejected):
        pay.parse_notify(headers, body.replace("FINISHED", "FINISHEX"), utcnow())
    with pytest.raises(NotifyRejected):
        pay.parse_notify(headers, body, utcnow() + dt.timedelta(seconds=301))
    with pytest.raises(NotifyRejected):
        pay.parse_notify(dict(headers, **{"Wechatpay-Serial": "PUB_KEY_ID_0000"}), body, utcnow())
    with pytest.raises(NotifyRejected):
        pay.parse_notify({}, body, utcnow())
    # a well-signed body whose resource was encrypted with another APIv3 key
    forged = json.loads(body)
    forged["resource"]["ciphertext"] = forged["resource"]["ciphertext"][::-1]
    forged_body = json.dumps(forged)
    from wechat.sandbox.pay_crypto import signed_headers

    with pytest.raises(NotifyRejected):
        pay.parse_notify(signed_headers(keys, forged_body), forged_body, utcnow())
    assert pay.parse_notify(headers, body, utcnow())["resource"]["state"] == "SUCCESS"


def test_delivery_retries_until_acknowledged_with_duplicates_and_probes(pay, keys):
    _finished_notify(pay, keys)
    seen = []

    def refusing(url, headers, body):
        seen.append(headers["Wechatpay-Signature"])
        return 500

    now = utcnow()
    sent = pay_notify.deliver_notifies(keys, refusing, now=now)
    assert [s[1] for s in sent] == [500]
    assert pay_notify.deliver_notifies(keys, refusing, now=now + dt.timedelta(seconds=5)) == []

    outcomes = []

    def checking(url, headers, body):
        try:
            pay.parse_notify(headers, body, now + dt.timedelta(seconds=20))
        except NotifyRejected:
            outcomes.append("refused")
            return 401
        outcomes.append("ok")
        return 204

    store.add_fault("pay/notify:duplicate", errcode=5)
    sent = pay_notify.deliver_notifies(keys, checking, now=now + dt.timedelta(seconds=20), probe=True)
    assert outcomes == ["refused"] + ["ok"] * 5
    assert [s[2] for s in sent] == ["probe"] + ["notify"] * 5
    assert SandboxPayNotify.get().delivered_at is not None
    assert pay_notify.deliver_notifies(keys, checking, now=now + dt.timedelta(hours=1)) == []
