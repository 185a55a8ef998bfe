"""Notices through the outbox: one delivery after commit, none on rollback, retries on faults, permanent failures."""

import datetime as dt
import json

import pytest

from models import Notice
from models import SubscribeConsent
from models import Worker
from models import utcnow
from services.notices import outbox as notices
from services.unit import transaction
from tests.oa_helpers import reply_text
from wechat.sandbox import oa as sandbox_oa
from wechat.sandbox import store


@pytest.fixture
def station(make_station):
    return make_station("商城镇乡村驿站")


@pytest.fixture
def desk(make_staff, staff_headers, station):
    return staff_headers(make_staff("station", station))


@pytest.fixture
def follower(login, oa_user, oa_push):
    worker, headers = login("alice")
    openid = oa_user("alice")
    oa_push(openid, "event", Event="subscribe", EventKey="")
    return Worker.get_by_id(worker.id), openid, headers


def accept_pieces(client, make_job, station, headers, desk, accepted=20, tag="1"):
    job = make_job(station=station, unit_price_fen=15, title="鞋灯卡扣组装")
    order = client.post(
        f"/api/v1/jobs/{job.id}/orders", headers=headers, json={"quantity": 50, "request_id": "o" + tag}
    )
    order_id = order.get_json()["id"]
    client.post(f"/api/v1/orders/{order_id}/reports", headers=headers, json={"quantity": 30, "request_id": "r" + tag})
    qc = client.post(
        f"/api/v1/staff/orders/{order_id}/inspections",
        headers=desk,
        json={"accepted": accepted, "rejected": 0, "rework": 0, "request_id": "qc" + tag},
    )
    assert qc.status_code == 201, qc.get_json()
    return qc


def test_accepting_pieces_delivers_exactly_one_template_message(client, make_job, station, desk, follower):
    worker, openid, headers = follower
    accept_pieces(client, make_job, station, headers, desk)
    sent = store.records("template_send", openid)
    assert len(sent) == 1
    fields = {k: v["value"] for k, v in sent[0].data["data"].items()}
    assert fields["number2"] == "20件" and fields["amount3"] == "3.00元" and fields["thing1"] == "鞋灯卡扣组装"
    assert all(len(v) <= 20 for v in fields.values())
    notice = Notice.get()
    assert notice.status == "sent" and notice.channel == "oa" and notice.msgid == str(sent[0].data["msgid"])
    assert notices.deliver_pending(utcnow() + dt.timedelta(hours=1)) == {}
    assert len(store.records("template_send", openid)) == 1


def test_rollback_sends_nothing(app, follower):
    worker, openid, _ = follower
    with pytest.raises(RuntimeError):
        with transaction():
            notices.enqueue(
                worker, "pieces_accepted", {"count": 1, "amount_fen": 10, "job": "x"}, "k-rollback", utcnow()
            )
            raise RuntimeError("the business transaction failed")
    assert notices.deliver_pending(utcnow()) == {}
    assert Notice.select().count() == 0 and store.records("template_send") == []


def test_same_key_is_enqueued_once(app, follower):
    worker, _, _ = follower
    now = utcnow()
    for _ in range(3):
        notices.enqueue(worker, "payout_arrived", {"amount_fen": 1234}, "payout_arrived:7", now)
    assert notices.deliver_pending(now) == {"sent": 1}


@pytest.mark.parametrize("errcode, hits", [(-1, 3), (45009, 1)])
def test_transient_fault_delays_then_delivers(app, follower, errcode, hits, monkeypatch):
    from wechat.tokens import SharedTokenClient

    monkeypatch.setattr(SharedTokenClient, "busy_backoff", (0.01, 0.01))  # the client retries -1 twice itself
    worker, openid, _ = follower
    now = utcnow()
    store.add_fault("cgi-bin/message/template/send", errcode=errcode, remaining=hits)
    notices.enqueue(worker, "payout_arrived", {"amount_fen": 2500}, "payout_arrived:1", now)
    assert notices.deliver_pending(now) == {"retry": 1}
    notice = Notice.get()
    assert notice.status == "pending" and str(errcode) in notice.last_error and notice.next_attempt_at > now
    assert notices.deliver_pending(now + dt.timedelta(seconds=5)) == {}  # not due yet
    assert notices.deliver_pending(notice.next_attempt_at) == {"sent": 1}
    sent = store.records("template_send", openid)
    assert len(sent) == 1 and sent[0].data["data"]["amount1"]["value"] == "25.00元"


def test_unsubscribed_is_permanent_and_not_retried(app, follower, oa_push):
    worker, openid, _ = follower
    sandbox_oa.unsubscribe(openid)  # WeChat knows before we do
    now = utcnow()
    notices.enqueue(worker, "payout_arrived", {"amount_fen": 100}, "arrived:1", now)
    assert notices.deliver_pending(now) == {"failed": 1}
    assert "43004" in Notice.get().last_error and not Worker.get_by_id(worker.id).oa_subscribed
    assert notices.deliver_pending(now + dt.timedelta(days=1)) == {}


