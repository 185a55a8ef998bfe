"""Our callback transport and crypto against WeChat's public vectors 01-06 and every sample message."""

import json
import time

import pytest

from conformance.conftest import message_samples
from conformance.conftest import vectors_dir
from wechat import opendata
from wechat.callback import CallbackError
from wechat.callback import Endpoint
from wechat.callback import decrypt_text
from wechat.callback import encrypt_reply
from wechat.callback import encrypt_text
from wechat.callback import open_post
from wechat.callback import sign
from wechat.callback import verify_echo

OUR_TOKEN = "conformanceToken"


def test_01_url_verify_and_plain_signature(load_vector, kv):
    v = load_vector("01_msgpush_official_2024.json")
    endpoint = Endpoint("oa", v["token"], max_skew=None)
    assert verify_echo(endpoint, v["url_verify_get"], kv) == v["url_verify_get"]["echostr"]
    plain = v["plain_post"]
    inbound = open_post(endpoint, plain, json.dumps(plain["body_json"]).encode(), kv)
    assert inbound.data["Event"] == "debug_demo" and not inbound.safe


def test_01_safe_mode_needs_msg_signature(load_vector, kv):
    v = load_vector("01_msgpush_official_2024.json")
    s = v["safe_mode_post"]
    endpoint = Endpoint("oa", v["token"], s["appid"], s["encoding_aes_key"], max_skew=None)
    body = json.dumps(s["body_json"]).encode()
    without = {k: val for k, val in s["query"].items() if k != "msg_signature"}
    with pytest.raises(CallbackError) as refused:
        open_post(endpoint, without, body, kv)
    assert refused.value.status == 403
    swapped = dict(s["query"], msg_signature=s["query"]["signature"])
    with pytest.raises(CallbackError):
        open_post(endpoint, swapped, body, kv)
    inbound = open_post(endpoint, s["query"], body, kv)
    assert inbound.safe and inbound.data["FromUserName"] == s["query"]["openid"]
    assert json.loads(decrypt_text(endpoint, s["body_json"]["Encrypt"])) == json.loads(s["expected_plaintext"])


def test_01_reply_envelope_is_deterministic_with_fixed_random(load_vector):
    v = load_vector("01_msgpush_official_2024.json")
    s, r = v["safe_mode_post"], v["safe_mode_reply"]
    endpoint = Endpoint("oa", v["token"], s["appid"], s["encoding_aes_key"])
    envelope = json.loads(
        encrypt_reply(endpoint, r["plaintext"], r["nonce"], now=int(r["timestamp"]), random16=r["random16"], fmt="json")
    )
    assert envelope["Encrypt"] == r["expected_encrypt"]
    assert envelope["MsgSignature"] == r["expected_msg_signature"]


def test_02_compatible_mode_xml(load_vector, kv):
    v = load_vector("02_mp_crypto_tencent_python_sample_2014.json")
    d = v["decrypt"]
    endpoint = Endpoint("oa", v["token"], v["appid"], v["encoding_aes_key"], max_skew=None)
    args = {
        "timestamp": d["timestamp"],
        "nonce": d["nonce"],
        "msg_signature": d["msg_signature"],
        "encrypt_type": "aes",
    }
    inbound = open_post(endpoint, args, d["from_xml"].encode(), kv)
    assert inbound.message.type == "text" and inbound.message.content == "abcdteT"
    wrong_app = Endpoint("oa", v["token"], "wx0000000000000000", v["encoding_aes_key"], max_skew=None)
    with pytest.raises(CallbackError) as refused:
        open_post(wrong_app, dict(args, nonce=d["nonce"]), d["from_xml"].encode(), kv)
    assert refused.value.status == 400


def test_03_deterministic_encrypt_with_chinese(load_vector):
    v = load_vector("03_mp_crypto_tencent_java_sample.json")
    endpoint = Endpoint("oa", v["token"], v["appid"], v["encoding_aes_key"])
    for case in v["cases"]:
        assert encrypt_text(endpoint, case["plaintext"], v["random16"]) == case["expected_encrypt"]
        assert decrypt_text(endpoint, case["expected_encrypt"]) == case["plaintext"]


