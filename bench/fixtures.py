"""Service databases and fixtures for the bench targets: a fresh schema from the CLI, then bench workers.

Workers log in through the sandbox with `test-benchNNNN` codes (real tokens), take a big order each and get a
few pieces inspected (so earnings have ledger rows); their official-account openids are bound directly. Every
sender of the signed callbacks is one of them (signed.N_SENDERS), so every callback reaches the earnings read.
On the county-year dataset the busiest workers get the same openids.
"""

import os
import subprocess
import time
import uuid

from bench.signed import N_SENDERS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_WORKERS = N_SENDERS  # one constant: the workers bound by openid are the senders of the request files
BIG = 1_000_000  # the service caps a job at a million pieces
OA_TOKEN = "bench-oa-token"


def reset_database(url):
    """Drop everything in the bench database (never the shared `test` database)."""
    from bench.scenarios import sqlite_path

    path = sqlite_path(url)
    if path:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    if url.rstrip("/").rsplit("/", 1)[-1] in ("test", "postgres", "root"):
        raise SystemExit(f"refusing to reset a shared database: {url}")
    import psycopg

    conn = psycopg.connect(url.replace("+pool://", "://"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    conn.close()


def server_env(url):
    # The same SECRET_KEY in the fixture process and the servers, so the console's session cookie is valid.
    return {"DATABASE_URL": url, "WECHAT_OA_TOKEN": OA_TOKEN, "WECHAT_SANDBOX": "1", "SECRET_KEY": "bench-only-secret"}


def cli(url, *args, extra_env=None):
    from bench.runner import APP_ROOT

    env = {**os.environ, **server_env(url), **(extra_env or {}), "PYTHONPATH": APP_ROOT}
    subprocess.run([os.path.join(ROOT, ".venv", "bin", "flask"), "--app", "app", *args], cwd=APP_ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip


def _ok(response, what):
    if response.status_code >= 300:
        raise RuntimeError(f"fixture step {what} answered {response.status_code}: {response.get_data(as_text=True)}")
    return response.get_json()


def _features(app):
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    unavailable = {}
    if "/wechat/oa" not in rules:
        unavailable["oa"] = "official-account callback /wechat/oa not present"
    if not any(rule.startswith("/console") for rule in rules):
        unavailable["console"] = "console not present"
    return unavailable, rules


def staff_login(client):
    body = _ok(
        client.post("/api/v1/staff/login", json={"username": "admin", "password": "lingong-demo"}), "staff login"
    )
    return {"Authorization": f"Bearer {body['token']}"}


def publish_big_job(client, staff, title):
    stations = _ok(client.get("/api/v1/staff/stations", headers=staff), "stations")["stations"]
    enterprises = _ok(client.get("/api/v1/staff/enterprises", headers=staff), "enterprises")["enterprises"]
    job = {"station_id": stations[0]["id"], "enterprise_id": enterprises[0]["id"], "title": title,
           "unit_price_fen": 10, "total_pieces": BIG, "per_worker_cap": 0}  # fmt: skip
    return _ok(client.post("/api/v1/staff/jobs", json=job, headers=staff), "publish job")["id"], stations[0]["id"]


def console_session(app, client):
    """Sign in to the console as the demo admin through its login form; returns (dashboard path, headers)."""
    import re

    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    path = rules.get("console.dashboard") or rules.get("console.index")
    form = client.get("/console/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    data = {"username": "admin", "password": "lingong-demo", **({"csrf_token": csrf.group(1)} if csrf else {})}
    answer = client.post("/console/login", data=data)
    if answer.status_code >= 400:
        raise RuntimeError(f"console login answered {answer.status_code}")
    name = app.config.get("SESSION_COOKIE_NAME", "session")
    cookie = client.get_cookie(name)
    if cookie is None or path is None:
        raise RuntimeError("console login gave no session cookie or there is no dashboard route")
    page = client.get(path)
    if page.status_code != 200:
        raise RuntimeError(f"console dashboard answered {page.status_code} after login")
    return path, [f"Cookie: {name}={cookie.value}"]


def _scale_tokens(url, count):
    """Bearer tokens for the `count` generated workers with the most history (issued by the service's own code)."""
    from peewee import fn

    from models import PieceReport
    from models import Worker
    from models import db as database
    from models import utcnow
    from services.people.accounts import issue_token

    with database.connection_context():
        busiest = (
            PieceReport.select(PieceReport.worker)
            .join(Worker)
            .where(Worker.mp_openid.startswith("scale-mp-"))
            .group_by(PieceReport.worker)
            .order_by(fn.COUNT(PieceReport.id).desc())
            .limit(count)
            .tuples()
        )
        ids = [w for (w,) in busiest]
        return [issue_token(utcnow(), worker=w)[0] for w in ids], ids


def _ensure_year(url):
    from bench import scale

    # BENCH_SCALE_REPORTS: a smaller "year" for smoke runs only (a dataset of another size is regenerated).
    reports = int(os.environ.get("BENCH_SCALE_REPORTS", "1000000"))
    if scale.is_generated(url, reports=reports):
        return
    reset_database(url)
    cli(url, "init-db")
    cli(url, "seed-demo")
    started = time.monotonic()
    counts = scale.generate(url, reports=reports, orders=max(reports * 3 // 20, 1))
    print(f"county-year dataset: {counts['reports']} reports in {time.monotonic() - started:.0f}s ({url})", flush=True)


def prepare(db, url, workers=N_WORKERS, year=False):
    """Fixtures in `url` (a fresh schema, or the county-year dataset when `year`); returns tokens, job and order
    ids, the server's env, and the features that are not present."""
    from bench.runner import APP_ROOT

    if not os.path.exists(os.path.join(APP_ROOT, "app.py")):
        reason = "foundation (app.py) not present"
        return {"unavailable": {"api": reason, "oa": reason, "console": reason}}
    if year:
        _ensure_year(url)
    else:
        reset_database(url)
        cli(url, "init-db")
        cli(url, "seed-demo")
    os.environ.update(server_env(url))
    from app import create_app
    from bench.signed import oa_openid
    from models import Worker
    from models import db as database

    app = create_app(server_env(url))
    unavailable, rules = _features(app)
    client = app.test_client()
    staff = staff_login(client)
    order_job, station_id = publish_big_job(client, staff, "压测接单工作")
    report_job, _ = publish_big_job(client, staff, "压测报数工作")
    order_ids = []
    run = uuid.uuid4().hex[:6]
    if year:
        tokens, worker_ids = _scale_tokens(url, workers)
    else:
        tokens, worker_ids = [], []
        for i in range(workers):
            login = _ok(client.post("/api/v1/auth/login", json={"code": f"test-bench{i:04d}"}), "worker login")
            tokens.append(login["token"])
            worker_ids.append(login["worker"]["id"])
    for i, token in enumerate(tokens):
        auth = {"Authorization": f"Bearer {token}"}
        if not year:
            _ok(client.patch("/api/v1/me", json={"home_station_id": station_id}, headers=auth), "home station")
        order = _ok(client.post(f"/api/v1/jobs/{report_job}/orders", json={"quantity": BIG // len(tokens),
                    "request_id": f"fx-{run}-o{i}"}, headers=auth), "order")  # fmt: skip
        order_ids.append(order["id"])
        if year:
            continue
        _ok(client.post(f"/api/v1/orders/{order['id']}/reports", json={"quantity": 10, "request_id": f"fx-{run}-r{i}"},
                        headers=auth), "report")  # fmt: skip
        _ok(client.post(f"/api/v1/staff/orders/{order['id']}/inspections", json={"accepted": 8, "rejected": 1,
                        "rework": 1, "request_id": f"fx-{run}-i{i}"}, headers=staff), "inspection")  # fmt: skip
    with database.connection_context():
        for i, worker_id in enumerate(worker_ids):
            # An openid is unique: take it from whichever worker had it (the year dataset keeps earlier runs').
            Worker.update(oa_openid=None).where((Worker.oa_openid == oa_openid(i)) & (Worker.id != worker_id)).execute()
            Worker.update(oa_openid=oa_openid(i), oa_subscribed=True).where(Worker.id == worker_id).execute()
    dashboard_path, console_headers = "", []
    if "console" not in unavailable:
        dashboard_path, console_headers = console_session(app, client)
    return {
        "unavailable": unavailable,
        "tokens": tokens,
        "senders": len(worker_ids),  # the openids oa_openid(0 .. senders-1) are bound
        "order_ids": order_ids,
        "job_id": order_job,
        "oa_token": OA_TOKEN,
        "env": server_env(url),
        "dashboard_path": dashboard_path,
        "staff_headers": console_headers,
        "staff_auth": staff["Authorization"],
    }