def test_no_notice_after_unsubscribe_event(app, follower, oa_push):
    worker, openid, _ = follower
    oa_push(openid, "event", Event="unsubscribe", EventKey="")
    notices.enqueue(worker, "payout_arrived", {"amount_fen": 100}, "arrived:2", utcnow())
    assert notices.deliver_pending(utcnow()) == {"skipped": 1}
    assert store.records("template_send") == []


def test_mini_program_consent_channel(app, client, login, mp_push):
    worker, _ = login("gina")
    template = "sandbox-mp-pieces_accepted"
    popup = {
        "ToUserName": "gh_mp",
        "FromUserName": worker.mp_openid,
        "CreateTime": 1700000000,
        "MsgType": "event",
        "Event": "subscribe_msg_popup_event",
        "List": [{"TemplateId": template, "SubscribeStatusString": "accept", "PopupScene": "0"}],
    }
    assert mp_push(json.dumps(popup), fmt="json").get_data(as_text=True) == "success"
    assert SubscribeConsent.get(SubscribeConsent.mp_openid == worker.mp_openid).remaining == 1
    sandbox_oa.grant_consent(worker.mp_openid, template)  # WeChat's side of the same consent
    now = utcnow()
    notices.enqueue(worker, "pieces_accepted", {"count": 3, "amount_fen": 45, "job": "箱包"}, "mp:1", now)
    assert notices.deliver_pending(now) == {"sent": 1}
    sent = store.records("subscribe_send", worker.mp_openid)
    assert len(sent) == 1 and SubscribeConsent.get().remaining == 0
    notices.enqueue(worker, "pieces_accepted", {"count": 1, "amount_fen": 15, "job": "箱包"}, "mp:2", now)
    assert notices.deliver_pending(now) == {"skipped": 1}  # consent used up: nothing is sent

    msgid = sent[0].data["msgid"]
    sent_event = (
        "<xml><ToUserName>gh_mp</ToUserName><FromUserName>" + worker.mp_openid + "</FromUserName>"
        "<CreateTime>1700000100</CreateTime><MsgType>event</MsgType><Event>subscribe_msg_sent_event</Event>"
        f"<SubscribeMsgSentEvent><List><TemplateId>{template}</TemplateId><MsgID>{msgid}</MsgID>"
        "<ErrorCode>0</ErrorCode><ErrorStatus>success</ErrorStatus></List></SubscribeMsgSentEvent></xml>"
    )
    assert mp_push(sent_event, encrypted=True).status_code == 200
    assert Notice.get(Notice.dedup_key == "mp:1").delivery_status == "success"


def test_no_consent_left_at_wechat_is_permanent(app, login, mp_push):
    worker, _ = login("hana")
    SubscribeConsent.create(mp_openid=worker.mp_openid, template_id="sandbox-mp-daily_summary", remaining=2)
    now = utcnow()
    notices.enqueue(
        worker, "daily_summary", {"date": "2026-11-28", "count": 3, "amount_fen": 45, "owed_fen": 45}, "daily:1", now
    )
    assert notices.deliver_pending(now) == {"failed": 1}
    assert "43101" in Notice.get().last_error and SubscribeConsent.get().remaining == 0


def test_template_send_job_finish_updates_delivery(app, follower, oa_push):
    worker, openid, _ = follower
    now = utcnow()
    notices.enqueue(worker, "payout_arrived", {"amount_fen": 100}, "arrived:3", now)
    notices.deliver_pending(now)
    msgid = Notice.get().msgid
    reply = oa_push(openid, "event", Event="TEMPLATESENDJOBFINISH", MsgID=msgid, Status="failed:user block")
    assert reply_text(reply) == "success"
    assert Notice.get().delivery_status == "failed:user block"


def test_consent_change_event_rejects(app, login, mp_push):
    worker, _ = login("ivy")
    SubscribeConsent.create(mp_openid=worker.mp_openid, template_id="T1", remaining=3)
    change = (
        "<xml><ToUserName>gh</ToUserName><FromUserName>" + worker.mp_openid + "</FromUserName>"
        "<CreateTime>1700000200</CreateTime><MsgType>event</MsgType><Event>subscribe_msg_change_event</Event>"
        "<SubscribeMsgChangeEvent><List><TemplateId>T1</TemplateId>"
        "<SubscribeStatusString>reject</SubscribeStatusString></List></SubscribeMsgChangeEvent></xml>"
    )
    assert mp_push(change).status_code == 200
    consent = SubscribeConsent.get()
    assert consent.status == "reject" and consent.remaining == 0
