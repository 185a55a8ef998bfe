"""Routes wechatpayv3's module-level `requests.get/post` through the session of the PayClient making the call.

wechatpayv3 2.0.4 sends with the `requests` module directly; replacing that one reference with a router lets
each call use its client's Session (the in-process sandbox adapter, or a pooled real session).
"""

import contextvars

import requests
import wechatpayv3.core

call_state = contextvars.ContextVar("wechatpay_call", default=None)


class _Router:
    """Stands in for the `requests` module inside wechatpayv3.core."""

    def __getattr__(self, name):
        return getattr(requests, name)

    def _send(self, method, url, **kwargs):
        state = call_state.get()
        if state is None:
            return getattr(requests, method)(url, **kwargs)
        state["sent"] = True
        return getattr(state["session"], method)(url, **kwargs)

    def get(self, url, **kwargs):
        return self._send("get", url, **kwargs)

    def post(self, url, **kwargs):
        return self._send("post", url, **kwargs)

    def put(self, url, **kwargs):
        return self._send("put", url, **kwargs)

    def patch(self, url, **kwargs):
        return self._send("patch", url, **kwargs)

    def delete(self, url, **kwargs):
        return self._send("delete", url, **kwargs)


def install():
    """Put the router in place (once per process; idempotent)."""
    if not isinstance(wechatpayv3.core.requests, _Router):
        wechatpayv3.core.requests = _Router()
