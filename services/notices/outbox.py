"""Notices to workers inside WeChat through an outbox: written in the business transaction, sent after commit.

A notice goes as an official-account template message when the worker follows the account, else as a
mini-program subscribe message when a consent is on file. Transient errors are retried with backoff;
permanent ones are recorded and never retried. A kind may name a check of whether it still holds, asked just
before each send: a notice that no longer does (a "please confirm" for a payout already final) is skipped.
"""

import datetime as dt
import json
import logging

from peewee import IntegrityError

from models import Notice
from models import Payout
from models import SubscribeConsent
from models import Worker
from models import db
from services import runtime
from services import unit
from services.clock import to_market
from services.notices import training_texts
from services.unit import transaction
from wechat.errors import WeChatError

log = logging.getLogger(__name__)


def _payout_awaits_confirm(notice, data):
    """A "please confirm" holds while the transfer still waits for the worker (not once paid, failed or expired)."""
    number = data.get("out_bill_no") or notice.dedup_key.partition(":")[2]  # older rows: payout_confirm:<number>
    state = Payout.select(Payout.state).where(Payout.out_bill_no == number).scalar()
    return None if state == "WAIT_USER_CONFIRM" else f"stale: payout {state or 'not found'}"


# Each kind and its "still holds?" check at delivery time: None when it holds, else why it no longer does.
KINDS = {
    "pieces_accepted": None,
    "payout_sent_confirm": _payout_awaits_confirm,
    "payout_arrived": None,
    "daily_summary": None,
    **training_texts.CHECKS,  # issue 15: enrolment, session reminder, certificate issued / expiring
    "application_status": None,  # services/matching/applications: the worker's application moved on
}
MAX_ATTEMPTS = 8
LEASE = dt.timedelta(seconds=60)
UNSUBSCRIBED, NO_CONSENT = 43004, 43101
PERMANENT_CHANNEL_ERRORS = (UNSUBSCRIBED, NO_CONSENT)


