"""No list page of the console issues one query per row: the query count for 3 rows equals that for 30 rows."""

import datetime as dt

from playhouse.test_utils import count_queries

from models import ReconFinding
from models import ReconRun
from models import Worker
from models import utcnow
from services.payouts import cash as payout_cash
from services.work import catalog
from services.work import inspections
from services.work import materials
from services.work import orders
from services.work import pieces

_serial = iter(range(1, 10_000))


def _grow(admin, station, enterprise, heavy, up_to, state):
    """Add stations, enterprises, jobs, workers with orders, material movements and inspections up to `up_to`."""
    now = utcnow()
    while state["rows"] < up_to:
        n = next(_serial)
        catalog.create_station(admin, f"驿站{n}", "village", station.id, now=now)
        catalog.create_enterprise(admin, f"企业{n}", now=now)
        job = catalog.publish_job(
            admin,
            {
                "station_id": station.id,
                "enterprise_id": enterprise.id,
                "title": f"工作{n}",
                "unit_price_fen": 10,
                "total_pieces": 1000,
                "materials": [{"name": "卡扣", "per_piece": 2}],
            },
            now,
        )
        worker = Worker.create(mp_openid=f"openid-{n}", name=f"工人{n}", phone=f"1390000{n:04d}", home_station=station)
        for who in (worker, heavy):
            order, _ = orders.accept_order(who, job.id, 5, f"take-{n}", now)
            pieces.report_pieces(who, order.id, 4, f"report-{n}", now)
            materials.move_materials(admin, order.id, job.materials[0].id, "issue", 10, f"mat-{n}-{who.id}", now)
            inspections.inspect(admin, order.id, 2, 0, 0, f"insp-{n}-{who.id}", now)
        payout_cash.record_cash_payout(admin, worker.id, 10, f"cash-{n}", now, station.id)
        ReconFinding.create(run=state["run"], kind="counter_mismatch", message=f"计数不一致 {n}", object_id=str(n))
        state["first_order"] = state.get("first_order") or order.id
        inspections.inspect(admin, state["first_order"], 0, 0, 1, f"more-{n}", now) if state["rows"] < 2 else None
        state["rows"] += 1


PAGES = [
    "/console/",
    "/console/stations",
    "/console/station",
    "/console/enterprises",
    "/console/jobs",
    "/console/inspections",
    "/console/worker",
    "/console/materials?q=工人",
    "/console/materials?q=1390000",
    "/console/statistics",
    "/console/audit",
    "/console/order",
    "/console/payouts?tab=owed",
    "/console/payouts?tab=done",
    "/console/statements",
    "/console/recon",
]


def _counts(client, station, heavy, state):
    result = {}
    for page in PAGES:
        path = {
            "/console/station": f"/console/stations/{station.id}",
            "/console/worker": f"/console/workers/{heavy.id}",
            "/console/order": f"/console/orders/{state['first_order']}",
        }.get(page, page)
        client.get(path)  # let after-request work (the notice outbox) finish first: only the page is counted
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        result[page] = counter.count
    return result


def test_list_pages_do_not_grow_with_rows(client, admin, make_station, make_enterprise, console_login):
    station, enterprise = make_station("县零工市场", kind="market"), make_enterprise("成安鞋灯电子厂")
    heavy = Worker.create(mp_openid="openid-heavy", name="老李", phone="13800000000", home_station=station)
    state = {"rows": 0, "run": ReconRun.create(business_date=dt.date(2026, 11, 27), status="finished")}
    console_login(admin, password="admin-password")
    _grow(admin, station, enterprise, heavy, 3, state)
    small = _counts(client, station, heavy, state)
    _grow(admin, station, enterprise, heavy, 30, state)
    large = _counts(client, station, heavy, state)
    assert large == small
