"""Build pushes exactly as WeChat sends them (signed, optionally encrypted), for the simulate CLI and tests."""

import time

from wechat.callback import encrypt_text
from wechat.callback import new_nonce
from wechat.callback import sign


def message_xml(to_user, from_user, msg_type, now=None, msg_id=None, **fields):
    """A pushed message/event document; `fields` become elements (Event, EventKey, Content, Recognition...)."""
    now = int(time.time()) if now is None else now
    parts = [
        f"<ToUserName><![CDATA[{to_user}]]></ToUserName>",
        f"<FromUserName><![CDATA[{from_user}]]></FromUserName>",
        f"<CreateTime>{now}</CreateTime>",
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
    ]
    parts += [f"<{name}><![CDATA[{value}]]></{name}>" for name, value in fields.items() if value is not None]
    if msg_id is not None:
        parts.append(f"<MsgId>{msg_id}</MsgId>")
    return "<xml>" + "".join(parts) + "</xml>"


def signed_push(endpoint, body, encrypted=False, now=None, nonce=None, fmt="xml"):
    """(query args, body bytes) for POSTing `body` to `endpoint` the way WeChat would."""
    timestamp = str(int(time.time()) if now is None else now)
    nonce = nonce or new_nonce()
    args = {"timestamp": timestamp, "nonce": nonce, "signature": sign(endpoint.token, timestamp, nonce)}
    if not encrypted:
        return args, body.encode("utf-8") if isinstance(body, str) else body
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    encrypt = encrypt_text(endpoint, text)
    args.update(encrypt_type="aes", msg_signature=sign(endpoint.token, timestamp, nonce, encrypt))
    if fmt == "json":
        import json

        return args, json.dumps({"ToUserName": "", "Encrypt": encrypt}).encode()
    return args, f"<xml><ToUserName><![CDATA[]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>".encode()


def signed_echo(endpoint, echostr="echo-check", now=None, nonce=None):
    timestamp = str(int(time.time()) if now is None else now)
    nonce = nonce or new_nonce()
    return {
        "timestamp": timestamp,
        "nonce": nonce,
        "echostr": echostr,
        "signature": sign(endpoint.token, timestamp, nonce),
    }
