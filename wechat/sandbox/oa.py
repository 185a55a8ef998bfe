"""Sandbox of the official-account and subscribe-message APIs: template/subscribe/custom sends and the menu.

What was sent is kept with store.record (kinds template_send, subscribe_send, custom_send, menu) for developers
(`flask --app app wechat sent`) and tests. Faults are planned per API path with store.add_fault.
"""

from flask import Blueprint
from flask import jsonify
from flask import request

from wechat.sandbox import store
from wechat.sandbox.core import err
from wechat.sandbox.core import fake_id
from wechat.sandbox.core import injected
from wechat.sandbox.core import require_token

bp = Blueprint("sandbox_oa", __name__)

FIELD_LIMIT = 20  # characters per template field value since 2023


def _guard(path):
    denied = require_token()
    if denied is not None:
        return denied
    return injected(path)


def _next_msgid():
    msgid = int(store.get_state("oa:msgid", 1000)) + 1
    store.set_state("oa:msgid", msgid)
    return msgid


def oa_user(appid, name):
    """The official-account openid of test user `name` (as `test-<name>` logs in to the mini-program).

    The same person has the same unionid in both accounts; a name ending in `-nounion` has none.
    """
    openid = fake_id("oOA", appid, name)
    unionid = None if name.endswith("-nounion") else fake_id("oU", name)
    store.set_state("oa:user:" + openid, {"name": name, "unionid": unionid})
    return openid


@bp.get("/cgi-bin/user/info")
def user_info():
    denied = _guard("cgi-bin/user/info")
    if denied is not None:
        return denied
    openid = request.args.get("openid", "")
    user = store.get_state("oa:user:" + openid)
    if user is None:
        return err(40003, "invalid openid")
    answer = {
        "subscribe": 0 if store.get_state("oa:unsubscribed:" + openid) else 1,
        "openid": openid,
        "language": "zh_CN",
        "subscribe_time": 1700000000,
    }
    if user.get("unionid"):
        answer["unionid"] = user["unionid"]
    return jsonify(answer)


def unsubscribe(openid):
    """Make `openid` an unfollower (template sends then fail with 43004)."""
    store.set_state("oa:unsubscribed:" + openid, True)


def grant_consent(openid, template_id, count=1):
    """Add `count` one-time subscribe-message consents of `openid` for `template_id`."""
    key = f"mp:consent:{openid}:{template_id}"
    store.set_state(key, int(store.get_state(key, 0)) + count)


def _bad_fields(data):
    if not isinstance(data, dict) or not data:
        return "data missing"
    for name, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value or len(value) > FIELD_LIMIT:
            return f"argument invalid! data.{name}.value"
    return None


def _message(path):
    """A template/subscribe send checked as WeChat does: (body, touser, template_id, error answer or None)."""
    denied = _guard(path)
    if denied is not None:
        return None, "", "", denied
    body = request.get_json(force=True, silent=True) or {}
    touser, template_id = body.get("touser", ""), body.get("template_id", "")
    if not touser:
        return body, touser, template_id, err(40003, "invalid openid")
    if not template_id:
        return body, touser, template_id, err(40037, "invalid template_id")
    problem = _bad_fields(body.get("data"))
    if problem:
        return body, touser, template_id, err(47003, problem)
    return body, touser, template_id, None


@bp.post("/cgi-bin/message/template/send")
def template_send():
    body, touser, template_id, refused = _message("cgi-bin/message/template/send")
    if refused is not None:
        return refused
    if store.get_state("oa:unsubscribed:" + touser):
        return err(43004, "require subscribe")
    msgid = _next_msgid()
    store.record("template_send", touser, dict(body, msgid=msgid))
    return jsonify({"errcode": 0, "errmsg": "ok", "msgid": msgid})


@bp.post("/cgi-bin/message/subscribe/send")
def subscribe_send():
    body, touser, template_id, refused = _message("cgi-bin/message/subscribe/send")
    if refused is not None:
        return refused
    key = f"mp:consent:{touser}:{template_id}"
    left = int(store.get_state(key, 0))
    if left <= 0:
        return err(43101, "user refuse to accept the msg")
    store.set_state(key, left - 1)
    msgid = _next_msgid()
    store.record("subscribe_send", touser, dict(body, msgid=msgid))
    return jsonify({"errcode": 0, "errmsg": "ok", "msgid": msgid})


@bp.post("/cgi-bin/message/custom/send")
def custom_send():
    denied = _guard("cgi-bin/message/custom/send")
    if denied is not None:
        return denied
    body = request.get_json(force=True, silent=True) or {}
    if not body.get("touser"):
        return err(40003, "invalid openid")
    store.record("custom_send", body["touser"], body)
    return jsonify({"errcode": 0, "errmsg": "ok"})


def _bad_menu(buttons):
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return "button size out of limit"
    for button in buttons:
        subs = button.get("sub_button") or []
        if len(subs) > 5:
            return "sub button size out of limit"
        if not button.get("name") or any(not sub.get("name") for sub in subs):
            return "button name missing"
        for item in subs or [button]:
            if item.get("type") == "click" and not item.get("key"):
                return "button key missing"
    return None


@bp.post("/cgi-bin/menu/create")
def menu_create():
    denied = _guard("cgi-bin/menu/create")
    if denied is not None:
        return denied
    body = request.get_json(force=True, silent=True) or {}
    problem = _bad_menu(body.get("button"))
    if problem:
        return err(40017 if "size" in problem else 40016, problem)
    store.set_state("oa:menu", body)
    store.record("menu", "", body)
    return jsonify({"errcode": 0, "errmsg": "ok"})


@bp.get("/cgi-bin/menu/get")
def menu_get():
    denied = _guard("cgi-bin/menu/get")
    if denied is not None:
        return denied
    menu = store.get_state("oa:menu")
    if menu is None:
        return err(46003, "menu no exist")
    return jsonify({"menu": menu})
