"""Admins see reconciliation runs and findings and act on them; other staff may not."""

import datetime as dt

from models import Job
from models import utcnow
from services.clock import business_date
from services.reconciliation import nightly as reconciliation
from tests.recon_helpers import DAY
from tests.recon_helpers import market_time
from tests.recon_helpers import seeded_fixture  # noqa: F401 (the `seeded` fixture)


def test_admin_reads_runs_and_findings_and_resolves_one(client, seeded, admin, staff_headers):
    Job.update(taken=Job.taken + 2).where(Job.id == seeded.jobs["b"].id).execute()  # behind the service's back
    reconciliation.reconcile_day(DAY, market_time(DAY + dt.timedelta(days=1), 2))
    headers = staff_headers(admin, "admin-password")
    runs = client.get("/api/v1/staff/reconciliation/runs", headers=headers).get_json()["runs"]
    assert [(r["business_date"], r["status"], r["findings_count"]) for r in runs] == [(DAY.isoformat(), "finished", 1)]
    assert runs[0]["provisional"] is False
    day = client.get(f"/api/v1/staff/reconciliation/runs/{DAY}", headers=headers).get_json()
    (finding,) = day["findings"]
    assert finding["kind"] == "job_taken_off" and finding["object_id"] == str(seeded.jobs["b"].id)
    assert "已接件数" in finding["message"] and finding["status"] == "open"
    url = f"/api/v1/staff/reconciliation/findings/{finding['id']}"
    assert client.post(url + "/resolve", headers=headers, json={}).status_code == 400  # a note is required
    acked = client.post(url + "/acknowledge", headers=headers, json={"note": "核对中"}).get_json()
    assert acked["status"] == "acknowledged" and acked["acted_by"] == "admin"
    done = client.post(url + "/resolve", headers=headers, json={"note": "已补录更正"}).get_json()
    assert done["status"] == "resolved"
    assert client.post(url + "/resolve", headers=headers, json={"note": "x"}).status_code == 409


def test_others_are_refused_and_bad_dates_are_400(client, seeded, admin, staff_headers):
    station_headers = staff_headers(seeded.staff)
    assert client.get("/api/v1/staff/reconciliation/runs", headers=station_headers).status_code == 403
    assert client.get("/api/v1/staff/reconciliation/runs").status_code == 401
    headers = staff_headers(admin, "admin-password")
    assert client.get("/api/v1/staff/reconciliation/runs/2026-13-01", headers=headers).status_code == 400
    assert client.get("/api/v1/staff/reconciliation/runs/2020-01-01", headers=headers).status_code == 404
    assert (
        client.post("/api/v1/staff/reconciliation/findings/999/acknowledge", headers=headers, json={}).status_code
        == 404
    )


def test_a_day_checked_so_far_is_labelled_and_a_future_date_is_400(client, seeded, admin, staff_headers):
    today = business_date(utcnow())
    reconciliation.reconcile_day(today, utcnow())
    headers = staff_headers(admin, "admin-password")
    (run,) = client.get("/api/v1/staff/reconciliation/runs", headers=headers).get_json()["runs"]
    assert run["business_date"] == today.isoformat() and run["status"] == "provisional"
    assert run["provisional"] is True and run["summary"]["provisional"] is True and run["summary"]["as_of"]
    assert client.get(f"/api/v1/staff/reconciliation/runs/{today}", headers=headers).get_json()["run"]["provisional"]
    tomorrow = today + dt.timedelta(days=1)
    refused = client.get(f"/api/v1/staff/reconciliation/runs/{tomorrow}", headers=headers)
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "future_date"
