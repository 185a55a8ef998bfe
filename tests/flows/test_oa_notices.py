"""A follower of the official account is told, inside WeChat, when pieces are accepted and when pay is sent and arrives."""

import datetime as dt

from models import Notice
from models import Payout
from models import utcnow
from services import daily_summary
from services import notices
from tests.oa_helpers import oa_endpoint_fixture  # noqa: F401 (fixtures)
from tests.oa_helpers import oa_push_fixture  # noqa: F401
from tests.oa_helpers import oa_user_fixture  # noqa: F401
from tests.oa_helpers import reply_text
from tests.payout_helpers import market_fixture  # noqa: F401 (the `market` fixture)
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
