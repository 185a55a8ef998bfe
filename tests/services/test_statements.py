"""Monthly statements of a seeded day: the .xlsx opens with openpyxl and its totals equal the ledger's."""

import io
import logging
from decimal import Decimal

import openpyxl
import pytest
from peewee import fn

from models import Account
from models import Posting
from services.errors import BadRequest
from services.errors import Forbidden
from services.money import statement_files
from services.money import statements
from tests.recon_helpers import DAY
from tests.recon_helpers import seed_day
from tests.recon_helpers import seeded_fixture  # noqa: F401 (the `seeded` fixture)

MONTH = DAY.strftime("%Y-%m")


def labour_on_ledger(enterprise):
    return int(
        Posting.select(fn.SUM(Posting.amount_fen))
        .join(Account)
        .where((Account.enterprise == enterprise.id) & (Account.kind == "enterprise_labour"))
        .scalar()
    )


def test_enterprise_statement_xlsx_totals_equal_the_ledger(seeded, admin):
    data = statements.enterprise_statement(admin, seeded.enterprise.id, MONTH)
    rows = {
        (r["job_id"], r["rate_fen"]): (r["accepted"], r["rejected"], r["rework"], r["amount_fen"])
        for r in data["pieces"]
    }
    assert rows == {(seeded.jobs["a"].id, 12): (65, 3, 2, 780), (seeded.jobs["b"].id, 30): (20, 0, 0, 600)}
    assert data["totals"]["owed_fen"] == labour_on_ledger(seeded.enterprise) == 1380
    (clips,) = data["materials"]
    # alice still holds 4 clips for her 42 unfinished pieces: in hand, not lost
    assert (clips["issued"], clips["returned"], clips["used"], clips["held"], clips["lost"]) == (141, 1, 136, 4, 0)

    book = openpyxl.load_workbook(io.BytesIO(statement_files.to_xlsx(data)))
    assert book.sheetnames == ["汇总", "计件明细", "物料"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True)}
    assert Decimal(str(summary["应付金额(元)"])) == Decimal(labour_on_ledger(seeded.enterprise)) / 100
    sheet = book["计件明细"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["工作编号", "工作", "驿站", "单价(分)"] and "金额(元)" in header
    col = header.index("金额(元)")
    amounts = [row[col] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sum(Decimal(str(a)) for a in amounts) == Decimal("13.80")
    assert sheet.cell(row=2, column=col + 1).number_format == "#,##0.00"
    assert sum(row[header.index("金额(分)")] for row in sheet.iter_rows(min_row=2, values_only=True)) == 1380


def test_worker_statement_lists_pieces_and_payouts(seeded, admin):
    data = statements.worker_statement(admin, seeded.workers["bob"].id, MONTH)
    assert [(r["accepted"], r["amount_fen"]) for r in data["pieces"]] == [(20, 600)]
    assert [(p["method"], p["state"], p["amount_fen"]) for p in data["payouts"]] == [("wechat", "SUCCESS", 600)]
    assert data["totals"]["paid_fen"] == 600 and data["totals"]["owed_end_fen"] == 0
    alice = statements.worker_statement(admin, seeded.workers["alice"].id, MONTH)
    assert alice["totals"]["pieces_fen"] == 660 and alice["totals"]["paid_fen"] == 0
    text = statement_files.to_csv(data)
    assert "合格件数" in text and "6.00" in text and "微信转账" in text
    book = openpyxl.load_workbook(io.BytesIO(statement_files.to_xlsx(data)))
    assert book.sheetnames == ["汇总", "计件明细", "付款"]


def test_station_staff_see_only_their_station(seeded, make_station, make_staff):
    other = make_staff("station", make_station())
    data = statements.enterprise_statement(other, seeded.enterprise.id, MONTH)
    assert data["pieces"] == [] and data["scope"] == "station" and data["totals"]["owed_fen"] == 0
    with pytest.raises(Forbidden):
        statements.worker_statement(other, seeded.workers["bob"].id, MONTH)
    own = statements.worker_statement(seeded.staff, seeded.workers["bob"].id, MONTH)
    assert own["totals"]["pieces_fen"] == 600


def test_bad_month_is_refused(seeded, admin):
    with pytest.raises(BadRequest):
        statements.enterprise_statement(admin, seeded.enterprise.id, "2026-13")


def test_statement_downloads(client, seeded, admin, staff_headers, make_station, make_staff):
    headers = staff_headers(admin, "admin-password")
    url = f"/api/v1/staff/statements/enterprise/{seeded.enterprise.id}?month={MONTH}"
    xlsx = client.get(url, headers=headers)
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert openpyxl.load_workbook(io.BytesIO(xlsx.data))["汇总"]["A1"].value.startswith("企业对账单")
    csv_body = client.get(url + "&format=csv", headers=headers)
    assert csv_body.status_code == 200 and csv_body.data.startswith(b"\xef\xbb\xbf")
    assert client.get(url + "&format=pdf", headers=headers).status_code == 400
    assert client.get(url.replace(MONTH, "13-2026"), headers=headers).status_code == 400
    assert client.get(f"/api/v1/staff/statements/enterprise/999?month={MONTH}", headers=headers).status_code == 404
    outsider = make_staff("station", make_station())
    denied = client.get(
        f"/api/v1/staff/statements/worker/{seeded.workers['bob'].id}?month={MONTH}", headers=staff_headers(outsider)
    )
    assert denied.status_code == 403
    mine = client.get(
        f"/api/v1/staff/statements/worker/{seeded.workers['bob'].id}?month={MONTH}&format=json",
        headers=staff_headers(seeded.staff),
    )
    assert mine.status_code == 200 and mine.get_json()["totals"]["paid_fen"] == 600


def test_statement_cli_writes_xlsx_and_csv(runner, seeded, tmp_path):
    out = tmp_path / "s.xlsx"
    result = runner.invoke(
        args=["statement", "--enterprise", str(seeded.enterprise.id), "--month", MONTH, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book["计件明细"].max_row == 3
    csv_out = tmp_path / "w.csv"
    result = runner.invoke(
        args=["statement", "--worker", str(seeded.workers["bob"].id), "--month", MONTH, "--out", str(csv_out), "--csv"]
    )
    assert result.exit_code == 0, result.output
    assert "付款" in csv_out.read_text(encoding="utf-8-sig")
    assert runner.invoke(args=["statement", "--month", MONTH, "--out", str(out)]).exit_code != 0


class _QueryCounter(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record):
        self.count += 1


def _queries(fn):
    counter = _QueryCounter()
    logger = logging.getLogger("peewee")
    level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        fn()
    finally:
        logger.removeHandler(counter)
        logger.setLevel(level)
    return counter.count


def test_statements_cost_one_query_per_table_not_per_row(seeded, admin, make_job, make_staff):
    def both():
        statements.enterprise_statement(admin, seeded.enterprise.id, MONTH)
        statements.worker_statement(admin, seeded.workers["bob"].id, MONTH)

    small = _queries(both)
    seed_day(DAY, make_job, make_staff, seeded.station, seeded.enterprise, admin)
    assert _queries(both) == small
