"""Callback transport: every forged, stale, replayed or hostile push is refused with a 4xx, nothing acted on."""

import json
import time

import pytest

from wechat.callback import CallbackError
from wechat.callback import handle_post
from wechat.callback import open_post
from wechat.callback import verify_echo
from wechat.simulate import message_xml
from wechat.simulate import signed_echo
from wechat.simulate import signed_push


def text(content="收入", msg_id=1001, now=None):
    return message_xml("gh_test", "oUSER", "text", now=now, msg_id=msg_id, Content=content)


def refused(fn, *args):
    with pytest.raises(CallbackError) as info:
        fn(*args)
    assert 400 <= info.value.status < 500
    return info.value.status


def test_echo_answers_only_a_valid_signature(endpoint, kv):
    args = signed_echo(endpoint, "12345")
    assert verify_echo(endpoint, args, kv) == "12345"
    forged = signed_echo(endpoint, "12345")
    forged["signature"] = forged["signature"][:-1] + ("0" if forged["signature"][-1] != "0" else "1")
    assert refused(verify_echo, endpoint, forged, kv) == 403
    assert refused(verify_echo, endpoint, {"echostr": "1"}, kv) == 403


@pytest.mark.parametrize("encrypted", [False, True])
def test_valid_push_is_opened(endpoint, kv, encrypted):
    args, body = signed_push(endpoint, text(), encrypted=encrypted)
    inbound = open_post(endpoint, args, body, kv)
    assert inbound.message.type == "text" and inbound.message.content == "收入" and inbound.safe == encrypted


def test_forged_signature(endpoint, kv):
    args, body = signed_push(endpoint, text())
    args["signature"] = "0" * 40
    assert refused(open_post, endpoint, args, body, kv) == 403


def test_signature_instead_of_msg_signature(endpoint, kv):
    args, body = signed_push(endpoint, text(), encrypted=True)
    assert refused(open_post, endpoint, dict(args, msg_signature=args["signature"]), body, kv) == 403
    without = {k: v for k, v in args.items() if k != "msg_signature"}
    assert refused(open_post, endpoint, without, body, kv) == 403
    assert open_post(endpoint, args, body, kv).message.content == "收入"


def test_encrypted_body_must_match_msg_signature(endpoint, kv):
    args, body = signed_push(endpoint, text(), encrypted=True)
    _, other = signed_push(endpoint, text("工单"), encrypted=True)
    assert refused(open_post, endpoint, args, other, kv) == 403


@pytest.mark.parametrize("skew", [301, -301, 86400])
def test_stale_timestamp(endpoint, kv, skew):
    now = int(time.time())
    args, body = signed_push(endpoint, text(), now=now - skew)
    assert refused(open_post, endpoint, args, body, kv, now) == 403


def test_replayed_nonce(endpoint, kv):
    args, body = signed_push(endpoint, text())
    open_post(endpoint, args, body, kv)
    assert refused(open_post, endpoint, args, body, kv) == 403


def test_refused_push_does_not_burn_its_nonce(endpoint, kv):
    args, body = signed_push(endpoint, text())
    refused(open_post, endpoint, args, b"<xml><broken>", kv)
    assert open_post(endpoint, args, body, kv).message.content == "收入"


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x "boom">]><xml><MsgType>text</MsgType><Content>&x;</Content></xml>',
        b'<!doctype xml SYSTEM "file:///etc/passwd"><xml><MsgType>text</MsgType></xml>',
        b"<xml><MsgType>text</MsgType><Content>unclosed</xml>",
        b"<xml><MsgType>text</MsgType>",
        b"",
        b"not xml at all",
        b"<other><MsgType>text</MsgType></other>",
        b"<xml>just text</xml>",
        b"<xml><Content>no type</Content></xml>",
        b"\xff\xfe<\x00x\x00",
        b'{"MsgType": ',
        b"[1, 2]",
        b"<xml><MsgType>text</MsgType><CreateTime>not-a-number</CreateTime><MsgId>x</MsgId></xml>",
    ],
)
def test_hostile_or_broken_bodies(endpoint, kv, body):
    args, _ = signed_push(endpoint, "")
    refused(open_post, endpoint, args, body, kv)


def test_hostile_body_inside_encryption(endpoint, kv):
    inner = '<!DOCTYPE xml [<!ENTITY x "boom">]><xml><MsgType>text</MsgType><Content>&x;</Content></xml>'
    args, body = signed_push(endpoint, inner, encrypted=True)
    assert refused(open_post, endpoint, args, body, kv) == 400


def test_oversized_body(endpoint, kv):
    args, body = signed_push(endpoint, text("x" * (70 * 1024)))
    assert refused(open_post, endpoint, args, body, kv) == 413


def test_retried_message_is_acted_on_once_and_gets_the_first_answer(endpoint, kv):
    acted = []

    def dispatch(inbound):
        acted.append(inbound.message.content)
        return "今日收入 12.00 元"

    xml = text(msg_id=777)
    first = handle_post(endpoint, *signed_push(endpoint, xml), kv, dispatch)
    again = handle_post(endpoint, *signed_push(endpoint, xml), kv, dispatch)
    assert acted == ["收入"]
    assert "今日收入" in first[0] and "今日收入" in again[0]


def test_events_deduplicated_by_sender_time_event_key(endpoint, kv):
    acted = []
    now = int(time.time())
    click = message_xml("gh", "oUSER", "event", now=now, Event="CLICK", EventKey="MY_EARNINGS")
    other = message_xml("gh", "oUSER", "event", now=now, Event="CLICK", EventKey="HELP")
    for xml in (click, click, other):
        handle_post(endpoint, *signed_push(endpoint, xml), kv, lambda inbound: acted.append(inbound.data["EventKey"]))
    assert acted == ["MY_EARNINGS", "HELP"]


def test_failing_command_answers_success(endpoint, kv, caplog):
    def dispatch(inbound):
        raise RuntimeError("boom")

    body, mimetype = handle_post(endpoint, *signed_push(endpoint, text()), kv, dispatch)
    assert body == "success" and "command failed" in caplog.text


def test_safe_mode_reply_is_encrypted(endpoint, kv):
    from wechat.callback import decrypt_text
    from wechat.callback import sign
    from wechat.xmlsafe import parse_xml

    args, body = signed_push(endpoint, text(), encrypted=True)
    reply, _ = handle_post(endpoint, args, body, kv, lambda inbound: "你好")
    envelope = parse_xml(reply)
    assert envelope["MsgSignature"] == sign(
        endpoint.token, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"]
    )
    inner = parse_xml(decrypt_text(endpoint, envelope["Encrypt"]))
    assert inner["Content"] == "你好" and inner["ToUserName"] == "oUSER"


def test_json_push_answers_success(endpoint, kv):
    payload = {
        "ToUserName": "gh",
        "FromUserName": "oU",
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": "x",
    }
    args, body = signed_push(endpoint, json.dumps(payload), encrypted=True, fmt="json")
    assert handle_post(endpoint, args, body, kv, lambda inbound: "ignored")[0] == "success"
