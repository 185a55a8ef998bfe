"""Every console page renders for the roles that may see it; payouts, reconciliation and statements work end to end."""

import datetime as dt

from models import AuditLog
from models import Inspection
from models import Payout
from models import ReconFinding
from models import ReconRun
from models import utcnow
from services.clock import business_date
from services.money import ledger


def _inspect(form_post, order_id, accepted=10):
    response = form_post(
        f"/console/orders/{order_id}/inspect",
        {"accepted": str(accepted), "rejected": "0", "rework": "0", "step": "confirm"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def test_station_staff_pages_render(client, loop, console_login, form_post):
    console_login(loop["staff"])
    _inspect(form_post, loop["order_id"])
    month = business_date(utcnow()).strftime("%Y-%m")
    for path in [
        "/console/",
        "/console/stations",
        f"/console/stations/{loop['station'].id}",
        "/console/enterprises",
        "/console/jobs",
        "/console/jobs?status=open",
        "/console/jobs/new",
        f"/console/jobs/{loop['job'].id}",
        "/console/materials",
        "/console/materials?q=张",
        f"/console/workers/{loop['worker'].id}",
        "/console/inspections",
        f"/console/orders/{loop['order_id']}",
        "/console/statistics",
        f"/console/statistics?station={loop['station'].id}",
        "/console/payouts",
        "/console/payouts?tab=owed",
        "/console/payouts?tab=failed",
        "/console/payouts?tab=in_flight",
        "/console/payouts?tab=done",
        f"/console/statements?month={month}",
    ]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:500])
        assert "出错了" not in response.get_data(as_text=True)
    assert client.get("/console/recon").status_code == 403
    assert client.get("/console/nowhere").status_code == 404


def test_cash_payout_at_the_desk(client, loop, console_login, form_post):
    console_login(loop["staff"])
    _inspect(form_post, loop["order_id"])
    worker = loop["worker"]
    assert ledger.owed_fen(worker.id) == 120
    response = form_post(f"/console/workers/{worker.id}/cash", {"amount": "1.00"})
    assert response.status_code == 303
    payout = Payout.get(Payout.worker == worker.id)
    assert (payout.method, payout.amount_fen, payout.state, payout.station_id) == (
        "cash",
        100,
        "SUCCESS",
        loop["station"].id,
    )
    assert ledger.owed_fen(worker.id) == 20
    assert AuditLog.select().where(AuditLog.action == "payout.cash").count() == 1
    page = client.get("/console/").get_data(as_text=True)
    assert 'data-fig="paid_today">¥1.00<' in page
    too_much = form_post(f"/console/workers/{worker.id}/cash", {"amount": "5.00"}, follow=True)
    assert "现金金额超过应付工钱" in too_much.get_data(as_text=True)
    assert "¥0.20" in client.get("/console/payouts?tab=owed").get_data(as_text=True)


def test_statement_download_is_xlsx_and_audited(client, loop, console_login, form_post):
    console_login(loop["staff"])
    _inspect(form_post, loop["order_id"])
    month = business_date(utcnow()).strftime("%Y-%m")
    for kind, object_id in (("worker", loop["worker"].id), ("enterprise", loop["job"].enterprise_id)):
        response = client.get(f"/console/statements/{kind}/{object_id}.xlsx?month={month}")
        assert response.status_code == 200
        assert response.data[:2] == b"PK" and "attachment" in response.headers["Content-Disposition"]
    assert AuditLog.select().where(AuditLog.action == "statement.download").count() == 2
    assert client.get(f"/console/statements/worker/{loop['worker'].id}.xlsx?month=bad").status_code == 400


def test_admin_acknowledges_and_resolves_findings(client, admin, console_login, form_post):
    run = ReconRun.create(
        business_date=dt.date(2026, 11, 27),
        status="finished",
        findings_count=1,
        finished_at=dt.datetime(2026, 11, 27, 18),
    )
    finding = ReconFinding.create(
        run=run, kind="ledger_unbalanced", message="账务分录不平衡", object_type="txn", object_id="7"
    )
    console_login(admin, password="admin-password")
    page = client.get("/console/").get_data(as_text=True)
    assert 'data-fig="findings">1<' in page
    assert "账务分录不平衡" in client.get("/console/recon").get_data(as_text=True)
    ack = form_post(f"/console/recon/findings/{finding.id}/acknowledge", {"note": "在查", "date": "2026-11-27"})
    assert ack.status_code == 303 and ReconFinding.get_by_id(finding.id).status == "acknowledged"
    refused = form_post(
        f"/console/recon/findings/{finding.id}/resolve", {"note": "", "date": "2026-11-27"}, follow=True
    )
    assert ReconFinding.get_by_id(finding.id).status == "acknowledged"
    assert "备注" in refused.get_data(as_text=True)
    done = form_post(f"/console/recon/findings/{finding.id}/resolve", {"note": "已冲正", "date": "2026-11-27"})
    assert done.status_code == 303 and ReconFinding.get_by_id(finding.id).status == "resolved"
    assert AuditLog.select().where(AuditLog.action.startswith("recon.finding")).count() == 2
    for path in (
        "/console/audit",
        "/console/audit?action=recon",
        "/console/recon?date=2026-11-27",
        "/console/stations",
        "/console/statistics",
        "/console/payouts",
    ):
        assert client.get(path).status_code == 200, path


def test_publish_with_bad_price_keeps_what_was_typed(client, loop, console_login, form_post):
    console_login(loop["staff"])
    data = {
        "station_id": loop["station"].id,
        "enterprise_id": loop["job"].enterprise_id,
        "title": "提手缝合",
        "unit_price": "0.123",
        "total_pieces": "50",
        "material_name_0": "提手",
    }
    response = form_post("/console/jobs", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "最多两位小数" in page
    assert 'value="提手缝合"' in page and 'value="提手"' in page
    data["unit_price"] = "0.12"
    assert form_post("/console/jobs", data).status_code == 303


def test_correction_preview_shows_the_change_then_posts_a_correcting_entry(client, loop, console_login, form_post):
    console_login(loop["staff"])
    _inspect(form_post, loop["order_id"], accepted=10)
    original = Inspection.get(Inspection.order == loop["order_id"])
    data = {"accepted": "8", "rejected": "2", "rework": "0", "note": "复检发现两件划痕"}
    preview = form_post(f"/console/inspections/{original.id}/correct", data)
    assert preview.status_code == 200 and 'data-fig="amount">-¥0.24<' in preview.get_data(as_text=True)
    assert Inspection.select().count() == 1
    done = form_post(f"/console/inspections/{original.id}/correct", dict(data, step="confirm"), follow=True)
    assert "已更正" in done.get_data(as_text=True)
    fix = Inspection.get(Inspection.corrects == original.id)
    assert (fix.accepted, fix.rejected, fix.amount_fen) == (-2, 2, -24)
    assert Inspection.get_by_id(original.id).accepted == 10  # the original row is never edited
    assert ledger.owed_fen(loop["worker"].id) == 96
