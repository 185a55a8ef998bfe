"""Where a request's CPU goes under load: the gunicorn workers' own CPU per request against the whole machine's.

`python -m bench.cpusplit NAME [--db sqlite|pg] [KEY=VALUE ...]` serves one scenario (a lingong target such as
oa-text, order-accept, piece-report, earnings, or a reference: flask-hello, werobot, raw-insert) under the bench's
gunicorn settings, drives it with wrk for 5 s, and prints req/s, the workers' CPU per request (from
/proc/<pid>/stat) and the machine's busy time per request (from /proc/stat: workers, wrk, the database, kernel).
KEY=VALUE pairs are added to the server's environment (e.g. LINGONG_SERVER_PREPARE=0, REDIS_URL=...).
"""

import argparse
import os

from bench import fixtures
from bench import refapps
from bench import runner
from bench import scenarios

REFERENCES = {
    "flask-hello": "bench.refapps:make_flask()",
    "werobot": "bench.werobot_app:make_app()",
    "raw-insert": "bench.refapps:make_raw_insert()",
}


def _ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def _machine():
    with open("/proc/stat") as f:
        return [int(v) for v in f.readline().split()[1:]]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("name")
    ap.add_argument("--db", default="sqlite", choices=["sqlite", "pg"])
    ap.add_argument("env", nargs="*", help="KEY=VALUE added to the server's environment")
    args = ap.parse_args(argv)
    out = scenarios.OUT
    os.makedirs(out, exist_ok=True)
    url = f"sqlite:///{out}/cpusplit.db" if args.db == "sqlite" else scenarios.PG_URL
    if args.name in REFERENCES:
        spec, fixture = REFERENCES[args.name], None
        env = {"BENCH_WEROBOT_SESSION": "off", "BENCH_RAW_DB": url.replace("cpusplit.db", "cpusplit-raw.db")}
        if args.name == "raw-insert":
            refapps.create_raw_table(env["BENCH_RAW_DB"])
        label = {"flask-hello": "flask-hello", "werobot": "werobot-text", "raw-insert": "raw-insert-flask"}[args.name]
        sc = scenarios.Scenario(f"{label}/x", "", oa="text" if args.name == "werobot" else "")
    else:
        fixture = fixtures.prepare(args.db, url)
        spec, env = "app:create_app()", fixture["env"]
        sc = scenarios.Scenario(args.name, "", oa=args.name[3:] if args.name.startswith("oa-") else "")
    env = {**env, **dict(pair.split("=", 1) for pair in args.env)}
    reqs = scenarios.write_requests(sc, f"{out}/cpusplit-{args.name}.txt", 60000, fixture)
    warm = scenarios.write_requests(sc, f"{out}/cpusplit-{args.name}-warm.txt", 5000, fixture)
    server = runner.Server(spec, env, f"{out}/cpusplit-gunicorn.log").start()
    try:
        runner.wrk(warm, 1, "w")
        pids = runner.worker_pids(server.proc.pid)
        before, machine_before = {p: _ticks(p) for p in pids}, _machine()
        result = runner.wrk(reqs, 5, "r")
        machine = [b - a for a, b in zip(machine_before, _machine(), strict=True)]
        workers = sum(_ticks(p) - before[p] for p in pids)
    finally:
        server.stop()
    hz, n = os.sysconf("SC_CLK_TCK"), result["requests"]

    def per_request(ticks):
        return ticks / hz / n * 1e6

    busy = sum(machine) - machine[3] - machine[4]  # all but idle and iowait
    print(f"{args.name}/{args.db}: {result['rps']:.0f} req/s; worker CPU {per_request(workers):.0f} us/request; "
          f"machine busy {per_request(busy):.0f} us/request (user {per_request(machine[0]):.0f}, "
          f"system {per_request(machine[2]):.0f}, softirq {per_request(machine[6]):.0f}); "
          f"2xx {result['s2xx']}, 5xx {result['s5xx']}")  # fmt: skip


if __name__ == "__main__":
    main()
