"""Hypothesis on the official-account callback (verify, decrypt, parse, dispatch) through the real endpoint:
never a 5xx, and a refused push changes nothing (not even a claimed nonce or a de-duplication key)."""

import time

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from bench.fuzz.conftest import OA_TOKEN
from bench.fuzz.conftest import digest
from bench.fuzz.conftest import next_nonce
from bench.signed import sign

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
FIELDS = ["ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId", "Event", "EventKey",
          "Recognition", "Ticket", "Encrypt", "Status", "MsgID"]  # fmt: skip
MSG_TYPES = ["text", "event", "voice", "image", "link", "location", "video", "shortvideo", "file", "", "TEXT"]
EVENTS = ["CLICK", "subscribe", "unsubscribe", "SCAN", "VIEW", "TEMPLATESENDJOBFINISH", "LOCATION", "", "click"]
KEYS = ["MY_EARNINGS", "MY_ORDERS", "STATION_JOBS", "MY_PAYOUTS", "COUNSELLOR", "HELP", "qrscene_1", "1",
        "station_99999999999", "qrscene_", "-1"]  # fmt: skip
text = st.text(max_size=80)
values = st.one_of(text, st.integers(-(2**70), 2**70).map(str), st.sampled_from(MSG_TYPES + EVENTS + KEYS))


def _cdata(value):
    return f"<![CDATA[{value.replace(']]>', '')}]]>"


@st.composite
def messages(draw):
    fields = draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
    fields.setdefault("FromUserName", draw(st.sampled_from(["oa-fuzz-0", "oa-unknown", ""])))
    if draw(st.booleans()):
        fields["MsgType"] = draw(st.sampled_from(MSG_TYPES))
    if fields.get("MsgType") == "event" and draw(st.booleans()):
        fields["Event"], fields["EventKey"] = draw(st.sampled_from(EVENTS)), draw(st.sampled_from(KEYS))
    inner = "".join(f"<{k}>{_cdata(v) if draw(st.booleans()) else v}</{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>".encode("utf-8", "surrogatepass")


bodies = st.one_of(
    messages(),
    st.binary(max_size=300),
    st.sampled_from([
        b"", b"<xml>", b"<xml></xml>", b"{}", b"[]", b'{"MsgType": "text"}', b"\x00" * 10,
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml><MsgType>&a;</MsgType></xml>',
        b'<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml/>', b"<xml>" * 5000,
        b"<xml><MsgType>text</MsgType><Content>\xff\xfe</Content></xml>",
    ]),
)  # fmt: skip


def _post(client, query, body):
    return client.post(f"/wechat/oa?{query}", data=body, content_type="text/xml")


@FUZZ
@given(body=bodies)
def test_signed_bodies_never_5xx_and_refusals_change_nothing(app, body):
    client = app.test_client()
    now, nonce = int(time.time()), next_nonce()
    before = digest()
    answer = _post(client, f"signature={sign(OA_TOKEN, now, nonce)}&timestamp={now}&nonce={nonce}", body)
    assert answer.status_code < 500, (body, answer.status_code, answer.get_data(as_text=True)[:200])
    if answer.status_code >= 400:
        assert digest() == before, body


@FUZZ
@given(
    signature=st.one_of(st.text(max_size=60), st.just("")),
    timestamp=st.one_of(st.integers(-(2**40), 2**40).map(str), st.text(max_size=12)),
    nonce=st.text(max_size=80),
    encrypt_type=st.sampled_from(["", "raw", "aes", "AES", "x"]),
    msg_signature=st.text(max_size=60),
    body=bodies,
)
def test_forged_or_odd_queries_are_refused_and_change_nothing(app, signature, timestamp, nonce, encrypt_type,
                                                              msg_signature, body):  # fmt: skip
    from urllib.parse import urlencode

    client = app.test_client()
    before = digest()
    query = urlencode({"signature": signature, "timestamp": timestamp, "nonce": nonce, "encrypt_type": encrypt_type,
                       "msg_signature": msg_signature})  # fmt: skip
    answer = _post(client, query, body)
    assert answer.status_code < 500, (query, body, answer.status_code)
    if answer.status_code >= 400:
        assert digest() == before


@FUZZ
@given(
    encrypt=st.one_of(
        st.text(max_size=200), st.binary(max_size=200).map(lambda b: __import__("base64").b64encode(b).decode())
    )
)
def test_safe_mode_garbage_is_refused(app, encrypt):
    client = app.test_client()
    now, nonce = int(time.time()), next_nonce()
    body = f"<xml><ToUserName>gh</ToUserName><Encrypt>{_cdata(encrypt)}</Encrypt></xml>"
    msg_sig = sign(OA_TOKEN, now, nonce, encrypt)
    before = digest()
    answer = _post(client, f"signature={sign(OA_TOKEN, now, nonce)}&timestamp={now}&nonce={nonce}"
                   f"&encrypt_type=aes&msg_signature={msg_sig}", body.encode())  # fmt: skip
    assert answer.status_code < 500
    if answer.status_code >= 400:
        assert digest() == before
