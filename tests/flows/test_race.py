"""Twelve processes race for the last pieces of one job: never oversold, no 5xx, ledger balanced."""

import multiprocessing

from models import Job
from models import Order
from services.money import ledger

RACERS = 12


def _racer(url, name, barrier, results):
    from app import create_app

    app = create_app({"DATABASE_URL": url, "WECHAT_SANDBOX": True, "TESTING": True, "LINGONG_ENV": "test"})
    client = app.test_client()
    token = client.post("/api/v1/auth/login", json={"code": f"test-{name}"}).get_json()["token"]
    job_id = results["job_id"]
    barrier.wait(timeout=60)
    response = client.post(
        f"/api/v1/jobs/{job_id}/orders",
        headers={"Authorization": "Bearer " + token},
        json={"quantity": 2, "request_id": f"race-{name}"},
    )
    results[name] = (response.status_code, response.get_json())


def test_twelve_processes_never_oversell(app, make_job):
    job = make_job(total_pieces=7, unit_price_fen=10)  # room for three orders of 2, then 1 piece left
    ctx = multiprocessing.get_context("spawn")
    manager = ctx.Manager()
    results = manager.dict(job_id=job.id)
    barrier = ctx.Barrier(RACERS)
    url = app.config["DATABASE_URL"]
    procs = [ctx.Process(target=_racer, args=(url, f"racer{i}", barrier, results)) for i in range(RACERS)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    outcomes = [results[f"racer{i}"] for i in range(RACERS)]
    statuses = sorted(status for status, _ in outcomes)
    assert all(status < 500 for status in statuses), outcomes
    assert statuses.count(201) == 3 and statuses.count(409) == RACERS - 3, outcomes
    refused = [body["error"]["code"] for status, body in outcomes if status == 409]
    assert set(refused) == {"not_enough_pieces"}
    job = Job.get_by_id(job.id)
    assert job.taken == 6 <= job.total_pieces
    assert sum(o.quantity for o in Order.select().where(Order.job == job.id)) == job.taken
    assert ledger.unbalanced_transactions() == []
