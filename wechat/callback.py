"""Transport of WeChat push callbacks (official account and mini-program): verify, decrypt, parse, reply.

Plain mode signs only token/timestamp/nonce; safe mode (`encrypt_type=aes`) is verified with `msg_signature`
over token/timestamp/nonce/Encrypt. Every refusal is a CallbackError carrying a 4xx status.
"""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass

from wechatpy.crypto import PrpCrypto

from wechat import dedupe
from wechat import xmlsafe
from wechat.message import Message
from wechat.message import text_reply_xml

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
MAX_SKEW = 300


class CallbackError(Exception):
    """A refused callback request; `status` is the HTTP status to answer (always 4xx)."""

    def __init__(self, status, reason):
        super().__init__(f"{status} {reason}")
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Endpoint:
    """One callback URL's settings: its token, appid, EncodingAESKey (safe mode) and limits."""

    name: str
    token: str
    appid: str = ""
    aes_key: str = ""
    max_skew: int | None = MAX_SKEW  # None: no clock check (conformance vectors only)
    max_body: int = MAX_BODY


@dataclass
class Inbound:
    """A verified, decrypted, parsed push."""

    message: Message
    data: dict  # the fields (strings; nested elements as dicts, repeated ones as lists)
    fmt: str  # 'xml' | 'json'
    safe: bool
    timestamp: str
    nonce: str

    @property
    def source(self):
        return self.data.get("FromUserName", "")

    @property
    def event(self):
        return str(self.data.get("Event", ""))


def sign(*parts):
    """WeChat's signature: sha1 of the sorted, concatenated parts."""
    return hashlib.sha1("".join(sorted(str(p) for p in parts)).encode("utf-8")).hexdigest()


def _same(expected, given):
    return hmac.compare_digest(expected.encode("utf-8"), (given or "").encode("utf-8"))


def _check_clock(endpoint, timestamp, now):
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise CallbackError(400, "timestamp missing or not a number") from exc
    if endpoint.max_skew is not None and abs(now - stamp) > endpoint.max_skew:
        raise CallbackError(403, "timestamp outside the allowed window")


def _nonce_key(endpoint, timestamp, nonce):
    if not nonce or len(nonce) > 64:
        raise CallbackError(400, "nonce missing or too long")
    return f"wx:nonce:{endpoint.name}:{timestamp}:{nonce}"


def _nonce_ttl(endpoint):
    return 2 * (endpoint.max_skew or MAX_SKEW) + 60


def _claim_nonce(endpoint, store, timestamp, nonce):
    if not store.add(_nonce_key(endpoint, timestamp, nonce), "1", _nonce_ttl(endpoint)):
        raise CallbackError(403, "nonce already used")


def verify_echo(endpoint, args, store, now=None):
    """The `echostr` of a URL-verification GET when its signature is valid; CallbackError(403) otherwise."""
    now = int(time.time()) if now is None else now
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    if not _same(sign(endpoint.token, timestamp, nonce), args.get("signature")):
        raise CallbackError(403, "bad signature")
    _check_clock(endpoint, timestamp, now)
    echostr = args.get("echostr")
    if not echostr:
        raise CallbackError(400, "echostr missing")
    _claim_nonce(endpoint, store, timestamp, nonce)
    return echostr


def open_post(endpoint, args, body, store, now=None):
    """Verify, decrypt and parse a pushed POST; the nonce is claimed only once everything checked out."""
    inbound = _open(endpoint, args, body, int(time.time()) if now is None else now)
    _claim_nonce(endpoint, store, inbound.timestamp, inbound.nonce)
    return inbound


def _open(endpoint, args, body, now):
    if body is None or len(body) > endpoint.max_body:
        raise CallbackError(413, "body too large")
    timestamp, nonce = args.get("timestamp", ""), args.get("nonce", "")
    safe = args.get("encrypt_type", "raw") == "aes"
    if args.get("encrypt_type", "raw") not in ("raw", "aes"):
        raise CallbackError(400, "unknown encrypt_type")
    if not safe and not _same(sign(endpoint.token, timestamp, nonce), args.get("signature")):
        raise CallbackError(403, "bad signature")
    if safe and not args.get("msg_signature"):
        raise CallbackError(403, "msg_signature required in safe mode")
    _check_clock(endpoint, timestamp, now)
    fmt = xmlsafe.body_format(body)
    try:
        outer = xmlsafe.parse_json(body) if fmt == "json" else xmlsafe.parse_xml(body)
    except xmlsafe.UnsafeBody as exc:
        raise CallbackError(400, exc.reason) from exc
    data = _decrypt(endpoint, outer, args, timestamp, nonce) if safe else outer
    _nonce_key(endpoint, timestamp, nonce)  # a missing or oversized nonce is refused before anything is stored
    message = _to_message(xmlsafe.as_strings(data) if fmt == "json" else data)
    return Inbound(message=message, data=message.data, fmt=fmt, safe=safe, timestamp=timestamp, nonce=nonce)


def _decrypt(endpoint, outer, args, timestamp, nonce):
    encrypt = outer.get("Encrypt")
    if not endpoint.aes_key:
        raise CallbackError(400, "safe mode is not configured")
    if not isinstance(encrypt, str) or not encrypt:
        raise CallbackError(400, "Encrypt missing")
    if not _same(sign(endpoint.token, timestamp, nonce, encrypt), args.get("msg_signature")):
        raise CallbackError(403, "bad msg_signature")
    plain = decrypt_text(endpoint, encrypt)
    try:
        if xmlsafe.body_format(plain) == "json":
            return xmlsafe.parse_json(plain)
        return xmlsafe.parse_xml(plain)
    except xmlsafe.UnsafeBody as exc:
        raise CallbackError(400, exc.reason) from exc


