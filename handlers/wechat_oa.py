"""The official account's callback `GET/POST /wechat/oa`: transport in wechat.callback, commands in the registry.

Events change state through services/followers; menu clicks, keywords and voice go to wechat.commands.
Notices enqueued by any request are delivered after its response (services.unit, handlers.after_response).
"""

import logging

from flask import Blueprint
from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request

from handlers import wechat_commands
from handlers.common import now as request_now
from handlers.common import worker_required
from services.clock import iso_utc
from services.errors import DomainError
from services.notices import outbox as notices
from services.people import followers
from wechat import commands
from wechat import subscribe_events
from wechat.callback import CallbackError
from wechat.callback import Endpoint
from wechat.callback import handle_post
from wechat.callback import verify_echo
from wechat.kvstore import current_store

log = logging.getLogger(__name__)

bp = Blueprint("wechat_oa", __name__)

WELCOME = "欢迎关注零工市场！干完活当天结账，收入、工单都能在这里查。"


def endpoint(name="oa"):
    cfg = current_app.config
    prefix = "WECHAT_OA_" if name == "oa" else "WECHAT_MP_"
    token = cfg.get(prefix + "TOKEN", "")
    if not token:
        raise CallbackError(404, f"{name} callback not configured")
    skew = cfg.get("WECHAT_CALLBACK_MAX_SKEW", 300)
    return Endpoint(
        name,
        token,
        cfg.get(prefix + "APPID", ""),
        cfg.get(prefix + "AES_KEY", ""),
        max_skew=None if skew in (None, "", "off") else int(skew),
    )


@bp.errorhandler(CallbackError)
def refused(exc):
    log.warning("wechat callback refused: %s %s", exc.status, exc.reason)
    return Response(exc.reason, status=exc.status, mimetype="text/plain")


def answer(name, dispatcher, args, body, replay_safe=None):
    """(status, mimetype, text) for one push to /wechat/<name>: its view and the WSGI lane (wechat/lane.py) both
    come here, so a refusal is answered the same way on either path."""
    try:
        text, mimetype = handle_post(endpoint(name), args, body, current_store(), dispatcher, replay_safe=replay_safe)
    except CallbackError as exc:
        log.warning("wechat %s callback refused: %s %s", name, exc.status, exc.reason)
        return exc.status, "text/plain", exc.reason
    return 200, mimetype, text


def answer_push(args, body):
    return answer("oa", dispatch, args, body, replay_safe=replay_safe)


@bp.get("/wechat/oa")
def verify():
    return Response(verify_echo(endpoint(), request.args, current_store()), mimetype="text/plain")


@bp.post("/wechat/oa")
def push():
    status, mimetype, text = answer_push(request.args, request.get_data(cache=False))
    return Response(text, status=status, mimetype=mimetype)


@bp.post("/api/v1/me/oa-bind-code")
@worker_required
def bind_code():
    """A one-time code the worker sends to the official account to join it to their record (when no unionid)."""
    code, expires_at = followers.issue_bind_code(g.worker, current_store(), request_now())
    return jsonify({"code": code, "expires_at": iso_utc(expires_at), "bound": bool(g.worker.oa_openid)})


def dispatch(inbound):
    """Reply text for one verified push, or None for `success`."""
    msg, now = inbound.message, request_now()
    ctx = commands.Context(inbound, None, now, load_worker=lambda: followers.worker_for_openid(inbound.source))
    if msg.type == "event":
        handler = EVENTS.get(msg.event)
        return handler(ctx) if handler else None
    if msg.type == "text":
        return _text(ctx, msg.content)
    if msg.type == "voice":
        if not msg.recognition:
            return "没听清，请再说一遍，或者点下面的菜单。"
        return _text(ctx, msg.recognition, voice=True)
    return None


def replay_safe(inbound):
    """True when answering this push changes nothing (a query command or the help text): a retry just runs it."""
    msg = inbound.message
    if msg.type == "text":
        if followers.looks_like_bind_code(msg.content):
            return False
        cmd = commands.by_text(msg.content)
    elif msg.type == "voice":
        cmd = commands.by_text(msg.recognition) if msg.recognition else None
    elif msg.type == "event" and msg.event == "click":
        cmd = commands.by_key(msg.key)
    else:
        return False
    return cmd is None or cmd.reads_only


def _text(ctx, text, voice=False):
    if not voice and followers.looks_like_bind_code(text):
        try:
            worker = followers.bind_with_code(ctx.openid, text, current_store(), ctx.now)
        except DomainError as exc:  # too many wrong codes
            return exc.message
        if worker is None:
            return "绑定码不对或已过期，请在小程序里重新获取。"
        return f"绑定成功！{worker.name or ''}以后干完活的验收和到账都会在这里通知您。\n" + wechat_commands.HELP_TEXT
    cmd = commands.by_text(text)
    if cmd is None:
        return wechat_commands.HELP_TEXT
    return commands.run(cmd, ctx, wechat_commands.NOT_BOUND_TEXT)


def _unionid(openid):
    try:
        client = current_app.extensions["wechat_oa_client"]
        info = client.get("user/info", params={"openid": openid, "lang": "zh_CN"}, timeout=2)  # inside the 5 s
    except Exception as exc:  # noqa: BLE001 - fall back to the bind code
        log.warning("user/info failed for a follower: %s", exc)
        return None
    return info.get("unionid") if isinstance(info, dict) else None


def _subscribe(ctx):
    worker = followers.record_subscribe(ctx.openid, _unionid(ctx.openid), ctx.now)
    if worker is None:
        return WELCOME + "\n" + wechat_commands.NOT_BOUND_TEXT
    ctx.worker = worker
    scene = followers.station_from_scene(ctx.inbound.data.get("EventKey"))
    extra = _checkin(ctx, scene) if scene else ""
    return "\n".join(part for part in (WELCOME, extra, wechat_commands.HELP_TEXT) if part)


def _checkin(ctx, station_id):
    try:
        _row, station = followers.record_checkin(ctx.worker, station_id, ctx.now)
    except DomainError as exc:
        return exc.message
    return f"已在{station.name}签到。"


def _scan(ctx):
    station_id = followers.station_from_scene(ctx.inbound.data.get("EventKey"))
    if station_id is None:
        return None
    if ctx.worker is None:
        return wechat_commands.NOT_BOUND_TEXT
    return _checkin(ctx, station_id)


def _unsubscribe(ctx):
    followers.record_unsubscribe(ctx.openid, ctx.now)
    return None


def _click(ctx):
    cmd = commands.by_key(ctx.inbound.data.get("EventKey"))
    return commands.run(cmd, ctx, wechat_commands.NOT_BOUND_TEXT) if cmd else None


def _template_finished(ctx):
    data = ctx.inbound.data
    notices.record_delivery(data.get("MsgID") or data.get("MsgId"), data.get("Status", ""), ctx.now)
    return None


def _subscribe_msg_sent(ctx):
    notices.record_deliveries(subscribe_events.sent_results(ctx.inbound.data), ctx.now)
    return None


EVENTS = {
    "subscribe": _subscribe,
    "subscribe_scan": _subscribe,
    "unsubscribe": _unsubscribe,
    "scan": _scan,
    "click": _click,
    "templatesendjobfinish": _template_finished,
    "subscribe_msg_sent_event": _subscribe_msg_sent,
}
