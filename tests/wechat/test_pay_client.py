"""PayClient against the WeChat Pay sandbox: transfer bills, idempotency, faults, signatures, fund-flow bill."""

import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from models import utcnow
from wechat import pay_app
from wechat import transport
from wechat.pay import PayAmbiguous
from wechat.pay import PayClient
from wechat.pay import PayNotFound
from wechat.pay import PayRejected
from wechat.sandbox import pay_bills
from wechat.sandbox import store
from wechat.sandbox.store import SandboxPayBill

OPENID = "oMPtestworker0000000000000001"


@pytest.fixture
def pay(app):
    return pay_app.client_of(app)


def _other_key_pem(public=False):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if public:
        return (
            key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _variant(app, pay, **changes):
    cfg = app.config
    with open(cfg["WECHATPAY_PRIVATE_KEY_PATH"]) as f:
        private_key = f.read()
    with open(cfg["WECHATPAY_PUBLIC_KEY_PATH"]) as f:
        public_key = f.read()
    args = dict(
        mchid=cfg["WECHATPAY_MCHID"],
        appid=cfg["WECHATPAY_APPID"],
        private_key=private_key,
        cert_serial_no=cfg["WECHATPAY_CERT_SERIAL_NO"],
        apiv3_key=cfg["WECHATPAY_APIV3_KEY"],
        public_key=public_key,
        public_key_id=cfg["WECHATPAY_PUBLIC_KEY_ID"],
        session=transport.sandbox_session(app.extensions["wechat_sandbox"]),
    )
    args.update(changes)
    return PayClient(**args)


def test_create_waits_for_the_worker_and_is_idempotent_on_out_bill_no(pay):
    bill = pay.create_transfer("PO1A", OPENID, 1234, "计件报酬")
    assert bill.state == "WAIT_USER_CONFIRM" and bill.package_info and bill.transfer_bill_no
    again = pay.create_transfer("PO1A", OPENID, 1234, "计件报酬")
    assert again.transfer_bill_no == bill.transfer_bill_no
    assert SandboxPayBill.select().count() == 1
    with pytest.raises(PayRejected) as refused:
        pay.create_transfer("PO1A", OPENID, 1299, "计件报酬")
    assert refused.value.code == "INVALID_REQUEST"
    queried = pay.query_transfer("PO1A")
    assert queried.state == "WAIT_USER_CONFIRM" and queried.amount_fen == 1234
    with pytest.raises(PayNotFound):
        pay.query_transfer("NOSUCHBILL")


def test_sandbox_validates_like_wechat(pay):
    with pytest.raises(PayRejected) as too_small:
        pay.create_transfer("PO2A", OPENID, 9, "计件报酬")
    assert too_small.value.code == "PARAM_ERROR"
    with pytest.raises(ValueError):
        pay.create_transfer("PO-2B", OPENID, 100, "计件报酬")
    with pytest.raises(PayRejected):
        pay.create_transfer("PO2C", OPENID, 200000, "计件报酬")  # no real name from 2,000 yuan
    pay.report_infos = [{"info_type": "岗位类型", "info_content": "计件加工"}]
    with pytest.raises(PayRejected) as no_report:
        pay.create_transfer("PO2D", OPENID, 100, "计件报酬")
    assert "报酬说明" in no_report.value.message
    assert SandboxPayBill.select().count() == 0


def test_real_name_is_encrypted_and_read_by_wechat(pay):
    bill = pay.create_transfer("PO3A", OPENID, 250000, "计件报酬", user_name="王秀英")
    assert bill.state == "WAIT_USER_CONFIRM"
    assert SandboxPayBill.get(SandboxPayBill.out_bill_no == "PO3A").user_name == "王秀英"
    assert "王秀英" not in str([r.data for r in store.records("pay_transfer_bill")])


def test_bad_merchant_signature_is_refused(app, pay):
    forger = _variant(app, pay, private_key=_other_key_pem())
    with pytest.raises(PayRejected) as refused:
        forger.create_transfer("PO4A", OPENID, 100, "计件报酬")
    assert refused.value.code == "SIGN_ERROR" and refused.value.status == 401
    assert SandboxPayBill.select().count() == 0


def test_unverifiable_answer_is_ambiguous(app, pay):
    trusting_wrong_key = _variant(app, pay, public_key=_other_key_pem(public=True))
    with pytest.raises(PayAmbiguous):
        trusting_wrong_key.create_transfer("PO5A", OPENID, 100, "计件报酬")
    assert pay.query_transfer("PO5A").state == "WAIT_USER_CONFIRM"  # WeChat did act


def test_timeout_after_accepting_and_5xx_are_ambiguous(pay):
    store.add_fault("pay/transfer-bills:after", status=599)
    with pytest.raises(PayAmbiguous):
        pay.create_transfer("PO6A", OPENID, 100, "计件报酬")
    assert pay.query_transfer("PO6A").state == "WAIT_USER_CONFIRM"
    store.add_fault("pay/transfer-bills", status=500)
    with pytest.raises(PayAmbiguous):
        pay.create_transfer("PO6B", OPENID, 100, "计件报酬")
    with pytest.raises(PayNotFound):
        pay.query_transfer("PO6B")
    store.add_fault("pay/query", status=503)
    with pytest.raises(PayAmbiguous):
        pay.query_transfer("PO6A")
    store.add_fault("pay/transfer-bills", status=403)
    with pytest.raises(PayRejected) as refused:
        pay.create_transfer("PO6C", OPENID, 100, "计件报酬")
    assert refused.value.code == "NOT_ENOUGH"


def test_confirm_cancel_and_expiry(pay):
    pay.create_transfer("PO7A", OPENID, 100, "计件报酬")
    pay.create_transfer("PO7B", OPENID, 200, "计件报酬")
    pay.create_transfer("PO7C", OPENID, 300, "计件报酬")
    assert pay_bills.confirm("PO7A").state == "SUCCESS"
    assert pay.query_transfer("PO7A").state == "SUCCESS"
    assert pay.cancel_transfer("PO7B").state == "CANCELING"
    assert pay.query_transfer("PO7B").state == "CANCELLED"
    with pytest.raises(PayRejected):
        pay.cancel_transfer("PO7A")
    later = utcnow() + dt.timedelta(hours=24, minutes=1)
    assert pay_bills.expire_unconfirmed(later) == ["PO7C"]
    assert pay.query_transfer("PO7C").state == "CANCELLED"
    with pytest.raises(pay_bills.BillError):
        pay_bills.confirm("PO7C")


def test_fundflow_bill_lists_the_days_transfers_in_fen(pay):
    pay.create_transfer("PO8A", OPENID, 1234, "计件报酬")
    pay.create_transfer("PO8B", OPENID, 1000, "计件报酬")
    pay_bills.confirm("PO8A")
    rows = pay.fundflow_bill(pay_bills.beijing_date(utcnow()))
    assert [(r["out_bill_no"], r["amount_fen"], r["direction"]) for r in rows] == [("PO8A", 1234, "支出")]
    assert rows[0]["transfer_bill_no"] == pay.query_transfer("PO8A").transfer_bill_no
    with pytest.raises(PayRejected):
        pay.fundflow_bill(pay_bills.beijing_date(utcnow()) + dt.timedelta(days=2))
