"""The Content-Security-Policy breaks no console page: every page a station's staff and the county admin can open,
in headless Chromium, with no policy violation reported (a blocked script, stylesheet or inline style would be)."""

import re

from models import utcnow
from tests.console import test_browser
from tests.console.test_browser_training import training_session

server = test_browser.server  # the same fixtures as the console's browser test
browser = test_browser.browser

PARAMS = re.compile(r"<(?:any\((\w+)[^>]*|(?:\w+:)?(\w+))>")
WATCH = """document.addEventListener("securitypolicyviolation", function (e) {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});"""


def _pages(app, ids):
    """Every console GET page (downloads and the sign-in page aside), with real objects in its path."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console") or "GET" not in rule.methods:
            continue
        if rule.endpoint in ("console.login", "console.download_statement"):
            continue
        yield PARAMS.sub(lambda m: m.group(1) or str(ids[m.group(2)]), rule.rule)


def _visit(page, base, paths, refused=()):
    violations, console = [], []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    for path in paths:
        response = page.goto(base + path)
        assert response.status == (403 if path in refused else 200), path
        assert "'self'" in response.headers["content-security-policy"]
        violations += [f"{path}: {v}" for v in page.evaluate("window.__csp || []")]
    return violations + console


def test_no_console_page_violates_the_policy(app, server, browser, loop, admin, client, form_post, console_login):
    console_login(loop["staff"])
    inspected = form_post(
        f"/console/orders/{loop['order_id']}/inspect",
        {"accepted": "8", "rejected": "1", "rework": "1", "step": "confirm"},
    )
    assert inspected.status_code == 303
    _, session = training_session(admin, loop["station"], loop["job"].enterprise, utcnow())
    ids = {
        "session_id": session.id,
        "worker_id": loop["worker"].id,
        "order_id": loop["order_id"],
        "job_id": loop["job"].id,
        "station_id": loop["station"].id,
    }
    paths = list(_pages(app, ids))
    assert "/console/statistics" in paths and f"/console/orders/{loop['order_id']}" in paths
    found = []
    admin_only = ("/console/recon", "/console/audit", "/console/counsellor",
                  "/console/statistics/training/training_attendances")  # fmt: skip
    for username, password, refused in (
        ("shangcheng", "station-password", admin_only),
        ("admin", "admin-password", ()),
    ):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.add_init_script(WATCH)
        page = context.new_page()
        page.goto(server + "/console/login")
        found += _visit(page, server, ["/console/login"])
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.wait_for_url(server + "/console/")
        found += _visit(page, server, paths, refused)
        context.close()
    assert found == []
