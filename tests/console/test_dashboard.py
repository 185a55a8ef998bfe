"""services.reports.dashboard figures: per station, county totals, payouts attributed to the cash desk or to the stations
whose pieces they settle."""

from models import Inspection
from models import Payout
from models import PayoutItem
from models import Worker
from models import utcnow
from services.clock import business_date
from services.reports import dashboard


def _payout(worker, state, fen, now, station=None, n=[0]):  # noqa: B006 - a counter for bill numbers
    n[0] += 1
    return Payout.create(
        worker=worker,
        method="cash" if station else "wechat",
        out_bill_no=f"T{n[0]}",
        amount_fen=fen,
        state=state,
        business_date=business_date(now),
        station=station,
        finished_at=now if state == "SUCCESS" else None,
        created_at=now,
        updated_at=now,
    )


def test_figures_per_station_and_county(client, loop, console_login, form_post):
    now = utcnow()
    console_login(loop["staff"])
    form_post(
        f"/console/orders/{loop['order_id']}/inspect",
        {"accepted": "6", "rejected": "1", "rework": "0", "step": "confirm"},
    )
    nomad = Worker.create(mp_openid="nomad", name="流动工人")
    _payout(loop["worker"], "SUCCESS", 50, now, station=loop["station"])
    waiting = _payout(loop["worker"], "WAIT_USER_CONFIRM", 22, now)
    PayoutItem.create(payout=waiting, inspection=Inspection.get(Inspection.order == loop["order_id"]), amount_fen=22)
    _payout(nomad, "WAIT_USER_CONFIRM", 7, now)  # settles no station's pieces: counts for the county only
    county = dashboard.today(None, now)
    here = dict((s.id, f) for s, f in county["stations"])[loop["station"].id]
    assert (here["workers_active"], here["orders_open"], here["awaiting"]) == (1, 1, 3)
    assert (here["accepted_today"], here["earned_today_fen"]) == (6, 72)
    assert (here["paid_today_fen"], here["confirm_count"], here["confirm_fen"]) == (50, 1, 22)
    assert county["total"]["confirm_count"] == 2 and county["total"]["confirm_fen"] == 29
    other = dashboard.today({loop["other"].id}, now)
    assert other["total"]["accepted_today"] == 0 and other["total"]["confirm_count"] == 0
    assert [s.id for s, _ in other["stations"]] == [loop["other"].id]
