"""Materials on one balance rule (services.work.material_balance): what a worker still holds for unfinished pieces is in
hand, not loss; loss is never negative; pieces inspected without their materials issued are a reconciliation finding."""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest

from app import reconfigure
from models import ReconFinding
from models import Worker
from services.money import statement_files
from services.money import statements
from services.reconciliation import nightly as reconciliation
from services.work import inspections
from services.work import material_balance
from services.work import materials
from services.work import orders
from services.work import pieces
from tests.conftest import at
from tests.recon_helpers import DAY
from tests.recon_helpers import market_time
from tests.recon_helpers import seed_walk_through

MONTH = DAY.strftime("%Y-%m")


def test_the_balance_rule():
    shells = material_balance.balance(1, 5, issued=100, returned=0, done_pieces=60, unfinished=40)
    assert (shells["used"], shells["allowed_loss"], shells["held"]) == (60, 0, 40)
    assert (shells["lost"], shells["short"]) == (0, 0)
    clips = material_balance.balance(2, 10, issued=0, returned=0, done_pieces=60, unfinished=40)
    assert (clips["used"], clips["held"], clips["lost"], clips["short"]) == (120, 0, 0, 120)
    finished = material_balance.balance(2, 10, issued=130, returned=2, done_pieces=60, unfinished=0)
    assert (finished["out"], finished["allowed_loss"], finished["held"], finished["lost"]) == (128, 1, 0, 8)
    beyond = material_balance.balance(1, 0, issued=100, returned=0, done_pieces=60, unfinished=10)
    assert (beyond["held"], beyond["lost"]) == (10, 30)
    assert material_balance.open_pieces(100, 60, "open") == 40 and material_balance.open_pieces(100, 60, "done") == 0


@pytest.fixture
def walk(app, make_job, make_staff, make_station, make_enterprise):
    reconfigure(app, PAYOUT_MODE="cutoff")
    enterprise = make_enterprise()
    order, staff, shell, clip = seed_walk_through(DAY, make_job, make_staff, make_station(), enterprise)
    return {"order": order, "staff": staff, "shell": shell, "clip": clip, "enterprise": enterprise}


def test_pieces_inspected_without_their_materials_issued_are_a_finding(walk):
    run, ran = reconciliation.reconcile_day(DAY, market_time(DAY + dt.timedelta(days=1), 2))
    assert ran
    found = [f for f in ReconFinding.select().where(ReconFinding.run == run.id) if f.kind.startswith("material")]
    assert [(f.kind, f.object_type, f.object_id) for f in found] == [
        ("material_not_issued", "order", str(walk["order"].id))
    ]
    (line,) = json.loads(found[0].detail)["materials"]
    assert (line["material"], line["issued"], line["used"]) == (walk["clip"].id, 0, 120)
    assert "卡扣" in found[0].message


def test_statement_shows_held_apart_and_never_a_negative_loss(walk, admin):
    data = statements.enterprise_statement(admin, walk["enterprise"].id, MONTH)
    rows = {r["material"]: r for r in data["materials"]}
    shells, clips = rows["鞋灯外壳"], rows["卡扣"]
    assert (shells["issued"], shells["used"], shells["held"], shells["lost"], shells["short"]) == (100, 60, 40, 0, 0)
    assert (clips["issued"], clips["used"], clips["held"], clips["lost"], clips["short"]) == (0, 120, 0, 0, 120)
    assert all(r[k] >= 0 for r in data["materials"] for k in material_balance.KEYS)

    sheet = openpyxl.load_workbook(io.BytesIO(statement_files.to_xlsx(data)))["物料"]
    header = [c.value for c in sheet[1]]
    assert "在手" in header and "未退回(损耗)" in header
    values = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert [(v["物料"], v["在手"], v["未退回(损耗)"]) for v in values] == [("鞋灯外壳", 40, 0), ("卡扣", 0, 0)]
    lines = list(csv.reader(io.StringIO(statement_files.to_csv(data))))
    start = lines.index(["物料"]) + 1
    csv_header, body = lines[start], lines[start + 1 : start + 3]
    assert "在手" in csv_header
    assert not [cell for row in body for cell in row if cell.startswith("-")]


def test_staff_api_gives_the_same_balance(client, walk, staff_headers):
    response = client.get(f"/api/v1/staff/orders/{walk['order'].id}/materials", headers=staff_headers(walk["staff"]))
    assert response.status_code == 200
    lines = {m["name"]: m for m in response.get_json()["materials"]}
    assert (lines["鞋灯外壳"]["held"], lines["鞋灯外壳"]["lost"]) == (40, 0)
    assert (lines["卡扣"]["short"], lines["卡扣"]["lost"]) == (120, 0)


def test_statement_counts_material_held_at_the_months_end(app, admin, make_job, make_staff, make_station):
    """Issued in January for 10 pieces, 4 inspected in January, 6 in February: January holds 12 clips, not loss."""
    reconfigure(app, PAYOUT_MODE="cutoff")
    station = make_station()
    staff = make_staff("station", station)
    job = make_job(station=station, total_pieces=100, now=at(2026, 1, 30, 1))  # 2 clips a piece
    worker = Worker.create(mp_openid="oMP-month", name="李四")
    order, _ = orders.accept_order(worker, job.id, 10, "o", at(2026, 1, 31, 1))
    materials.move_materials(staff, order.id, job.materials[0].id, "issue", 20, "m", at(2026, 1, 31, 1, 5))
    pieces.report_pieces(worker, order.id, 10, "r", at(2026, 1, 31, 2))
    inspections.inspect(staff, order.id, 4, 0, 0, "q1", at(2026, 1, 31, 3))
    inspections.inspect(staff, order.id, 6, 0, 0, "q2", at(2026, 2, 2, 3))
    (january,) = statements.enterprise_statement(admin, job.enterprise_id, "2026-01")["materials"]
    assert (january["issued"], january["used"], january["held"], january["lost"]) == (20, 8, 12, 0)
    (february,) = statements.enterprise_statement(admin, job.enterprise_id, "2026-02")["materials"]
    assert (february["issued"], february["used"], february["held"], february["lost"]) == (20, 20, 0, 0)
