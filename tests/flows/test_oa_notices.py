"""A follower of the official account is told, inside WeChat, when pieces are accepted and when pay is sent and arrives."""

import datetime as dt

from app import reconfigure
from models import Notice
from models import Payout
from models import utcnow
from services.notices import daily_summary
from services.notices import outbox as notices
from tests.oa_helpers import oa_endpoint_fixture  # noqa: F401 (fixtures)
from tests.oa_helpers import oa_push_fixture  # noqa: F401
from tests.oa_helpers import oa_user_fixture  # noqa: F401
from tests.oa_helpers import reply_text
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
from wechat.sandbox import pay_bills
from wechat.sandbox import store


def template_kinds(openid):
    return [sorted(r.data["data"]) for r in store.records("template_send", openid)]


def test_pieces_payout_and_arrival_notices(market, oa_user, oa_push):
    worker, headers = market.worker("lily")
    openid = oa_user("lily")
    oa_push(openid, "event", Event="subscribe", EventKey="")
    market.accept(headers, 40, rate_fen=10)
    kinds = {n.kind: n.status for n in Notice.select()}
    assert kinds == {"pieces_accepted": "sent", "payout_sent_confirm": "sent"}
    assert len(store.records("template_send", openid)) == 2
    assert "请到小程序确认收款" in reply_text(oa_push(openid, "event", Event="CLICK", EventKey="MY_PAYOUTS"))

    (payout,) = Payout.select().where(Payout.worker == worker.id)
    market.confirm(payout)
    arrived = Notice.get(Notice.kind == "payout_arrived")
    assert arrived.status == "sent"
    last = store.records("template_send", openid)[-1].data["data"]
    assert last["amount1"]["value"] == "4.00元" and last["thing2"]["value"] == "工钱已到微信零钱"
    assert "已到账" in reply_text(oa_push(openid, "text", Content="结算"))


def test_daily_summary_once_per_worker_and_day(market, oa_user, oa_push):
    _, headers = market.worker("mona")
    openid = oa_user("mona")
    oa_push(openid, "event", Event="subscribe", EventKey="")
    market.accept(headers, 12, rate_fen=25)
    now = utcnow()
    assert daily_summary.enqueue_daily_summaries(now) == 1
    assert daily_summary.enqueue_daily_summaries(now) == 1  # same key: still one notice
    assert notices.deliver_pending(now + dt.timedelta(seconds=1)) == {"sent": 1}
    summary = store.records("template_send", openid)[-1].data["data"]
    assert summary["number2"]["value"] == "12件" and summary["amount3"]["value"] == "3.00元"
    assert Notice.select().where(Notice.kind == "daily_summary").count() == 1


def _said(openid):
    """What the payout template messages to `openid` said, in the order they were sent."""
    return [
        r.data["data"]["thing2"]["value"] for r in store.records("template_send", openid) if "thing2" in r.data["data"]
    ]


def test_readme_walkthrough_asks_to_confirm_first_and_never_after_the_money(app, market, oa_user, oa_push, runner):
    """`flask payouts pay` → `sandbox-pay confirm` (its notify) → the scheduler's next delivery run, 8 s later."""
    reconfigure(app, PAYOUT_MODE="cutoff")  # the command pays, as in the README
    worker, headers = market.worker("nina")
    openid = oa_user("nina")
    oa_push(openid, "event", Event="subscribe", EventKey="")
    market.accept(headers, 58, rate_fen=10)
    paid = runner.invoke(args=["payouts", "pay", str(worker.id)])
    assert "WAIT_USER_CONFIRM" in paid.output, paid.output
    assert _said(openid) == ["请进小程序确认收款"]  # the command delivers what it enqueued
    (payout,) = Payout.select().where(Payout.worker == worker.id)
    assert runner.invoke(args=["sandbox-pay", "confirm", payout.out_bill_no]).exit_code == 0
    notices.deliver_pending(utcnow() + dt.timedelta(seconds=8))
    assert _said(openid) == ["请进小程序确认收款", "工钱已到微信零钱"]
    assert {n.kind: n.status for n in Notice.select()}["payout_sent_confirm"] == "sent"


def test_confirm_notice_still_due_when_the_money_arrived_is_dropped(app, market, oa_user, oa_push, runner):
    """The "please confirm" failed once (WeChat busy) and waits for its retry; the worker confirms meanwhile."""
    reconfigure(app, PAYOUT_MODE="cutoff")
    worker, headers = market.worker("olga")
    openid = oa_user("olga")
    oa_push(openid, "event", Event="subscribe", EventKey="")
    market.accept(headers, 30, rate_fen=10)
    store.add_fault("cgi-bin/message/template/send", errcode=45009)  # rate limited: retried after 30 s
    runner.invoke(args=["payouts", "pay", str(worker.id)])
    confirm = Notice.get(Notice.kind == "payout_sent_confirm")
    assert confirm.status == "pending" and "45009" in confirm.last_error
    (payout,) = Payout.select().where(Payout.worker == worker.id)
    market.confirm(payout)
    assert _said(openid) == ["工钱已到微信零钱"]
    assert notices.deliver_pending(confirm.next_attempt_at + dt.timedelta(seconds=1)) == {"skipped": 1}
    confirm = Notice.get_by_id(confirm.id)
    assert confirm.status == "skipped" and confirm.last_error == "stale: payout SUCCESS"
    assert _said(openid) == ["工钱已到微信零钱"]


def test_confirm_notice_of_an_expired_transfer_is_dropped(app, market, oa_user, oa_push):
    """Unconfirmed for 24 hours, WeChat takes the transfer back: asking to confirm it then would mislead."""
    worker, headers = market.worker("pia")
    openid = oa_user("pia")
    oa_push(openid, "event", Event="subscribe", EventKey="")
    store.add_fault("cgi-bin/message/template/send", status=503, remaining=-1)  # WeChat unreachable for a while
    market.accept(headers, 20, rate_fen=10)
    (payout,) = Payout.select().where(Payout.worker == worker.id)
    pay_bills.expire_unconfirmed(utcnow() + dt.timedelta(hours=25), notify_at=utcnow())
    market.deliver()
    assert Payout.get_by_id(payout.id).state in ("CANCELLED", "FAIL")
    store.clear_faults()
    outcome = notices.deliver_pending(utcnow() + dt.timedelta(hours=2))
    confirm = Notice.get(Notice.kind == "payout_sent_confirm")
    assert confirm.status == "skipped" and confirm.last_error.startswith("stale: payout ")
    assert "请进小程序确认收款" not in _said(openid) and outcome.get("skipped") == 1
