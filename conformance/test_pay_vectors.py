"""Our WeChat Pay code (PayClient seam and the Pay sandbox) against the public vectors 07-12.

07-09 are WeChat Pay v2 (closed to new merchants): we check that v2 material is never accepted as v3.
10-11 are APIv3 crypto (AES-GCM, notify signature); 12 is the 商家转账 notify format.
"""

import json
import types

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from wechat import paykeys
from wechat import transport
from wechat.pay import FAILED_STATES
from wechat.pay import NotifyRejected
from wechat.pay import PayClient
from wechat.pay import PayRejected
from wechat.pay import outcome
from wechat.sandbox import create_sandbox_app
from wechat.sandbox import pay_notify
from wechat.sandbox.pay_crypto import encrypt_resource
from wechat.sandbox.pay_crypto import load_keys

RESOURCE_FIELDS = {
    "mch_id",
    "out_bill_no",
    "transfer_bill_no",
    "state",
    "transfer_amount",
    "openid",
    "create_time",
    "update_time",
    "fail_reason",
}


def _merchant_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _client_for_vector11(v, cert_pem):
    return PayClient(
        mchid="1234567890",
        appid="wxvector",
        private_key=_merchant_key(),
        cert_serial_no="ABC",
        apiv3_key=v["apiv3_key"],
        public_key=cert_pem,
    )


@pytest.fixture(scope="module")
def sandbox_keys(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("paykeys"))
    config = paykeys.service_config(directory)
    return config, load_keys(directory)


def _sandbox_client(config):
    with open(config["WECHATPAY_PRIVATE_KEY_PATH"]) as f:
        private_key = f.read()
    with open(config["WECHATPAY_PUBLIC_KEY_PATH"]) as f:
        public_key = f.read()
    return PayClient(
        mchid=config["WECHATPAY_MCHID"],
        appid="wxsandboxminiprog",
        private_key=private_key,
        cert_serial_no=config["WECHATPAY_CERT_SERIAL_NO"],
        apiv3_key=config["WECHATPAY_APIV3_KEY"],
        public_key=public_key,
        public_key_id=config["WECHATPAY_PUBLIC_KEY_ID"],
    )


@pytest.fixture()
def sandbox_db(tmp_path):
    from peewee import SqliteDatabase

    from models import db
    from wechat.sandbox.store import SANDBOX_MODELS

    database = SqliteDatabase(str(tmp_path / "pay.db"))
    db.initialize(database)
    database.create_tables(SANDBOX_MODELS)
    yield database
    database.close()


def test_07_v2_signed_request_is_not_v3_authentication(load_vector, sandbox_keys, sandbox_db):
    v = load_vector("07_pay_v2_sign.json")["official"]
    config, _ = sandbox_keys
    sandbox = create_sandbox_app({"wxsandboxminiprog": "s"}, {"SANDBOX_PAY_KEYS_DIR": config["SANDBOX_PAY_KEYS_DIR"]})
    session = transport.sandbox_session(sandbox)
    body = dict(v["params"], sign=v["expected_md5"])
    answer = session.post("https://api.mch.weixin.qq.com/v3/fund-app/mch-transfer/transfer-bills", json=body)
    assert answer.status_code == 401 and answer.json()["code"] == "SIGN_ERROR"
    hmac_auth = {"Authorization": "WECHATPAY2-SHA256-RSA2048 " + v["expected_hmac_sha256"]}
    answer = session.post(
        "https://api.mch.weixin.qq.com/v3/fund-app/mch-transfer/transfer-bills", json=body, headers=hmac_auth
    )
    assert answer.status_code == 401


def test_08_09_v2_notifies_are_refused(load_vector, sandbox_keys):
    config, keys = sandbox_keys
    client = _sandbox_client(config)
    xml = load_vector("08_pay_v2_order_notify_sample.xml")
    v9 = load_vector("09_pay_v2_refund_notify_wechatpy.json")
    refund_xml = f"<xml><return_code>SUCCESS</return_code><req_info>{v9['req_info']}</req_info></xml>"
    for body in (xml, refund_xml):
        with pytest.raises(NotifyRejected):
            client.parse_notify({"Content-Type": "text/xml"}, body.encode(), 0)


