"""Every staff action in the console leaves an audit row, and only admins read the audit log."""

from models import AuditLog
from models import Enterprise
from models import Inspection


def _count(action):
    return AuditLog.select().where(AuditLog.action == action).count()


def test_every_console_action_is_audited(client, loop, console_login, form_post, admin, make_enterprise):
    job, order_id = loop["job"], loop["order_id"]
    console_login(loop["staff"])
    assert _count("console.login") == 1
    material = job.materials[0]
    actions = [
        (
            "job.publish",
            "/console/jobs",
            {
                "station_id": loop["station"].id,
                "enterprise_id": job.enterprise_id,
                "title": "箱包提手缝合",
                "unit_price": "0.15",
                "total_pieces": "50",
                "material_name_0": "提手",
                "material_per_piece_0": "1",
                "material_loss_0": "0.5",
            },
        ),
        (
            "job.update",
            f"/console/jobs/{job.id}",
            {
                "title": job.title,
                "unit_price": "0.20",
                "total_pieces": "100",
                "per_worker_cap": "0",
                "quality_standard": "无划痕",
            },
        ),
        (
            "material.issue",
            f"/console/orders/{order_id}/materials",
            {"material_id": material.id, "kind": "issue", "quantity": "40"},
        ),
        (
            "material.return",
            f"/console/orders/{order_id}/materials",
            {"material_id": material.id, "kind": "return", "quantity": "2"},
        ),
        (
            "inspection.record",
            f"/console/orders/{order_id}/inspect",
            {"accepted": "8", "rejected": "2", "rework": "0", "step": "confirm"},
        ),
    ]
    for action, path, data in actions:
        before = _count(action)
        response = form_post(path, data)
        assert response.status_code == 303, (action, response.get_data(as_text=True)[:300])
        assert _count(action) == before + 1, action
    inspection = Inspection.get(Inspection.order == order_id)
    response = form_post(
        f"/console/inspections/{inspection.id}/correct",
        {"accepted": "9", "rejected": "1", "rework": "0", "note": "复检", "step": "confirm"},
    )
    assert response.status_code == 303 and _count("inspection.correct") == 1
    response = form_post(f"/console/jobs/{job.id}/close")
    assert response.status_code == 303 and _count("job.close") == 1
    form_post("/console/logout")
    assert _count("console.logout") == 1

    console_login(admin, password="admin-password")
    for action, path, data in (
        ("station.create", "/console/stations", {"name": "新驿站", "kind": "village"}),
        ("enterprise.create", "/console/enterprises", {"name": "新企业"}),
    ):
        before = _count(action)
        assert form_post(path, data).status_code == 303 and _count(action) == before + 1
    page = client.get("/console/audit").get_data(as_text=True)
    assert "inspection.correct" in page and "console.login" in page


def test_preview_changes_nothing_and_a_double_tap_acts_once(client, loop, console_login, form_post):
    console_login(loop["staff"])
    order_id = loop["order_id"]
    preview = form_post(f"/console/orders/{order_id}/inspect", {"accepted": "10", "rejected": "0", "rework": "0"})
    assert preview.status_code == 200 and "¥1.20" in preview.get_data(as_text=True)
    assert Inspection.select().count() == 0
    data = {"accepted": "5", "rejected": "0", "rework": "0", "step": "confirm", "request_id": "tap-1"}
    assert form_post(f"/console/orders/{order_id}/inspect", data).status_code == 303
    again = form_post(f"/console/orders/{order_id}/inspect", data, follow=True)
    assert "已经提交过了" in again.get_data(as_text=True)
    assert Inspection.select().count() == 1
    assert _count("inspection.record") == 1


def test_audit_log_is_for_admins_only(client, loop, console_login):
    console_login(loop["staff"])
    response = client.get("/console/audit")
    assert response.status_code == 403 and "没有权限" in response.get_data(as_text=True)


def test_counsellor_reads_but_cannot_act(client, loop, console_login, form_post, make_staff):
    counsellor = make_staff(role="counsellor", station=loop["station"], username="fudao")
    console_login(counsellor)
    assert client.get(f"/console/orders/{loop['order_id']}").status_code == 200
    response = form_post(
        f"/console/orders/{loop['order_id']}/inspect",
        {"accepted": "1", "rejected": "0", "rework": "0", "step": "confirm"},
    )
    assert response.status_code == 403
    assert Inspection.select().count() == 0


def test_a_form_whose_write_failed_does_the_work_when_sent_again(client, admin, console_login, form_post):
    """The form's request id is claimed in the write's own transaction: a database error takes it back with the
    write, so the resent form records the enterprise instead of saying it was already done."""
    import models

    console_login(admin, password="admin-password")
    data = {"name": "重发企业", "request_id": "form-db-error-1"}
    models.db.execute_sql("ALTER TABLE audit_log RENAME TO audit_log_away")
    try:
        failed = form_post("/console/enterprises", data)
    except Exception:  # noqa: BLE001 - the test client may re-raise what the page would show as an error
        failed = None
    finally:
        models.db.execute_sql("ALTER TABLE audit_log_away RENAME TO audit_log")
    assert failed is None or failed.status_code >= 500
    assert Enterprise.select().where(Enterprise.name == "重发企业").count() == 0
    again = form_post("/console/enterprises", data, follow=True)
    assert again.status_code == 200 and "已经提交过了" not in again.get_data(as_text=True)
    assert Enterprise.select().where(Enterprise.name == "重发企业").count() == 1
    third = form_post("/console/enterprises", data, follow=True)
    assert "已经提交过了" in third.get_data(as_text=True)
    assert Enterprise.select().where(Enterprise.name == "重发企业").count() == 1
