"""Open-loop latency at a fixed rate: ten times a county peak, as issue 7's p99 target is stated.

A county peak day (DOMAIN.md): a few thousand active workers, tens of thousands of piece reports. Taking 40,000
reports plus as many callbacks and page views, a third of them in the busiest two hours, gives ~4 requests/s;
ten times that is 40/s (BENCH_PEAK_RATE). Requests are sent on a fixed schedule whatever the answers take, and
latency is counted from the scheduled time, so queueing shows (no coordinated omission).
`python -m bench.peak [--db sqlite|pg] [--rate 40] [--seconds 20]`
"""

import argparse
import json
import os
import queue
import statistics
import sys
import threading
import time
import uuid

from bench import common_faults
from bench import fixtures
from bench import runner
from bench import scenarios
from bench import signed


def _mix(fixture, n, run, now):
    """The n-th request of the mix: a third callbacks, a third piece reports, a third earnings views."""
    i = n % len(fixture["tokens"])
    token, order_id = fixture["tokens"][i], fixture["order_ids"][i]
    kind = n % 3
    if kind == 0:
        user, body = signed.oa_message("text", n, now, users=len(fixture["tokens"]))
        query = signed.signed_query(now, f"{run}p{n}", user, fixture["oa_token"])
        return "callback", ("POST", f"/wechat/oa?{query}", body.encode(), {"Content-Type": "text/xml"})
    if kind == 1:
        body = json.dumps({"quantity": 1, "request_id": f"peak-{run}-{n}"})
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        return "piece-report", ("POST", f"/api/v1/orders/{order_id}/reports", body, headers)
    return "earnings", ("GET", "/api/v1/me/earnings", None, {"Authorization": f"Bearer {token}"})


def measure(db, rate, seconds, pool=False):
    if pool:
        scenarios.use_pooled_connections()
    url = scenarios.DATABASES[db]["service"]
    fixture = fixtures.prepare(db, url, workers=100)
    server = runner.Server("app:create_app()", fixture["env"], os.path.join(scenarios.OUT, "peak-gunicorn.log"))
    server.start()
    run, now = uuid.uuid4().hex[:8], int(time.time())
    warm_until = time.monotonic() + 3  # every worker booted and connected before the schedule starts
    while time.monotonic() < warm_until:
        common_faults.request("GET", "/api/v1/me/earnings", None, {"Authorization": f"Bearer {fixture['tokens'][0]}"})
    total = int(rate * seconds)
    jobs, results, lock = queue.Queue(), [], threading.Lock()

    def worker():
        while True:
            item = jobs.get()
            if item is None:
                return
            due, kind, (method, path, body, headers) = item
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            status, _ = common_faults.request(method, path, body, headers)
            with lock:
                results.append((kind, status, time.monotonic() - due))

    try:
        threads = [threading.Thread(target=worker) for _ in range(32)]
        for t in threads:
            t.start()
        start = time.monotonic() + 0.5
        for n in range(total):
            jobs.put((start + n / rate, *_mix(fixture, n, run, now)))
        for _ in threads:
            jobs.put(None)
        for t in threads:
            t.join()
    finally:
        server.stop()
    rows = []
    for kind in ("callback", "piece-report", "earnings", "all"):
        lat = sorted(r[2] * 1000 for r in results if kind in ("all", r[0]))
        bad = sum(1 for r in results if kind in ("all", r[0]) and not 200 <= r[1] < 300)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        rows.append((kind, len(lat), statistics.median(lat), p99, lat[-1], bad))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "pg"])
    parser.add_argument("--rate", type=float, default=float(os.environ.get("BENCH_PEAK_RATE", "40")))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--pool", action="store_true")
    parser.add_argument("--snapshot", metavar="REV")
    args = parser.parse_args(argv)
    lock = runner.exclusive(scenarios.OUT)  # noqa: F841 (held until exit)
    if args.snapshot:
        from bench.bench import snapshot

        snapshot(args.snapshot)
    print("| db | requests | n | p50 ms | p99 ms | max ms | non-2xx |\n|---|---|---|---|---|---|---|")
    for db in args.db or ["sqlite", "pg"]:
        for kind, n, p50, p99, worst, bad in measure(db, args.rate, args.seconds, args.pool):
            print(f"| {db} | {kind} at {args.rate:g}/s in all | {n} | {p50:.1f} | {p99:.1f} | {worst:.1f} | {bad} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
