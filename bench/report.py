"""Aggregate the runs of `make bench` into the results table (medians over alternating rounds) and RESULTS.md."""

import os
import statistics

# Ratio targets are declared on the scenarios (bench/scenarios.py, Scenario.targets).
P99_LIMIT_MS = 100
RSS_LIMIT_MB = 100


def _median(values):
    return statistics.median(values) if values else None


def ratio(runs, name, ref):
    """Median over rounds of (this run's req/s / the same round's reference req/s)."""
    pairs = []
    for rnd, result in runs.get(name, {}).items():
        other = runs.get(ref, {}).get(rnd)
        if other and other["rps"]:
            pairs.append(result["rps"] / other["rps"])
    return _median(pairs)


def rows(scenarios, runs, missing):
    """One dict per scenario with its medians, ratios and checks."""
    out = []
    for sc in scenarios:
        if sc.name in missing:
            out.append({"name": sc.name, "na": missing[sc.name]})
            continue
        results = list(runs.get(sc.name, {}).values())
        if not results:
            continue
        rps = [r["rps"] for r in results]
        ratios = [(ref, ratio(runs, sc.name, ref)) for ref in sc.compare]
        verdicts = []
        for ref, minimum in sc.targets:
            value = ratio(runs, sc.name, ref)
            if value is not None:
                verdicts.append(f"{'met' if value >= minimum else 'MISSED'} ≥{minimum}× {ref}")
            else:
                verdicts.append(f"n/a ≥{minimum}× {ref} (not measured)")
        out.append(
            {
                "name": sc.name,
                "kind": sc.kind,
                "runs": len(results),
                "rps": _median(rps),
                "rps_min": min(rps),
                "rps_max": max(rps),
                "p50": _median([r["p50_us"] / 1000 for r in results]),
                "p99": _median([r["p99_us"] / 1000 for r in results]),
                "p99_max": max(r["p99_us"] / 1000 for r in results),
                "rss": max(r["peak_rss_mb"] for r in results),
                "s5xx": sum(r["s5xx"] + r.get("warm_s5xx", 0) for r in results),
                "s4xx": sum(r["s4xx"] for r in results),
                "problems": sorted({p for r in results for p in r.get("problems", [])}),
                "ratios": ratios,
                "verdicts": verdicts,
            }
        )
    return out


def markdown(table, header):
    lines = [header, ""]
    lines.append(
        "| scenario | req/s median (min–max) | ratios (median of per-round ratios) | p50 ms | p99 ms (worst) "
        "| peak RSS/worker MB | 4xx | 5xx | invariants | targets |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for row in table:
        if "na" in row:
            lines.append(f"| {row['name']} | n/a — {row['na']} | | | | | | | | |")
            continue
        ratios = "<br>".join(f"{v:.2f}× {ref}" for ref, v in row["ratios"] if v is not None) or "—"
        checks = "ok" if not row["problems"] else "<br>".join(row["problems"][:3])
        targets = list(row["verdicts"])
        if row["kind"] == "target":
            targets.append(f"{'met' if row['p99_max'] < P99_LIMIT_MS else 'MISSED'} p99<{P99_LIMIT_MS}ms")
        if row["rss"] >= RSS_LIMIT_MB:
            targets.append(f"MISSED RSS<{RSS_LIMIT_MB}MB")
        lines.append(
            f"| {row['name']} | {row['rps']:.0f} ({row['rps_min']:.0f}–{row['rps_max']:.0f}) | {ratios} "
            f"| {row['p50']:.1f} | {row['p99']:.1f} ({row['p99_max']:.1f}) | {row['rss']:.1f} | {row['s4xx']} "
            f"| {row['s5xx']} | {checks} | {'<br>'.join(targets) or '—'} |"
        )
    return "\n".join(lines) + "\n"


def header(args, command, elapsed, revision="work tree", runs=None):
    import datetime as dt
    import platform
    from importlib import metadata

    from bench import runner

    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    versions = ", ".join(
        f"{name} {metadata.version(name)}" for name in ("gunicorn", "Flask", "peewee", "WeRoBot", "psycopg")
    )
    loads = sorted(r.get("loadavg", 0) for per in (runs or {}).values() for r in per.values())
    load = f"1-min load average at the end of runs: median {_median(loads):.1f}, max {loads[-1]:.1f}" if loads else ""
    return "\n".join(
        [
            "# lingong benchmark results",
            "",
            f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; command: `{command}`; took {elapsed / 60:.1f} min; code: {revision}.",
            f"- Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}; {versions}.",
            f"- Every server: `gunicorn {' '.join(runner.GUNICORN_ARGS)}` (same settings for all, restarted per run).",
            f"- Load: `wrk -t{runner.WRK_THREADS} -c{runner.WRK_CONNECTIONS} -d{args.duration}s --latency "
            f"-s bench/lua/replay.lua` on 127.0.0.1 after a {args.warmup} s warm-up; {args.reps} rounds, scenarios "
            "alternating within each round (A,B,C,A,B,C...).",
            "- req/s is the median over rounds; a ratio is the median over rounds of this run / the same round's "
            "reference run. p50/p99 are medians over rounds (worst round in brackets). Peak RSS is the largest "
            "VmRSS/VmHWM of any gunicorn worker in any round.",
            f"- {load} (2 cores; the load generator itself accounts for about 1 — more means other work shared the "
            "machine, which alternating rounds spread evenly over all scenarios).",
        ]
    )


NOTES = """
## How to read and rerun
- `make bench` (everything, ~20–25 min), `BENCH_DURATION=10 BENCH_REPS=7 make bench` for tighter figures,
  `.venv/bin/python -m bench.bench --only order-accept --reps 3` for one area (its references run with it).
- Signed WeChat callbacks: `bench/signed.py` writes, just before each run (and its warm-up), a file of distinct
  requests: fresh timestamp; nonce, MsgId and the CLICK events' CreateTime from a sequence kept in
  `bench/out/oa-sequence.json`, so nothing repeats across files (events are de-duplicated on sender +
  CreateTime + Event + EventKey); every sender is a worker the fixture binds by openid (`signed.N_SENDERS`), and
  every 2xx answer must carry the earnings reply (counted by `bench/lua/replay.lua`). A file holds
  max(12,000 req/s, the scenario's fastest run) × seconds × 1.5 requests; each wrk thread walks its own share
  and counts any request it sends a second time: a run with a replay is a problem (and `make bench` exits 1).
  SHA-1 in wrk's Lua would cost more than the servers' own work; a Python load generator would be slower than
  the servers it drives on 2 cores.
- The callback's target peer, `werobot-durable-*` (`bench/werobot_durable.py`): WeRoBot with the same durable
  work per push as ours — clock window, a replay-protection row (timestamp + nonce) committed to its own
  database, the worker row by openid, one earnings statement (today's sums and the all-time sum of the
  worker's inspections, less payouts), the same reply text — on a copy of the service's fixture.
- After every run: rows written == 2xx answers (nothing lost, nothing done twice), `bench/invariants.py` (no
  oversold job, counters equal their rows, no duplicate request id, every ledger transaction sums to zero), and
  no 5xx. A violation is printed in the invariants column and makes `make bench` exit 1.
- Wall-clock saturation figures: p99 is measured with the servers saturated (8 connections on 4 workers); a
  county peak (a few thousand workers, tens of thousands of reports a day) is a few requests per second, so
  p99 at saturation is an upper bound of p99 at ten times that peak.
"""
