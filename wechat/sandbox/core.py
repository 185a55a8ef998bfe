"""Sandbox of api.weixin.qq.com: access tokens, mini-program login and the phone-number API.

Answers use WeChat's JSON shapes and error codes. A login code `test-<name>` is the same test user every
time (`test-<name>-nounion` has no unionid); any other code gets 40029. A phone code `phone-<digits>`
gives that number once (40163 when reused).
"""

import hashlib
import secrets
import time

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from wechat.sandbox import store

bp = Blueprint("sandbox_core", __name__)

TOKEN_TTL = 7200
OVERLAP = 300


def fake_id(prefix, *parts):
    """A stable WeChat-looking id (28 chars) derived from `parts`."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return (prefix + digest)[:28]


def err(errcode, errmsg, status=200):
    return jsonify({"errcode": errcode, "errmsg": errmsg}), status


def injected(name):
    """Apply a planned fault for `name`; returns a response to send instead, or None."""
    fault = store.take_fault(name)
    if fault is None:
        return None
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if fault.status != 200:
        return jsonify({"errcode": -1, "errmsg": "system error"}), fault.status
    if fault.errcode:
        return err(fault.errcode, "sandbox fault")
    return None


def _apps():
    return current_app.config["SANDBOX_APPS"]


def _check_secret(appid, secret):
    expected = _apps().get(appid)
    if expected is None:
        return err(40013, "invalid appid")
    if secret != expected:
        return err(40125, "invalid appsecret")
    return None


def _issue_token(appid):
    token = "SBX_" + secrets.token_urlsafe(48)
    now = int(time.time())
    previous = store.get_state("token:" + appid)
    store.set_state("token:" + appid, {"token": token, "expires": now + TOKEN_TTL, "previous": previous})
    store.record("token_issued", appid, {"token_tail": token[-6:]})
    return token, TOKEN_TTL


def token_valid(token):
    """True when `token` is the current access token of any sandbox app (or the previous one in its overlap)."""
    if not token:
        return False
    now = int(time.time())
    for appid in _apps():
        state = store.get_state("token:" + appid)
        while state:
            if state.get("token") == token and now < state.get("expires", 0):
                return True
            previous = state.get("previous")
            if previous and previous.get("token") == token and now < previous.get("expires", 0):
                return now < state["expires"] - TOKEN_TTL + OVERLAP
            state = None
    return False


def require_token():
    """40001 unless the call carries a valid access_token; also serves the 'token' faults."""
    fault = injected("token_check")
    if fault is not None:
        return fault
    if not token_valid(request.args.get("access_token", "")):
        return err(40001, "invalid credential, access_token is invalid or not latest")
    return None


@bp.get("/cgi-bin/token")
def token():
    fault = injected("cgi-bin/token")
    if fault is not None:
        return fault
    if request.args.get("grant_type") != "client_credential":
        return err(40002, "invalid grant_type")
    bad = _check_secret(request.args.get("appid", ""), request.args.get("secret", ""))
    if bad is not None:
        return bad
    access_token, ttl = _issue_token(request.args["appid"])
    return jsonify({"access_token": access_token, "expires_in": ttl})


@bp.post("/cgi-bin/stable_token")
def stable_token():
    fault = injected("cgi-bin/stable_token")
    if fault is not None:
        return fault
    body = request.get_json(force=True, silent=True) or {}
    if body.get("grant_type") != "client_credential":
        return err(40002, "invalid grant_type")
    appid = body.get("appid", "")
    bad = _check_secret(appid, body.get("secret", ""))
    if bad is not None:
        return bad
    store.record("stable_token_call", appid, {"force_refresh": bool(body.get("force_refresh"))})
    state = store.get_state("token:" + appid)
    now = int(time.time())
    if state and not body.get("force_refresh") and state["expires"] - now > 0:
        return jsonify({"access_token": state["token"], "expires_in": state["expires"] - now})
    access_token, ttl = _issue_token(appid)
    return jsonify({"access_token": access_token, "expires_in": ttl})


@bp.get("/sns/jscode2session")
def jscode2session():
    fault = injected("sns/jscode2session")
    if fault is not None:
        return fault
    args = request.args
    if args.get("grant_type") != "authorization_code":
        return err(40002, "invalid grant_type")
    bad = _check_secret(args.get("appid", ""), args.get("secret", ""))
    if bad is not None:
        return bad
    code = args.get("js_code", "")
    if not code.startswith("test-") or len(code) < 6 or len(code) > 64:
        return err(40029, "invalid code")
    name = code[len("test-") :]
    with_union = not name.endswith("-nounion")
    answer = {
        "openid": fake_id("oMP", args["appid"], name),
        "session_key": secrets.token_urlsafe(16),
    }
    if with_union:
        answer["unionid"] = fake_id("oU", name)
    store.record("jscode2session", answer["openid"], {"code": code})
    return jsonify(answer)


@bp.post("/wxa/business/getuserphonenumber")
def getuserphonenumber():
    denied = require_token()
    if denied is not None:
        return denied
    code = (request.get_json(force=True, silent=True) or {}).get("code", "")
    digits = code[len("phone-") :] if code.startswith("phone-") else ""
    if not digits.isdigit() or not 5 <= len(digits) <= 15:
        return err(40029, "invalid code")
    if store.get_state("phone_code_used:" + code):
        return err(40163, "code been used")
    store.set_state("phone_code_used:" + code, True)
    return jsonify(
        {
            "errcode": 0,
            "errmsg": "ok",
            "phone_info": {
                "phoneNumber": digits,
                "purePhoneNumber": digits,
                "countryCode": "86",
                "watermark": {"timestamp": int(time.time()), "appid": next(iter(_apps()), "")},
            },
        }
    )