def test_04_wechatpy_vectors(load_vector, kv):
    v = load_vector("04_wechatpy_crypto_tests_v1.8.18.json")
    endpoint = Endpoint("oa", v["token"], v["corp_id_or_appid"], v["encoding_aes_key"], max_skew=None)
    vu = v["verify_url"]
    assert sign(v["token"], vu["timestamp"], vu["nonce"], vu["echostr"]) == vu["msg_signature"]
    assert sign(v["token"], vu["timestamp"], vu["bad_nonce"], vu["echostr"]) != vu["msg_signature"]
    e = v["encrypt"]
    envelope = encrypt_reply(endpoint, e["plaintext"], e["nonce"], now=int(e["timestamp"]), random16=e["random16"])
    assert e["expected_encrypt"] in envelope and e["expected_msg_signature"] in envelope
    d = v["decrypt"]
    args = {
        "timestamp": d["timestamp"],
        "nonce": d["nonce"],
        "msg_signature": d["msg_signature"],
        "encrypt_type": "aes",
    }
    body = f"<xml><Encrypt><![CDATA[{d['encrypt']}]]></Encrypt></xml>".encode()
    inbound = open_post(endpoint, args, body, kv)
    assert inbound.message.content == d["expected_content"] and inbound.source == d["expected_from"]


def test_05_plain_signature(load_vector, kv):
    v = load_vector("05_wechatpy_check_signature_v1.8.18.json")
    endpoint = Endpoint("oa", v["token"], max_skew=None)
    args = {"timestamp": v["timestamp"], "nonce": v["nonce"], "echostr": "hello"}
    assert verify_echo(endpoint, dict(args, signature=v["good_signature"]), kv) == "hello"
    with pytest.raises(CallbackError) as refused:
        verify_echo(endpoint, dict(args, signature=v["bad_signature"]), kv)
    assert refused.value.status == 403
    assert sign(*v["card_signer"]["data"]) == v["card_signer"]["expected"]


def test_06_open_data(load_vector):
    v = load_vector("06_miniprogram_open_data_official.json")
    d = v["decrypt"]
    info = opendata.decrypt(d["session_key"], d["iv"], d["encrypted_data"], d["appid"])
    assert info["watermark"]["appid"] == d["appid"]
    with pytest.raises(opendata.OpenDataError):
        opendata.decrypt(d["session_key"], d["iv"], d["encrypted_data"], "wx0000000000000000")
    for key in ("signature_official", "signature_chinese"):
        s = v[key]
        opendata.check_raw_signature(s["session_key"], s["raw_data"], s["signature"])
        with pytest.raises(opendata.OpenDataError):
            opendata.check_raw_signature(s["session_key"], s["raw_data"] + " ", s["signature"])


@pytest.mark.parametrize("sample", message_samples())
def test_every_sample_parses_in_plain_and_safe_mode(sample, kv):
    body = (vectors_dir() / sample).read_bytes()
    now = int(time.time())
    endpoint = Endpoint("oa", OUR_TOKEN, "wxconformance00001", "A" * 43)
    plain_args = {"timestamp": str(now), "nonce": "n1" + sample[-20:], "signature": ""}
    plain_args["signature"] = sign(OUR_TOKEN, plain_args["timestamp"], plain_args["nonce"])
    inbound = open_post(endpoint, plain_args, body, kv, now)
    assert inbound.data.get("MsgType")
    encrypt = encrypt_text(endpoint, body.decode("utf-8"))
    nonce = "n2" + sample[-20:]
    envelope = (
        json.dumps({"Encrypt": encrypt}) if sample.endswith(".json") else f"<xml><Encrypt>{encrypt}</Encrypt></xml>"
    )
    safe_args = {"timestamp": str(now), "nonce": nonce, "encrypt_type": "aes"}
    safe_args["msg_signature"] = sign(OUR_TOKEN, str(now), nonce, encrypt)
    assert open_post(endpoint, safe_args, envelope.encode(), kv, now).data == inbound.data


