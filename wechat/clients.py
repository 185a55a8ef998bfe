"""WeChat API clients for the mini-program and the official account, built once per process.

wechatpy clients are constructed with auto_retry=False (its retry recurses without limit on 40001); in
sandbox mode their HTTP session is routed in-process to the sandbox.
"""

import logging

import requests
from wechatpy.exceptions import WeChatClientException

from wechat import transport
from wechat.errors import WeChatError
from wechat.kvstore import DbStore
from wechat.tokens import SharedTokenClient

log = logging.getLogger(__name__)


class MiniProgram:
    """The calls lingong makes as the mini-program: login and phone number."""

    def __init__(self, client):
        self.client = client

    def code_to_session(self, code):
        return _call(self.client.wxa.code_to_session, code)

    def phone_number(self, code):
        result = _call(
            self.client.post,
            "wxa/business/getuserphonenumber",
            data={"code": code},
            api_base_url="https://api.weixin.qq.com/",
        )
        return result["phone_info"]["purePhoneNumber"]


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except WeChatClientException as exc:
        raise WeChatError(exc.errcode, exc.errmsg) from exc
    except requests.RequestException as exc:
        raise WeChatError(None, str(exc)) from exc


def build_client(appid, secret, sandbox_app=None, timeout=5, store=None):
    """A client sharing its token through `store` (wechat.kvstore; the database when None)."""
    client = SharedTokenClient(appid, secret, store or DbStore(), timeout=timeout)
    if sandbox_app is not None:
        transport.mount(client._http, sandbox_app)
    return client