def enqueue(worker, kind, data, key, now):
    """Write one notice for `worker` (call inside the caller's transaction); the same `key` is written once."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind}")
    worker_id = worker if isinstance(worker, int) else worker.id
    try:
        with db.atomic():
            notice = Notice.create(
                worker=worker_id,
                kind=kind,
                payload=json.dumps(data, ensure_ascii=False),
                dedup_key=key[:128],
                next_attempt_at=now,
                created_at=now,
            )
    except IntegrityError:
        return Notice.get(Notice.dedup_key == key[:128])
    unit.after_commit(lambda: deliver_now([notice.id]), soon=True)  # else the delivery job sends it
    return notice


def _yuan(fen):
    return f"{fen // 100}.{fen % 100:02d}元" if fen >= 0 else "-" + _yuan(-fen)


def _cut(text, limit=20):
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(notice):
    """The template fields of `notice` (plain Chinese, each value at most 20 characters)."""
    data = json.loads(notice.payload)
    when = to_market(notice.created_at).strftime("%Y-%m-%d %H:%M")
    if notice.kind == "pieces_accepted":
        fields = {
            "thing1": data.get("job", "计件活"),
            "number2": f"{data['count']}件",
            "amount3": _yuan(data["amount_fen"]),
            "time4": when,
        }
    elif notice.kind == "payout_sent_confirm":
        fields = {"amount1": _yuan(data["amount_fen"]), "thing2": "请进小程序确认收款", "time3": when}
    elif notice.kind in training_texts.CHECKS:
        fields = training_texts.fields(notice)
    elif notice.kind == "payout_arrived":
        fields = {"amount1": _yuan(data["amount_fen"]), "thing2": "工钱已到微信零钱", "time3": when}
    elif notice.kind == "application_status":
        fields = {"thing1": data.get("post", "招聘"), "phrase2": data.get("label", ""), "time3": when}
    else:
        fields = {
            "time1": data.get("date", when[:10]),
            "number2": f"{data.get('count', 0)}件",
            "amount3": _yuan(data.get("amount_fen", 0)),
            "amount4": _yuan(data.get("owed_fen", 0)),
        }
    return {name: {"value": _cut(value)} for name, value in fields.items()}


def _template_id(kind, channel):
    prefix = "WECHAT_TEMPLATE_" if channel == "oa" else "WECHAT_MP_TEMPLATE_"
    settings = runtime.settings()
    configured = settings.templates.get(prefix + kind.upper(), "")
    if not configured and settings.wechat_sandbox:
        configured = f"sandbox-{channel}-{kind}"
    return configured


def _channel(worker, kind):
    """('oa'|'mp', touser, template_id) or (None, reason, None) when the worker cannot be reached."""
    if worker.oa_openid and worker.oa_subscribed and _template_id(kind, "oa"):
        return "oa", worker.oa_openid, _template_id(kind, "oa")
    template = _template_id(kind, "mp")
    if not template:
        return None, "no channel: not following (or no template) and no mini-program template", None
    consent = SubscribeConsent.get_or_none(
        (SubscribeConsent.mp_openid == worker.mp_openid) & (SubscribeConsent.template_id == template)
    )
    if consent is None or consent.status != "accept" or consent.remaining <= 0:
        return None, "no channel: not following and no consent left", None
    return "mp", worker.mp_openid, template


def _send(channel, touser, template_id, fields, notice):
    if channel == "oa":
        client = runtime.current().client("wechat_oa_client")
        body = {"touser": touser, "template_id": template_id, "data": fields}
        mp_appid = runtime.settings().wechat_mp_appid
        if mp_appid:
            body["miniprogram"] = {"appid": mp_appid, "pagepath": "pages/earnings/index"}
        return client.post("message/template/send", data=body)
    client = runtime.current().client("wechat_mp").client
    body = {"touser": touser, "template_id": template_id, "page": "pages/earnings/index", "data": fields}
    return client.post("message/subscribe/send", data=body)


def backoff(attempts):
    """Seconds before retry number `attempts`: 30 s doubling, at most an hour."""
    return min(30 * 2 ** max(attempts - 1, 0), 3600)


def _claim(notice_id, now):
    """Lease the notice to this process; False when another process took it first."""
    return (
        Notice.update(next_attempt_at=now + LEASE, attempts=Notice.attempts + 1)
        .where((Notice.id == notice_id) & (Notice.status == "pending") & (Notice.next_attempt_at <= now))
        .execute()
        == 1
    )


def deliver_pending(now, limit=50):
    """Send due pending notices (after commit, never inside a transaction); returns {status: count}."""
    due = list(
        Notice.select(Notice.id)
        .where((Notice.status == "pending") & (Notice.next_attempt_at <= now))
        .order_by(Notice.next_attempt_at, Notice.id)
        .limit(limit)
        .tuples()
    )
    outcome = {}
    for (notice_id,) in due:
        if not _claim(notice_id, now):
            continue
        status = _deliver_one(Notice.get_by_id(notice_id), now)
        outcome[status] = outcome.get(status, 0) + 1
    return outcome


def _stale(notice):
    """Why `notice` no longer holds, or None (kinds without a check always hold)."""
    check = KINDS.get(notice.kind)
    return check(notice, json.loads(notice.payload)) if check else None


def _deliver_one(notice, now):
    stale = _stale(notice)
    if stale:
        Notice.update(status="skipped", last_error=stale[:200]).where(Notice.id == notice.id).execute()
        log.info("notice %s dropped: %s", notice.id, stale)
        return "skipped"
    worker = Worker.get_by_id(notice.worker_id)
    channel, touser, template_id = _channel(worker, notice.kind)
    if channel is None:
        Notice.update(status="skipped", last_error=touser[:200]).where(Notice.id == notice.id).execute()
        return "skipped"
    try:
        result = _send(channel, touser, template_id, render(notice), notice)
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the notice
        return _failed(notice, worker, channel, template_id, _as_wechat_error(exc), now)
    with transaction():
        Notice.update(
            status="sent", channel=channel, msgid=str(result.get("msgid", "")), sent_at=now, last_error=""
        ).where(Notice.id == notice.id).execute()
        if channel == "mp":
            SubscribeConsent.update(remaining=SubscribeConsent.remaining - 1, updated_at=now).where(
                (SubscribeConsent.mp_openid == touser)
                & (SubscribeConsent.template_id == template_id)
                & (SubscribeConsent.remaining > 0)
            ).execute()
    return "sent"


def _as_wechat_error(exc):
    if isinstance(exc, WeChatError):
        return exc
    errcode = getattr(exc, "errcode", None)
    return WeChatError(errcode, getattr(exc, "errmsg", None) or str(exc))


def _failed(notice, worker, channel, template_id, error, now):
    detail = f"{channel} {error.errcode}: {error.errmsg}"[:200]
    if error.errcode in PERMANENT_CHANNEL_ERRORS or not _retryable(error):
        with transaction():
            Notice.update(status="failed", channel=channel, last_error=detail).where(Notice.id == notice.id).execute()
            if error.errcode == UNSUBSCRIBED:
                Worker.update(oa_subscribed=False).where(Worker.id == worker.id).execute()
            if error.errcode == NO_CONSENT:
                SubscribeConsent.update(remaining=0, updated_at=now).where(
                    (SubscribeConsent.mp_openid == worker.mp_openid) & (SubscribeConsent.template_id == template_id)
                ).execute()
        log.warning("notice %s failed for good: %s", notice.id, detail)
        return "failed"
    attempts = notice.attempts  # already counts this attempt (see _claim)
    if attempts >= MAX_ATTEMPTS:
        Notice.update(status="failed", channel=channel, last_error="gave up: " + detail).where(
            Notice.id == notice.id
        ).execute()
        log.error("notice %s gave up after %s attempts: %s", notice.id, attempts, detail)
        return "failed"
    Notice.update(
        last_error=detail, channel=channel, next_attempt_at=now + dt.timedelta(seconds=backoff(attempts))
    ).where(Notice.id == notice.id).execute()
    log.info("notice %s will be retried: %s", notice.id, detail)
    return "retry"


def _retryable(error):
    # Transient: busy, rate limits, unreachable; token trouble is retried too (the token store recovers).
    return error.transient or error.errcode in (40001, 40014, 42001)


def deliver_now(ids):
    """Deliver notices right after the transaction that wrote them committed (queued by `enqueue`)."""
    from models import utcnow

    now, outcome = utcnow(), {}
    for notice_id in ids:  # rows of a rolled-back transaction are gone: nothing to claim
        try:
            if _claim(notice_id, now):
                status = _deliver_one(Notice.get_by_id(notice_id), now)
                outcome[status] = outcome.get(status, 0) + 1
        except Exception:  # the periodic job will pick it up when the lease ends
            log.exception("immediate delivery of notice %s failed", notice_id)
    return outcome


def record_delivery(msgid, status, now):
    """Record WeChat's report on a sent notice (TEMPLATESENDJOBFINISH / subscribe_msg_sent_event)."""
    return record_deliveries([(msgid, status)], now)


def record_deliveries(results, now):
    """Record WeChat's reports [(msgid, status)] on sent notices, in one transaction."""
    with transaction():
        return sum(
            Notice.update(delivery_status=str(status)[:64]).where(Notice.msgid == str(msgid)).execute()
            for msgid, status in results
        )