# --- through the real endpoints ----------------------------------------------------------------------------


def test_01_official_vector_through_the_real_endpoint(load_vector, make_app):
    """The 2024 official vector: its timestamps are from 2024, so the clock check is relaxed for this test only."""
    v = load_vector("01_msgpush_official_2024.json")
    s = v["safe_mode_post"]
    app = make_app(
        WECHAT_OA_TOKEN=v["token"],
        WECHAT_OA_APPID=s["appid"],
        WECHAT_OA_AES_KEY=s["encoding_aes_key"],
        WECHAT_CALLBACK_MAX_SKEW=None,
    )
    client = app.test_client()
    echo = client.get("/wechat/oa", query_string=v["url_verify_get"])
    assert echo.status_code == 200 and echo.get_data(as_text=True) == v["url_verify_get"]["echostr"]
    plain = v["plain_post"]
    args = {k: plain[k] for k in ("signature", "timestamp", "nonce")}
    answer = client.post("/wechat/oa", query_string=args, json=plain["body_json"])
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "success"
    swapped = dict(s["query"], msg_signature=s["query"]["signature"])
    assert client.post("/wechat/oa", query_string=swapped, json=s["body_json"]).status_code == 403
    safe = client.post("/wechat/oa", query_string=s["query"], json=s["body_json"])
    assert safe.status_code == 200 and safe.get_data(as_text=True) == "success"
    assert client.post("/wechat/oa", query_string=s["query"], json=s["body_json"]).status_code == 403  # replayed


def test_01_vector_is_refused_with_the_clock_check_on(load_vector, make_app):
    v = load_vector("01_msgpush_official_2024.json")
    s = v["safe_mode_post"]
    app = make_app(WECHAT_OA_TOKEN=v["token"], WECHAT_OA_APPID=s["appid"], WECHAT_OA_AES_KEY=s["encoding_aes_key"])
    assert app.test_client().post("/wechat/oa", query_string=s["query"], json=s["body_json"]).status_code == 403


def _check_reply(response, endpoint, sample_fields, encrypted):
    from wechat.xmlsafe import parse_xml

    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_data(as_text=True)
    if body == "success":
        return
    fields = parse_xml(body)
    if encrypted:
        assert fields["MsgSignature"] == sign(endpoint.token, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
        fields = parse_xml(decrypt_text(endpoint, fields["Encrypt"]))
    assert fields["MsgType"] == "text" and fields["Content"]
    assert fields["ToUserName"] == sample_fields["FromUserName"]
    assert fields["FromUserName"] == sample_fields["ToUserName"]


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "safe"])
def test_every_sample_gets_200_through_the_real_endpoint(make_app, encrypted):
    from wechat.simulate import signed_push
    from wechat.xmlsafe import parse_json
    from wechat.xmlsafe import parse_xml

    app = make_app()
    client = app.test_client()
    cfg = app.config
    for sample in message_samples():
        body = (vectors_dir() / sample).read_text(encoding="utf-8")
        to_mp = sample.startswith("messages/wxjava/miniapp__")
        name = "mp" if to_mp else "oa"
        endpoint = Endpoint(
            name,
            cfg[f"WECHAT_{name.upper()}_TOKEN"],
            cfg[f"WECHAT_{name.upper()}_APPID"],
            cfg[f"WECHAT_{name.upper()}_AES_KEY"],
        )
        fmt = "json" if sample.endswith(".json") else "xml"
        fields = parse_json(body) if fmt == "json" else parse_xml(body)
        args, data = signed_push(endpoint, body, encrypted=encrypted, fmt=fmt)
        response = client.post(
            f"/wechat/{name}",
            query_string=args,
            data=data,
            content_type="application/json" if fmt == "json" else "text/xml",
        )
        _check_reply(response, endpoint, fields, encrypted)
