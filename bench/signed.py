"""Pre-generated request files for wrk: signed WeChat callbacks and bearer-token API calls.

Computing SHA-1 in wrk's Lua is awkward, so Python writes N distinct requests (fresh timestamp, unique nonce,
unique MsgId, distinct sender + CreateTime for events) just before each run and `lua/replay.lua` cycles
through them, each wrk thread taking its own stride so no request is sent twice while N is large enough.
Line format: METHOD<TAB>PATH<TAB>header1|header2<TAB>body; `{rid}` in a body becomes a unique request id.
"""

import hashlib
import os
import time
import uuid

OA_TOKEN = os.environ.get("BENCH_OA_TOKEN", "bench-oa-token")
TEXT_KEYWORD = "收入"
CLICK_KEY = "MY_EARNINGS"
OA_PATH = "/wechat/oa"
N_OA_USERS = 500

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


def oa_message(kind, k, now, users=N_OA_USERS, content=TEXT_KEYWORD):
    """The k-th distinct message of a run: kind 'text' (keyword) or 'click' (menu CLICK)."""
    user = oa_openid(k % users)
    # Events are de-duplicated on sender + CreateTime + Event + EventKey: walk CreateTime back per round of users.
    created = now - (k // users)
    if kind == "text":
        return user, _TEXT.format(user=user, created=now, content=content, msgid=now * 1_000_000 + k)
    return user, _CLICK.format(user=user, created=created, key=CLICK_KEY)


def write_oa_requests(path, kind, count, path_prefix=OA_PATH, token=OA_TOKEN):
    """Write `count` signed, fresh, never-repeated callback requests of `kind` to `path`."""
    now = int(time.time())
    run = uuid.uuid4().hex[:8]
    with open(path, "w", encoding="utf-8") as out:
        for k in range(count):
            user, body = oa_message(kind, k, now)
            nonce = f"{run}{k}"
            query = signed_query(now, nonce, user, token)
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
