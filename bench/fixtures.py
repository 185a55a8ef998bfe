"""Service databases and fixtures for the bench targets: a fresh schema from the CLI, then bench workers.

Workers log in through the sandbox with `test-benchNNNN` codes (real tokens), take a big order each and get a
few pieces inspected (so earnings have ledger rows); their official-account openids are bound directly.
"""

import os
import subprocess
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_WORKERS = int(os.environ.get("BENCH_WORKERS_FIXTURE", "200"))
BIG = 1_000_000  # the service caps a job at a million pieces
OA_TOKEN = "bench-oa-token"


def reset_database(url):
    """Drop everything in the bench database (never the shared `test` database)."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    if url.rstrip("/").rsplit("/", 1)[-1] in ("test", "postgres", "root"):
        raise SystemExit(f"refusing to reset a shared database: {url}")
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    conn.close()


def server_env(url):
    return {"DATABASE_URL": url, "WECHAT_OA_TOKEN": OA_TOKEN, "WECHAT_SANDBOX": "1"}


def cli(url, *args):
    from bench.runner import APP_ROOT

    env = {**os.environ, **server_env(url), "PYTHONPATH": APP_ROOT}
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


def prepare(db, url, workers=N_WORKERS):
    """Fresh schema and fixtures in `url`; returns tokens, job and order ids, env, and unavailable features."""
    from bench.runner import APP_ROOT

    if not os.path.exists(os.path.join(APP_ROOT, "app.py")):
        reason = "foundation (app.py) not present"
        return {"unavailable": {"api": reason, "oa": reason, "console": reason}}
    reset_database(url)
    cli(url, "init-db")
    cli(url, "seed-demo")
    os.environ.update(server_env(url))
    from app import create_app
    from bench.signed import oa_openid
    from models import Worker
    from models import db as database

    app = create_app({"DATABASE_URL": url, "WECHAT_OA_TOKEN": OA_TOKEN})
    unavailable, rules = _features(app)
    client = app.test_client()
    staff = staff_login(client)
    order_job, station_id = publish_big_job(client, staff, "压测接单工作")
    report_job, _ = publish_big_job(client, staff, "压测报数工作")
    tokens, order_ids, worker_ids = [], [], []
    run = uuid.uuid4().hex[:6]
    for i in range(workers):
        login = _ok(client.post("/api/v1/auth/login", json={"code": f"test-bench{i:04d}"}), "worker login")
        auth = {"Authorization": f"Bearer {login['token']}"}
        tokens.append(login["token"])
        worker_ids.append(login["worker"]["id"])
        _ok(client.patch("/api/v1/me", json={"home_station_id": station_id}, headers=auth), "home station")
        order = _ok(client.post(f"/api/v1/jobs/{report_job}/orders", json={"quantity": BIG // workers,
                    "request_id": f"fx-{run}-o{i}"}, headers=auth), "order")  # fmt: skip
        order_ids.append(order["id"])
        _ok(client.post(f"/api/v1/orders/{order['id']}/reports", json={"quantity": 10, "request_id": f"fx-{run}-r{i}"},
                        headers=auth), "report")  # fmt: skip
        _ok(client.post(f"/api/v1/staff/orders/{order['id']}/inspections", json={"accepted": 8, "rejected": 1,
                        "rework": 1, "request_id": f"fx-{run}-i{i}"}, headers=staff), "inspection")  # fmt: skip
    database.connect(reuse_if_open=True)
    for i, worker_id in enumerate(worker_ids):
        Worker.update(oa_openid=oa_openid(i), oa_subscribed=True).where(Worker.id == worker_id).execute()
    database.close()
    dashboard = sorted(rule for rule in rules if rule.startswith("/console"))
    return {
        "unavailable": unavailable,
        "tokens": tokens,
        "order_ids": order_ids,
        "job_id": order_job,
        "oa_token": OA_TOKEN,
        "env": server_env(url),
        "dashboard_path": "/console/" if "/console/" in rules else (dashboard[0] if dashboard else ""),
        "staff_headers": [f"Authorization: {staff['Authorization']}"],
    }
