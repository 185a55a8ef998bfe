"""`make bench`: alternate every scenario (A,B,C,A,B,C...) for BENCH_REPS rounds of BENCH_DURATION seconds each,
check the invariants after every run and write the table to bench/RESULTS.md.

Usage: python -m bench.bench [--only SUBSTRING] [--reps N] [--duration S] [--results PATH]
"""

import argparse
import json
import math
import os
import sqlite3
import sys
import time

from bench import report
from bench import runner
from bench import scenarios as sc_mod

# Signed-callback files hold rate x seconds x margin distinct requests, the rate being the larger of this bound
# (above anything measured on the 2 cores: bare WSGI ~9,700 req/s, bare WeRoBot ~4,500) and the fastest run of
# the scenario so far; each run checks that no request was sent twice (bench/lua/replay.lua counts replays).
OA_RATE_BOUND = int(os.environ.get("BENCH_OA_RATE_BOUND", "12000"))
OA_MARGIN = 1.5


def oa_file_size(seconds, fastest=0.0):
    return math.ceil(max(OA_RATE_BOUND, fastest) * max(seconds, 1) * OA_MARGIN)


def _raw_count(url):
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url[len("sqlite:///") :])
        try:
            return conn.execute("SELECT COUNT(*) FROM bench_raw").fetchone()[0]
        finally:
            conn.close()
    import psycopg

    conn = psycopg.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM bench_raw")
            return cur.fetchone()[0]
    finally:
        conn.close()


def _service_state(url, with_checks):
    from bench import invariants

    database = invariants.bind(url)
    with database.connection_context():
        state = invariants.counts()
        state["problems"] = invariants.check() if with_checks else []
    database.close()
    return state


def prepare(selected, args):
    """Create the raw tables and the service databases with their fixtures; returns (fixtures, missing)."""
    from bench import refapps

    os.makedirs(sc_mod.OUT, exist_ok=True)
    fixtures, missing = {}, {}
    for key in sorted({s.fixture_key for s in selected if s.uses_fixture}):
        from bench import fixtures as fx

        db, year = key.split("@")[0], key.endswith("@year")
        service = sc_mod.DATABASES[db]["year" if year else "service"]
        fixtures[key] = fx.prepare(db, service, year=year)
        if any(s.peer and s.fixture_key == key for s in selected) and "tokens" in fixtures[key]:
            from bench import werobot_durable

            peer = sc_mod.DATABASES[db]["werobot_year" if year else "werobot"]
            rows = werobot_durable.load_fixture(service, peer)
            print(f"durable WeRoBot fixture ({key}): {rows} inspections copied from the service's", flush=True)
    for db in sorted({s.db for s in selected if s.writes == "raw"}):
        refapps.create_raw_table(sc_mod.DATABASES[db]["raw"])
    for s in selected:
        if s.kind == "target":
            reason = fixtures[s.fixture_key]["unavailable"].get(s.needs)
            if reason:
                missing[s.name] = reason
        elif s.peer and "tokens" not in fixtures[s.fixture_key]:
            missing[s.name] = "its fixture is copied from the service's, which is not present"
    return fixtures, missing


def _rows_check(what, written, ok_answers, in_flight):
    if written < ok_answers:
        return [f"{what}: LOST {ok_answers - written} — {written} rows for {ok_answers} 2xx answers"]
    if written > ok_answers + in_flight:
        return [f"{what}: {written} rows for {ok_answers} 2xx answers (more than {in_flight} in flight)"]
    return []


def _replay_checks(result):
    """Signed callbacks: no request sent twice (a replay is refused or de-duplicated: cheaper, not the same)."""
    problems = []
    for label, prefix in (("run", ""), ("warm-up", "warm_")):
        replayed = result[prefix + "replayed"]
        if replayed:
            problems.append(f"{label}: {replayed} of {result[prefix + 'requests']} signed requests were replays "
                            f"(request file of {result[prefix + 'lines']} lines too short)")  # fmt: skip
    return problems


def run_once(s, fixture, rnd, args, log_path, fastest=0.0):
    """One measured run of scenario `s`, with the row-count and invariant checks around it."""
    tag = f"r{rnd}-{int(time.time() * 1000) % 10**8}"
    base = os.path.join(sc_mod.OUT, s.name.replace("/", "_"))
    count = oa_file_size(args.duration, fastest) if s.oa else 0
    reqs = sc_mod.write_requests(s, base + ".reqs", count, fixture)
    warm = sc_mod.write_requests(s, base + ".warm", oa_file_size(args.warmup, fastest), fixture) if s.oa else reqs
    service_url = sc_mod.DATABASES[s.db]["year" if s.year else "service"] if s.kind == "target" else None
    raw_url = sc_mod.DATABASES[s.db]["raw"] if s.writes == "raw" else None
    before = _service_state(service_url, False) if service_url else None
    raw_before = _raw_count(raw_url) if raw_url else None
    env = dict(s.env)
    env.update((fixture or {}).get("env", {}) if s.kind == "target" else {})
    result = runner.measure(s.app, env, reqs, warm, args.duration, args.warmup, tag, log_path, expect=s.expect)
    problems = []
    ok_answers = result["s2xx"] + result["warm_s2xx"]
    # Requests in flight when wrk stops (at most one per connection, per wrk run) are done but not counted.
    in_flight = runner.WRK_CONNECTIONS * (2 if args.warmup else 1)
    if service_url:
        after = _service_state(service_url, True)
        problems += after["problems"]
        if s.writes:
            problems += _rows_check(s.writes, after[s.writes] - before[s.writes], ok_answers, in_flight)
    if raw_url:
        problems += _rows_check("raw", _raw_count(raw_url) - raw_before, ok_answers, in_flight)
    if result["s5xx"] or result["warm_s5xx"]:
        problems.append(f"{result['s5xx'] + result['warm_s5xx']} answers were 5xx")
    if s.oa:
        problems += _replay_checks(result)
    unexpected = result["unexpected"] + result["warm_unexpected"]
    if unexpected:
        problems.append(f"{unexpected} 2xx answers without {s.expect!r} (not the reply measured)")
    result["problems"] = problems
    return result


