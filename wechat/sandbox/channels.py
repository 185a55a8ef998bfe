"""Sandbox of the Channels assistant (视频号助手) live APIs: get_finder_live_data_list and the live reservation
records, with WeChat's paths, field names and errors (40001 bad token, 48001 capability off, 47001 bad body).

Controls for developers and tests: `create_live(export_id, ...)` makes a closed live with its figures,
`create_notice(notice_id, ...)` a reservation, `set_capability(False)` switches the live-data capability off.
Faults are planned per API path with store.add_fault, as elsewhere in the sandbox.
"""

from flask import Blueprint
from flask import jsonify
from flask import request

from wechat.sandbox import store
from wechat.sandbox.core import err
from wechat.sandbox.core import injected
from wechat.sandbox.core import require_token

bp = Blueprint("sandbox_channels", __name__)

DATA_PATH = "channels/finderlive/get_finder_live_data_list"
NOTICE_PATH = "channels/ec/finderlive/getfinderlivenoticerecordlist"
PAGE = 10  # items per page of get_finder_live_data_list
FIGURES = (
    "total_audience_count",
    "max_online_count",
    "audiences_avg_seconds",
    "forward_count",
    "total_comment_count",
    "total_cheer_count",
    "new_follow_count",
)


def set_capability(on):
    """Switch the account's live-data capability (视频号助手 → 开放能力) on or off; off answers 48001."""
    store.set_state("channels:capability_off", not on)


def create_live(export_id, live_start_time, live_duration_in_seconds=3600, **figures):
    """A closed live of the account with its figures (WeChat's field names; unknown names are refused)."""
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise ValueError(f"not a live-data field: {sorted(unknown)}")
    item = {
        "export_id": export_id,
        "live_start_time": int(live_start_time),
        "live_duration_in_seconds": int(live_duration_in_seconds),
        **{name: int(figures.get(name, 0)) for name in FIGURES},
    }
    lives = [live for live in store.get_state("channels:lives", []) if live["export_id"] != export_id]
    store.set_state("channels:lives", [*lives, item])
    return item


def create_notice(notice_id, start_time, description="", status=0):
    """A live reservation (预约) of the account, as getfinderlivenoticerecordlist lists it."""
    notice = {
        "notice_id": notice_id,
        "status": status,
        "status_wording": "预约中" if status == 0 else "已结束",
        "start_time": str(int(start_time)),
        "description": description,
        "nickname": "成安县零工市场",
        "head_url": "",
    }
    notices = [n for n in store.get_state("channels:notices", []) if n["notice_id"] != notice_id]
    store.set_state("channels:notices", [*notices, notice])
    return notice


def _guard(path):
    denied = require_token()
    if denied is not None:
        return denied
    fault = injected(path)
    if fault is not None:
        return fault
    if store.get_state("channels:capability_off", False):
        return err(48001, "api unauthorized")
    return None


def _seconds(body, name, default):
    value = body.get(name, default)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


@bp.post("/" + DATA_PATH)
def live_data_list():
    denied = _guard(DATA_PATH)
    if denied is not None:
        return denied
    body = request.get_json(force=True, silent=True)
    if not isinstance(body, dict):
        return err(47001, "data format error")
    start, end = _seconds(body, "start_time", 0), _seconds(body, "end_time", 2**40)
    buffer = body.get("last_buffer") or "0"
    if start is None or end is None or not isinstance(buffer, str) or not buffer.isdigit():
        return err(47001, "data format error")
    closed = [
        live
        for live in store.get_state("channels:lives", [])
        if start <= live["live_start_time"] + live["live_duration_in_seconds"] <= end
    ]
    offset = int(buffer)
    page = closed[offset : offset + PAGE]
    more = offset + PAGE < len(closed)
    store.record("channels_live_data", "", {"start_time": start, "end_time": end, "offset": offset})
    return jsonify(
        {
            "errcode": 0,
            "errmsg": "ok",
            "item": page,
            "continue_flag": more,
            "last_buffer": str(offset + PAGE) if more else "",
        }
    )


@bp.post("/" + NOTICE_PATH)
def live_notice_list():
    denied = _guard(NOTICE_PATH)
    if denied is not None:
        return denied
    return jsonify({"errcode": 0, "errmsg": "ok", "live_notice_list": store.get_state("channels:notices", [])})
