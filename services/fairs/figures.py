"""A fair's figures: fetched from the Channels API after the live (a new row per fetch, with the time fetched)
or typed in by hand for a fair on another platform (its source named, audited). No figure is ever edited, and a
hand-typed figure never stands beside, or in place of, a fetched one."""

import datetime as dt
import json
import logging

from models import Fair
from models import FairFigure
from services import runtime
from services import unit
from services import validate
from services.errors import BadRequest
from services.errors import Conflict
from services.errors import Unavailable
from services.fairs.events import fair_or_404
from services.people.scope import ensure_station
from wechat.errors import CHANNELS_CAPABILITY_OFF
from wechat.errors import WeChatError

log = logging.getLogger(__name__)

FETCHED, MANUAL = "fetched", "manual"
CHANNELS_SOURCE = "微信视频号"
NUMBERS = ("max_online_count", "audiences_avg_seconds", "forward_count", "total_comment_count")
MAX_COUNT = 100_000_000
LOOKBACK = dt.timedelta(days=1)  # the Channels query window opens this long before the fair's announced start
DUE_FOR = dt.timedelta(days=3)  # the scheduler fetches a fair's figures for this long after it ended
REFETCH_AFTER = dt.timedelta(hours=6)


def _epoch(naive_utc):
    return int(naive_utc.replace(tzinfo=dt.timezone.utc).timestamp())


def _live_item(fair, now):
    """The fair's live in get_finder_live_data_list (the call is made outside any transaction), or a clear error."""
    if not fair.export_id:
        raise Conflict("这场招聘会没有填写视频号直播 export_id，无法获取数据", code="no_live_id")
    try:
        items = runtime.current().client("wechat_channels").live_data(_epoch(fair.starts_at - LOOKBACK), _epoch(now))
    except WeChatError as exc:
        if exc.errcode == CHANNELS_CAPABILITY_OFF:
            raise Unavailable(
                "视频号助手未开启直播数据开放能力（48001），请在视频号助手→开放能力中打开后再试",
                code="channels_capability_off",
            ) from exc
        raise Unavailable("微信视频号接口暂时不可用，请稍后再试", code="wechat_unavailable") from exc
    for item in items:
        if item.get("export_id") == fair.export_id:
            return item
    raise Conflict("视频号还没有这场直播的数据（直播结束后才有）", code="live_data_not_ready")


def _count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_COUNT else None


def fetch_figures(actor, fair_id, now):
    """Fetch the fair's figures from the Channels API and store them as a new row (the time fetched with it);
    nothing is stored when WeChat refuses or has no data. `actor` is the staff member who asked, or None."""
    fair = fair_or_404(fair_id)
    if actor is not None:
        ensure_station(actor, fair.station_id)
    item = _live_item(fair, now)
    audience = _count(item.get("total_audience_count"))
    if audience is None:
        raise Unavailable("微信视频号返回的数据不完整，请稍后再试", code="wechat_unavailable")
    with unit.transaction():
        figure = FairFigure.create(
            fair=fair.id,
            origin=FETCHED,
            source=CHANNELS_SOURCE,
            total_audience_count=audience,
            live_duration_in_seconds=_count(item.get("live_duration_in_seconds")),
            raw=json.dumps(item, ensure_ascii=False),
            entered_by=actor.id if actor is not None else None,
            fetched_at=now,
            **{name: _count(item.get(name)) for name in NUMBERS},
        )
        if actor is not None:
            unit.audit("fair.figures_fetch", figure, fair.station_id, fair_id=fair.id)
    return figure


def record_manual_figure(staff, fair_id, data, now, request_id=None):
    """Staff type in a fair's figures from another platform, naming that source; refused once a fetched figure
    exists (and the statistics never count one beside a fetched figure), so a hand-typed figure never replaces a
    fetched one. Audited."""
    fair = fair_or_404(fair_id)
    ensure_station(staff, fair.station_id)
    source = validate.text(data.get("source"), "数据来源", "source", 100)
    fields = {
        "total_audience_count": validate.non_negative_int(
            data.get("total_audience_count"), "观看人数", "total_audience_count", MAX_COUNT
        ),
        **{name: _optional(data.get(name), name) for name in NUMBERS},
        "note": validate.text(data.get("note"), "备注", "note", 500, False),
    }
    if data.get("total_audience_count") is None:
        raise BadRequest("缺少观看人数 total_audience_count", code="invalid_total_audience_count")

    def create():
        if FairFigure.select().where((FairFigure.fair == fair.id) & (FairFigure.origin == FETCHED)).exists():
            raise Conflict("这场招聘会已有从视频号获取的数据，不能手工填写", code="figures_fetched")
        figure = FairFigure.create(
            fair=fair.id, origin=MANUAL, source=source, entered_by=staff.id, fetched_at=now, **fields
        )
        unit.audit("fair.figures_manual", figure, fair.station_id, fair_id=fair.id, source=source, **fields)
        return figure

    return unit.apply(staff, request_id, "fair.figures_manual", create, FairFigure.get_by_id, now)


def _optional(value, name):
    if value is None:
        return None
    return validate.non_negative_int(value, name, name, MAX_COUNT)


def figures_of(staff, fair_id):
    """Every reading of the fair, newest first (staff of its station, or the county's)."""
    ensure_station(staff, fair_or_404(fair_id).station_id)
    return list(FairFigure.select().where(FairFigure.fair == fair_id).order_by(FairFigure.id.desc()))


def fetch_due(now):
    """The scheduler's job: fetch the figures of every Channels fair that ended in the last days and was not
    fetched in the last hours. Returns (fetched, failed); one fair's failure does not stop the others."""
    recent = now - REFETCH_AFTER
    fresh = FairFigure.select(FairFigure.fair).where((FairFigure.origin == FETCHED) & (FairFigure.fetched_at > recent))
    due = (
        Fair.select(Fair.id)
        .where((Fair.export_id != "") & (Fair.ends_at <= now) & (Fair.ends_at > now - DUE_FOR))
        .where(Fair.id.not_in(fresh))
        .order_by(Fair.id)
    )
    fetched = failed = 0
    for fair in due:
        try:
            fetch_figures(None, fair.id, now)
            fetched += 1
        except (Conflict, Unavailable) as exc:
            failed += 1
            log.warning("fair %s figures not fetched: %s %s", fair.id, exc.code, exc.message)
    return fetched, failed