def snapshot(rev):
    """Export commit `rev` of the service (without bench/) to bench/out/tree, so a run measures committed code
    even while the work tree changes; must run before anything imports the service."""
    import shutil
    import subprocess

    tree = os.path.join(sc_mod.OUT, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    archive = subprocess.run(["git", "archive", rev, "--", ".", ":!bench"], cwd=sc_mod.ROOT, check=True,
                             capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
    os.environ["BENCH_APP_ROOT"] = tree
    sys.path.insert(0, tree)
    runner.APP_ROOT = tree
    return subprocess.run(["git", "rev-parse", "--short", rev], cwd=sc_mod.ROOT, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", action="append", help="run scenarios whose name contains this (repeatable)")
    parser.add_argument("--reps", type=int, default=int(os.environ.get("BENCH_REPS", "5")))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "5")))
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", "1")))
    parser.add_argument("--results", default=os.environ.get("BENCH_RESULTS"))
    parser.add_argument("--scale", action="store_true", help="worker pages on a fresh db vs the county-year dataset")
    parser.add_argument(
        "--pool",
        action="store_true",
        help="serve the service through peewee's pooled databases (sqlite+pool://, postgresql+pool://)",
    )
    parser.add_argument(
        "--compare-pool",
        action="store_true",
        help="run every target twice, as configured and through pooled databases, alternating",
    )
    parser.add_argument(
        "--without",
        default="",
        help="comma-separated speed mechanisms (bench/without.py): every target also runs with each one off",
    )
    parser.add_argument("--append", action="store_true", help="append this table to the results file")
    parser.add_argument("--title", default="", help="a heading for this table")
    parser.add_argument("--snapshot", metavar="REV", help="measure commit REV (e.g. HEAD), not the work tree")
    args = parser.parse_args(argv)
    if args.results is None:
        args.results = "bench/RESULTS-scale.md" if args.scale else "bench/RESULTS.md"
    lock = runner.exclusive(sc_mod.OUT)  # noqa: F841 (held until exit)
    revision = snapshot(args.snapshot) if args.snapshot else "work tree"
    if args.pool:
        sc_mod.use_pooled_connections()
    pool = sc_mod.scale_scenarios() if args.scale else sc_mod.all_scenarios()
    if args.compare_pool:
        pool = sc_mod.pooled_twins(pool)
    if args.without:
        pool = sc_mod.without_twins(pool, [m for m in args.without.split(",") if m])
    selected = [s for s in pool if not args.only or any(o in s.name for o in args.only)]
    # References a selected scenario is compared with always run too, so each round has its pair.
    names = {s.name for s in selected} | {ref for s in selected for ref in s.compare}
    selected = [s for s in pool if s.name in names]
    fixtures, missing = prepare(selected, args)
    runnable = [s for s in selected if s.name not in missing]
    runs = {}
    log_path = os.path.join(sc_mod.OUT, "gunicorn.log")
    started = time.monotonic()
    for rnd in range(args.reps):
        for s in runnable:
            fastest = max((r["rps"] for r in runs.get(s.name, {}).values()), default=0.0)
            result = run_once(s, fixtures.get(s.fixture_key), rnd, args, log_path, fastest)
            runs.setdefault(s.name, {})[rnd] = result
            flag = "" if not result["problems"] else "  PROBLEMS: " + "; ".join(result["problems"])
            print(
                f"[{time.monotonic() - started:6.0f}s] round {rnd + 1}/{args.reps} {s.name:32} {result['rps']:8.0f} req/s"
                f"  p50 {result['p50_us'] / 1000:6.1f} ms  p99 {result['p99_us'] / 1000:6.1f} ms"
                f"  rss {result['peak_rss_mb']:5.1f} MB  2xx {result['s2xx']} 4xx {result['s4xx']} 5xx {result['s5xx']}"
                + (f"  replayed {result['replayed'] + result['warm_replayed']}" if s.oa else "")
                + flag,
                flush=True,
            )
    with open(os.path.join(sc_mod.OUT, "runs.json"), "w") as f:
        json.dump(runs, f, indent=1)
    table = report.rows(selected, runs, missing)
    command = ("make bench-scale" if args.scale else "make bench") + (
        f" (python -m bench.bench {' '.join(argv or sys.argv[1:])})" if (argv or sys.argv[1:]) else ""
    )
    header = report.header(args, command, time.monotonic() - started, revision, runs)
    if args.title:
        header = header.replace("# lingong benchmark results", f"## {args.title}", 1)
    if args.pool:
        header += "\n- The service ran with DATABASE_URL=sqlite+pool:///… / postgresql+pool://… (configuration only)."
    text = report.markdown(table, header)
    print(text)
    if args.results:
        with open(args.results, "a" if args.append else "w") as f:
            f.write(("\n" + text) if args.append else (text + report.NOTES))
    bad = [row["name"] for row in table if row.get("problems") or row.get("s5xx")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
