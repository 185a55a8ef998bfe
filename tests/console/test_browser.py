"""The console in a real browser: headless Debian Chromium driven by Playwright against the real service.

Station staff sign in, publish a job, issue materials, inspect the pieces a worker reported through the API, see
the dashboard change; another station's staff are refused the first station's pages. Screenshots of every page go to
artifacts/screenshots/. `make test` installs chromium and fonts-wqy-microhei when they are missing.
"""

import os
import pathlib
import re
import threading

import pytest
from playwright.sync_api import expect
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = pathlib.Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture
def server(app):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (apt-get install -y chromium fonts-wqy-microhei)")
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def browser():

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _sign_in(page, base, username, password):
    page.goto(base + "/console/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/console/")


def _figure(page, name):
    return page.locator(f"main [data-fig={name}]").first.inner_text().strip()


def test_station_staff_run_the_loop_in_chromium(
    server, browser, client, login, admin, make_station, make_enterprise, make_staff
):
    base = server
    station = make_station("商城镇乡村驿站")
    other = make_station("道东堡乡村驿站")
    make_enterprise("成安鞋灯电子厂")
    make_staff(station=station, username="shangcheng", password="station-password")
    make_staff(station=other, username="daodongbao", password="station-password")

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.goto(base + "/console/")
    assert "/console/login" in page.url
    _shot(page, "01-login")
    _sign_in(page, base, "shangcheng", "station-password")
    assert _figure(page, "accepted_today") == "0"
    _shot(page, "02-dashboard-before")

    # Publish a job with its bill of materials.
    page.goto(base + "/console/jobs/new")
    page.fill("input[name=title]", "鞋灯卡扣组装")
    page.fill("input[name=process]", "把灯珠卡扣装入鞋灯外壳")
    page.fill("input[name=unit_price]", "0.12")
    page.fill("input[name=total_pieces]", "500")
    page.fill("textarea[name=quality_standard]", "外观无划痕、装配到位、无漏装")
    page.fill("input[name=material_name_0]", "卡扣")
    page.fill("input[name=material_per_piece_0]", "2")
    page.fill("input[name=material_loss_0]", "1")
    _shot(page, "03-job-form")
    page.click("#publish-job button[type=submit]")
    page.wait_for_url(re.compile(r".*/console/jobs/\d+$"))
    assert "鞋灯卡扣组装" in page.inner_text("h1")
    job_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    _shot(page, "04-job")

    # A worker takes an order and reports finished pieces through the mini-program API.
    worker, headers = login("alice")
    client.patch("/api/v1/me", json={"name": "张三", "home_station_id": station.id}, headers=headers)
    order = client.post(
        f"/api/v1/jobs/{job_id}/orders", json={"quantity": 20, "request_id": "b1"}, headers=headers
    ).get_json()
    code = client.get("/api/v1/me/qr", headers=headers).get_json()["code"]

    # Materials desk: find the worker by the QR code and issue 40 clasps.
    page.goto(base + "/console/materials")
    page.fill("input[name=q]", code)
    page.click("main form button[type=submit]")
    _shot(page, "05-materials-search")
    page.click("text=发料 / 退料")
    page.wait_for_url(f"**/console/workers/{worker.id}")
    page.fill("main form input[name=quantity]", "40")
    page.click("main form button[value=issue]")
    expect(page.locator(".flash.ok")).to_have_text("已发料 40")
    expect(page.locator("main table td.num").first).to_have_text("40")
    _shot(page, "06-worker-materials")

    reported = client.post(
        f"/api/v1/orders/{order['id']}/reports", json={"quantity": 10, "request_id": "b2"}, headers=headers
    )
    assert reported.status_code == 201

    # Inspection desk: 9 accepted, 1 rework; the amount is shown before confirming.
    page.goto(base + "/console/inspections")
    _shot(page, "07-inspection-desk")
    page.click("main a.btn.primary")
    page.fill("#inspect-form input[name=accepted]", "9")
    page.fill("#inspect-form input[name=rework]", "1")
    _shot(page, "08-order")
    page.click("#inspect-form button[type=submit]")
    assert _figure(page, "amount") == "¥1.08"
    _shot(page, "09-confirm")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"**/console/orders/{order['id']}")
    assert _figure(page, "order_awaiting") == "0"

    page.goto(base + "/console/")
    assert _figure(page, "accepted_today") == "9"
    assert _figure(page, "workers_active") == "1"
    _shot(page, "10-dashboard-after")
    for name, path in (
        ("11-stations", "/console/stations"),
        ("12-statistics", "/console/statistics"),
        ("13-jobs", "/console/jobs"),
        ("14-station", f"/console/stations/{station.id}"),
    ):
        page.goto(base + path)
        _shot(page, name)
    _download_statement(page, base, worker)

    # Cash at the desk: the worker is owed ¥1.08; pay it all and see "paid today" change.
    page.goto(base + f"/console/workers/{worker.id}")
    assert _figure(page, "owed") == "¥1.08"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("main form[action$='/cash'] button[type=submit]")
    page.wait_for_url("**/console/payouts?tab=done")
    _shot(page, "18-payouts")
    page.goto(base + "/console/")
    assert _figure(page, "paid_today") == "¥1.08"
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(base + "/console/")
    _shot(page, "15-dashboard-desktop")
    context.close()

    # Another station's staff cannot open the first station's pages.
    other_context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = other_context.new_page()
    _sign_in(page, base, "daodongbao", "station-password")
    for path in (
        f"/console/stations/{station.id}",
        f"/console/jobs/{job_id}",
        f"/console/orders/{order['id']}",
        f"/console/workers/{worker.id}",
    ):
        response = page.goto(base + path)
        assert response.status == 403, path
        assert "没有权限" in page.inner_text("h1")
    _shot(page, "16-forbidden")
    other_context.close()

    # The county admin sees every station, the payouts board, reconciliation and the audit log.
    admin_context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = admin_context.new_page()
    _sign_in(page, base, "admin", "admin-password")
    assert _figure(page, "accepted_today") == "9"
    _shot(page, "19-admin-dashboard")
    for name, path in (
        ("20-admin-recon", "/console/recon"),
        ("21-admin-audit", "/console/audit"),
        ("22-admin-stations", "/console/stations"),
    ):
        page.goto(base + path)
        _shot(page, name)
    page.goto(base + "/console/audit")
    assert "inspection.record" in page.content() and "statement.download" in page.content()
    admin_context.close()


def _download_statement(page, base, worker):
    """Download the worker's statement of this month as .xlsx."""
    page.goto(base + "/console/statements")
    _shot(page, "17-statements")
    with page.expect_download() as info:
        page.click(f"[data-download=worker-{worker.id}]")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"