def _crypto(endpoint, random16=None):
    try:
        key = base64.b64decode(endpoint.aes_key + "=")
    except ValueError as exc:
        raise CallbackError(400, "safe mode is misconfigured") from exc
    crypto = PrpCrypto(key)
    if random16 is not None:
        crypto.get_random_string = lambda: random16
    return crypto


def encrypt_text(endpoint, plaintext, random16=None):
    """WeChat's AES-256-CBC framing (random16, length, text, appid), base64; random16 fixed only in tests."""
    return _crypto(endpoint, random16).encrypt(plaintext, endpoint.appid).decode("ascii")


def decrypt_text(endpoint, encrypt):
    """The plaintext inside `encrypt`; CallbackError(400) when it is not ours (bad framing or appid)."""
    try:
        return _crypto(endpoint).decrypt(encrypt, endpoint.appid)
    except CallbackError:
        raise
    except Exception as exc:  # bad base64, padding, framing or appid: all mean "not for us"
        raise CallbackError(400, "cannot decrypt") from exc


def _to_message(data):
    """The Message for `data`, once its type and numeric fields are checked."""
    if not isinstance(data.get("MsgType"), str) or not data["MsgType"]:
        raise CallbackError(400, "MsgType missing")
    for name in ("CreateTime", "MsgId", "MsgID"):
        value = data.get(name)
        if value is not None and not (isinstance(value, str) and value.lstrip("-").isdigit() and len(value) <= 20):
            raise CallbackError(400, f"{name} is not a number")
    for name in ("FromUserName", "ToUserName", "Event", "EventKey", "Content"):
        if name in data and data[name] is not None and not isinstance(data[name], str):
            raise CallbackError(400, f"{name} is not text")
    return Message(data)


def dedupe_key(endpoint, inbound):
    """WeChat's retry identity: MsgId, or sender + CreateTime + Event + EventKey for events."""
    data = inbound.data
    msg_id = data.get("MsgId") or data.get("MsgID")
    if msg_id and str(msg_id) != "0":
        ident = f"id:{msg_id}"
    else:
        key = data.get("EventKey") or ""
        ident = f"ev:{data.get('FromUserName', '')}|{data.get('CreateTime', '')}|{data.get('Event', '')}|{key}"
    return f"wx:msg:{endpoint.name}:{hashlib.sha256(ident.encode('utf-8')).hexdigest()[:40]}"


def render_reply(endpoint, inbound, text, now=None, random16=None):
    """(body, mimetype) answering `inbound` with `text`, or 'success' when there is nothing to say."""
    if not text or inbound.fmt == "json":
        return "success", "text/plain"
    xml = text_reply_xml(inbound.message, text, int(time.time()) if now is None else now)
    if not inbound.safe:
        return xml, "application/xml"
    return encrypt_reply(endpoint, xml, inbound.nonce, now=now, random16=random16), "application/xml"


def encrypt_reply(endpoint, plaintext, nonce, now=None, random16=None, fmt="xml"):
    """The safe-mode reply envelope (Encrypt, MsgSignature, TimeStamp, Nonce) for `plaintext`."""
    timestamp = str(int(time.time()) if now is None else now)
    encrypt = encrypt_text(endpoint, plaintext, random16)
    signature = sign(endpoint.token, timestamp, nonce, encrypt)
    if fmt == "json":
        return json.dumps({"Encrypt": encrypt, "MsgSignature": signature, "TimeStamp": timestamp, "Nonce": nonce})
    return (
        f"<xml><Encrypt><![CDATA[{encrypt}]]></Encrypt><MsgSignature><![CDATA[{signature}]]></MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>"
    )


def handle_post(endpoint, args, body, store, dispatch, now=None, replay_safe=None):
    """Open a push, act on it once across processes, answer within WeChat's rules.

    The nonce and a short claim on the message's de-duplication key are taken together (one statement on the
    database); see wechat.dedupe for how a retry meets the claim: it gets the first answer again, waits while the
    claim is live, or takes over a claim whose holder died mid-dispatch. A push for which `replay_safe(inbound)` is
    true (a read-only query) claims only its nonce: a retry is simply answered again, and no answer is stored. A
    failing `dispatch` is logged and answered `success`.
    """
    now = int(time.time()) if now is None else now
    inbound = _open(endpoint, args, body, now)
    nonce_key = _nonce_key(endpoint, inbound.timestamp, inbound.nonce)
    quiet = replay_safe is not None and replay_safe(inbound)
    if quiet:  # a query: only the nonce is claimed, a retry simply asks again
        _claim_nonce(endpoint, store, inbound.timestamp, inbound.nonce)
    else:
        key, claim = dedupe_key(endpoint, inbound), dedupe.new_claim()
        claimed = store.add_many({nonce_key: ("1", _nonce_ttl(endpoint)), key: (claim, dedupe.LEASE)})
        if nonce_key not in claimed:
            if key in claimed:  # a replayed request must leave nothing behind
                store.delete(key, claim)
            raise CallbackError(403, "nonce already used")
        if key not in claimed:
            first = dedupe.await_answer(store, key, claim)
            if first is not None:
                log.info("wechat %s: duplicate push %s answered from cache", endpoint.name, key)
                return render_reply(endpoint, inbound, first, now)
    try:
        text = dispatch(inbound)
    except Exception:
        log.exception("wechat %s: command failed for %s", endpoint.name, inbound.data.get("MsgType"))
        text = None
    if not quiet:
        dedupe.finish(store, key, claim, text or "")
    return render_reply(endpoint, inbound, text, now)


def new_nonce():
    return str(secrets.randbelow(10**10))
