"""The console's reconciliation page labels a day checked before it was over and refuses a future date."""

import datetime as dt

from models import utcnow
from services.clock import business_date
from services.reconciliation import nightly as reconciliation
from tests.recon_helpers import seeded_fixture  # noqa: F401 (the `seeded` fixture)


def test_a_day_checked_so_far_is_labelled_and_a_future_date_refused(client, seeded, admin, console_login):
    today = business_date(utcnow())
    reconciliation.reconcile_day(today, utcnow())
    console_login(admin, password="admin-password")
    page = client.get("/console/recon").get_data(as_text=True)
    assert "截至目前（当天未结束）" in page and "当天还没结束" in page and "完成于" not in page
    assert "截至目前（当天未结束）" in client.get("/console/").get_data(as_text=True)
    refused = client.get(f"/console/recon?date={today + dt.timedelta(days=1)}")
    assert refused.status_code == 400 and "还没到" in refused.get_data(as_text=True)


def test_staff_notices_are_shown_on_the_front_page_until_read(client, console_login, form_post, admin, make_staff):
    import json

    from models import StaffNotice

    message = "2026-11-27 对账发现 2 个问题"
    payload = json.dumps({"message": message, "count": 2}, ensure_ascii=False)
    StaffNotice.create(staff=admin.id, kind="recon_findings", payload=payload, dedup_key="recon:test:1")
    console_login(admin, password="admin-password")
    assert message in client.get("/console/").get_data(as_text=True)
    notice = StaffNotice.get()
    response = form_post("/console/notices/read", {"notice_id": str(notice.id)})
    assert response.status_code == 303
    assert StaffNotice.get_by_id(notice.id).read_at is not None
    assert message not in client.get("/console/").get_data(as_text=True)
