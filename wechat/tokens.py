"""Access tokens shared by every process (database or Redis, see wechat.kvstore), fetched with stable_token.

Concurrent refreshes take one lock, so several processes that find the token stale make a single call; a
token WeChat rejects (40001/42001) is force-refreshed once, never in a loop; a busy answer (-1) is retried
with backoff.
"""

import json
import logging
import secrets
import time

import requests
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from wechat.errors import WeChatError

log = logging.getLogger(__name__)

TOKEN_ERRORS = (40001, 40014, 42001)
BUSY = -1
EARLY = 300  # refresh this many seconds before WeChat's expiry
LOCK_TTL = 15
LOCK_WAIT = 8.0
POLL = 0.05


class TokenStore:
    """The current access token of one appid; `fetch(force)` gets a fresh one -> (token, expires_in)."""

    busy_backoff = (0.2, 0.5, 1.0)

    def __init__(self, kv, appid, fetch):
        self.kv = kv
        self.appid = appid
        self.fetch = fetch
        self.key = f"wx:token:{appid}"
        self.lock_key = f"wx:token-lock:{appid}"

    def _read(self):
        raw = self.kv.get(self.key)
        if not raw:
            return None
        state = json.loads(raw)
        return state["token"] if state.get("fresh_until", 0) > time.time() else None

    def current(self):
        """The token every process shares, refreshed (by one process) when missing or about to expire."""
        return self._read() or self._refresh(force=False, stale=None)

    def invalidate(self, rejected):
        """WeChat rejected `rejected`: force one refresh, unless another process already replaced it."""
        return self._refresh(force=True, stale=rejected)

    def _refresh(self, force, stale):
        owner = secrets.token_hex(8)
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            if self.kv.add(self.lock_key, owner, LOCK_TTL):
                try:
                    token = self._read()
                    if token and token != stale:
                        return token  # someone refreshed while we waited for the lock
                    return self._fetch_and_store(force)
                finally:
                    self.kv.delete(self.lock_key, owner)
            token = self._read()
            if token and token != stale:
                return token
            if time.monotonic() > deadline:
                raise WeChatError(None, f"timed out waiting for the access-token refresh of {self.appid}")
            time.sleep(POLL)

    def _fetch_and_store(self, force):
        for attempt, delay in enumerate((0, *self.busy_backoff)):
            time.sleep(delay)
            try:
                token, expires_in = self.fetch(force)
                break
            except WeChatError as exc:
                if exc.errcode != BUSY or attempt == len(self.busy_backoff):
                    log.error("access token for %s could not be fetched: %s", self.appid, exc)
                    raise
                log.warning("stable_token busy for %s, retrying", self.appid)
        ttl = max(int(expires_in), 60)
        state = {"token": token, "fresh_until": time.time() + max(ttl - EARLY, ttl // 2)}
        self.kv.set(self.key, json.dumps(state), ttl)
        log.info("access token for %s refreshed (force=%s)", self.appid, force)
        return token


class SharedTokenClient(WeChatClient):
    """A wechatpy client (auto_retry off) whose token lives in the shared store; retries bounded by design."""

    busy_backoff = (0.2, 0.5)

    def __init__(self, appid, secret, kv, timeout=5):
        super().__init__(appid, secret, timeout=timeout, auto_retry=False)
        self.tokens = TokenStore(kv, appid, self._fetch_stable)

    @property
    def access_token(self):
        return self.tokens.current()

    def fetch_access_token(self):
        return {"access_token": self.tokens.invalidate(self.tokens._read())}

    def _fetch_stable(self, force):
        body = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
        if force:
            body["force_refresh"] = True
        try:
            res = self._http.post("https://api.weixin.qq.com/cgi-bin/stable_token", json=body, timeout=self.timeout)
        except requests.RequestException as exc:
            raise WeChatError(None, f"stable_token unreachable: {exc}") from exc
        result = self._decode_result(res)
        if not isinstance(result, dict) or result.get("errcode") or "access_token" not in result:
            errcode = result.get("errcode") if isinstance(result, dict) else None
            raise WeChatError(errcode, str(result)[:200])
        return result["access_token"], result.get("expires_in", 7200)

    def _request(self, method, url_or_endpoint, **kwargs):
        refreshed, busy = False, 0
        while True:
            token = self.tokens.current()
            attempt = dict(kwargs, params=dict(kwargs.get("params") or {}, access_token=token))
            try:
                return super()._request(method, url_or_endpoint, **attempt)
            except WeChatClientException as exc:
                if exc.errcode in TOKEN_ERRORS and not refreshed:
                    log.warning(
                        "WeChat rejected the access token of %s (%s); one forced refresh", self.appid, exc.errcode
                    )
                    self.tokens.invalidate(token)
                    refreshed = True
                    continue
                if exc.errcode in TOKEN_ERRORS:
                    log.error(
                        "WeChat rejected the access token of %s again after a forced refresh (%s); giving up",
                        self.appid,
                        exc.errcode,
                    )
                elif exc.errcode == BUSY and busy < len(self.busy_backoff):
                    time.sleep(self.busy_backoff[busy])
                    busy += 1
                    continue
                raise
