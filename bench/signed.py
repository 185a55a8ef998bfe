"""Pre-generated request files for wrk: signed WeChat callbacks and bearer-token API calls.

Computing SHA-1 in wrk's Lua is awkward, so Python writes N distinct requests (fresh timestamp, unique nonce,
unique MsgId, distinct sender + CreateTime for events) just before each run and `lua/replay.lua` walks
through them, each wrk thread on its own share, counting any request it has to send a second time.
Nonces, MsgIds and the events' CreateTime come from a sequence kept in BENCH_OUT/oa-sequence.json, so they
never repeat across files (a warm-up and the run after it are written in the same second).
Line format: METHOD<TAB>PATH<TAB>header1|header2<TAB>body; `{rid}` in a body becomes a unique request id.
"""

import fcntl
import hashlib
import json
import os
import time

OA_TOKEN = os.environ.get("BENCH_OA_TOKEN", "bench-oa-token")
TEXT_KEYWORD = "收入"
CLICK_KEY = "MY_EARNINGS"
OA_PATH = "/wechat/oa"
# Senders of the signed callbacks == workers the fixtures bind by openid (bench/fixtures.py uses this constant),
# so every callback reaches the earnings read.
N_SENDERS = int(os.environ.get("BENCH_WORKERS_FIXTURE", "200"))
EARNINGS_MARK = "今天验收"  # in the earnings reply of our callback and of the durable WeRoBot peer
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_TEXT = (
    "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
    "<CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
    "<Content><![CDATA[{content}]]></Content><MsgId>{msgid}</MsgId></xml>"
)
_CLICK = (
    "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{user}]]></FromUserName>"
    "<CreateTime>{created}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>"
    "<EventKey><![CDATA[{key}]]></EventKey></xml>"
)


def oa_openid(index):
    """The official-account openid of bench worker `index` (the fixtures bind the same ids)."""
    return f"oa-bench-{index:05d}"


def sign(token, *parts):
    """WeChat's callback signature: SHA-1 of the sorted, concatenated token/timestamp/nonce (and Encrypt)."""
    return hashlib.sha1("".join(sorted([token, *map(str, parts)])).encode()).hexdigest()


def signed_query(timestamp, nonce, openid, token=OA_TOKEN):
    return f"signature={sign(token, timestamp, nonce)}&timestamp={timestamp}&nonce={nonce}&openid={openid}"


def oa_message(kind, k, now, users=N_SENDERS, content=TEXT_KEYWORD, msgid=None, events_top=None):
    """The k-th distinct message of a file: kind 'text' (keyword) or 'click' (menu CLICK).

    `msgid` is the text message's MsgId (default `now` * 10^6 + k); events are de-duplicated on sender +
    CreateTime + Event + EventKey, so CreateTime walks back one second per round of senders from `events_top`."""
    user = oa_openid(k % users)
    if kind == "text":
        msgid = now * 1_000_000 + k if msgid is None else msgid
        return user, _TEXT.format(user=user, created=now, content=content, msgid=msgid)
    created = (now if events_top is None else events_top) - (k // users)
    return user, _CLICK.format(user=user, created=created, key=CLICK_KEY)


def _sequence_path():
    return os.path.join(os.environ.get("BENCH_OUT") or os.path.join(_ROOT, "bench", "out"), "oa-sequence.json")


def reserve(count, users, now):
    """Claim `count` sequence numbers (MsgIds and nonces) and `ceil(count / users)` event seconds per sender,
    none of them handed out before (across processes too); returns (first number, newest event CreateTime)."""
    path = _sequence_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        f.seek(0)
        try:
            state = json.loads(f.read() or "{}")
        except ValueError:
            state = {}
        # From now * 10^6 if the file is new: above anything handed out while fewer than 10^6 a second were used.
        first = max(int(state.get("next", 0)), now * 1_000_000)
        # Events: CreateTime goes back from just below the oldest second already used (never reused).
        top = min(now, int(state.get("event_floor", now + 1)) - 1)
        rounds = -(-count // users)
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"next": first + count, "event_floor": top - rounds + 1}))
    return first, top


def write_oa_requests(path, kind, count, path_prefix=OA_PATH, token=OA_TOKEN, users=N_SENDERS):
    """Write `count` signed, fresh, never-repeated callback requests of `kind` from `users` senders to `path`."""
    now = int(time.time())
    first, events_top = reserve(count, users, now)
    with open(path, "w", encoding="utf-8") as out:
        for k in range(count):
            seq = first + k
            user, body = oa_message(kind, k, now, users, msgid=seq, events_top=events_top)
            query = signed_query(now, f"{seq:x}", user, token)
            out.write(f"POST\t{path_prefix}?{query}\tContent-Type: text/xml\t{body}\n")
    return path


def write_api_requests(path, method, paths_tokens, body="", headers=()):
    """Write one line per (path, token): the replay script cycles through them."""
    with open(path, "w", encoding="utf-8") as out:
        for url, token in paths_tokens:
            headers = list(headers) + (["Content-Type: application/json"] if body else [])
            if token:
                headers.append(f"Authorization: Bearer {token}")
            out.write(f"{method}\t{url}\t{'|'.join(headers)}\t{body}\n")
    return path