def test_10_aes_gcm_matches_and_wrong_key_fails(load_vector):
    v = load_vector("10_pay_v3_aes_gcm_wechatpay_go.json")
    sealed = encrypt_resource(v["apiv3_key"], v["expected_plaintext"], v["associated_data"], "x", nonce=v["nonce"])
    assert sealed["ciphertext"] == v["ciphertext"]
    from wechatpayv3.utils import aes_decrypt

    assert aes_decrypt(v["nonce"], v["ciphertext"], v["associated_data"], v["apiv3_key"]) == v["expected_plaintext"]
    assert aes_decrypt(v["nonce"], v["ciphertext"], v["associated_data"], v["wrong_key"]) is None


def test_11_official_notify_verifies_decrypts_and_is_checked_for_freshness(load_vector):
    v = load_vector("11_pay_v3_notify_wechatpay_go.json")
    cert = load_vector("11_pay_v3_notify_wechatpay_go_cert.pem")
    client = _client_for_vector11(v, cert)
    assert client.public_key_id == v["headers"]["Wechatpay-Serial"]
    frozen = int(v["headers"]["Wechatpay-Timestamp"])
    parsed = client.parse_notify(v["headers"], v["body"].encode(), frozen + 10)
    assert parsed["resource"] == json.loads(v["expected_plaintext"])
    assert parsed["id"] == "3119dfba-e649-5eec-ab1e-3412bc4d2e17"
    with pytest.raises(NotifyRejected):
        client.parse_notify(v["headers"], v["body"], frozen + 301)
    with pytest.raises(NotifyRejected):
        client.parse_notify(v["headers"], v["body"].replace("PAYSCORE", "PAYSCORX"), frozen)
    wrong_key = dict(v, apiv3_key="testMchAPIv3Key1")
    with pytest.raises(NotifyRejected):
        _client_for_vector11(wrong_key, cert).parse_notify(v["headers"], v["body"], frozen)


def test_12_sandbox_notify_has_the_documented_format(load_vector, sandbox_keys):
    v = load_vector("12_pay_v3_transfer_bill_notify_format.json")
    config, keys = sandbox_keys
    resource = {
        "mch_id": keys.mchid,
        "out_bill_no": "P12",
        "transfer_bill_no": "1330",
        "state": "SUCCESS",
        "transfer_amount": 100,
        "openid": "o1",
        "create_time": "2025-01-15T10:00:00+08:00",
        "update_time": "2025-01-15T10:01:00+08:00",
    }
    notify = types.SimpleNamespace(
        notify_id="EV-1", create_time="2025-01-15T10:01:00+08:00", resource=json.dumps(resource)
    )
    headers, body = pay_notify.build_notify(keys, notify)
    assert set(v["headers"]) <= set(headers)
    assert headers["Wechatpay-Serial"].startswith("PUB_KEY_ID_")
    parsed_body = json.loads(body)
    assert set(parsed_body) == set(v["body"])
    assert parsed_body["event_type"] == v["body"]["event_type"]
    skeleton = v["body"]["resource"]
    assert {k: parsed_body["resource"][k] for k in ("original_type", "algorithm", "associated_data")} == {
        k: skeleton[k] for k in ("original_type", "algorithm", "associated_data")
    }
    client = _sandbox_client(config)
    now = int(headers["Wechatpay-Timestamp"])
    decrypted = client.parse_notify(headers, body, now)["resource"]
    assert set(decrypted) <= RESOURCE_FIELDS and decrypted == resource
    probe_headers, probe_body = pay_notify.build_notify(keys, notify, bad_signature=True)
    assert probe_headers["Wechatpay-Signature"].startswith("WECHATPAY/SIGNTEST/")
    with pytest.raises(NotifyRejected):
        client.parse_notify(probe_headers, probe_body, now)


def test_12_every_documented_state_maps(load_vector):
    v = load_vector("12_pay_v3_transfer_bill_notify_format.json")
    final = {s for s in v["all_states_from_query_api"] if outcome(s) != "pending"}
    assert final == set(v["terminal_states"])
    assert FAILED_STATES | {"SUCCESS"} == set(v["terminal_states"])
    assert issubclass(PayRejected, Exception)
