"""Long fault tests against a real gunicorn: nothing is lost or done twice, and the service answers again after.

`python -m bench.faults [--db sqlite|pg] [--only NAME]`; results go to bench/RESULTS-faults.md.
- worker-killed-mid-report: gunicorn workers are killed with SIGKILL while piece reports stream in; clients
  resend what failed with the same request id (as the mini-program does).
- duplicate-forged-callbacks: signed SCAN events each sent three times at once (WeChat's retries, racing in
  different workers), interleaved with forged ones; one check-in per event, forged ones refused and not acted on.
- sqlite-busy: another process holds SQLite's write lock; writes wait (short hold) or fail cleanly (long hold),
  then succeed once it is released.
"""

import argparse
import os
import sys
import time

from bench import common_faults as common
from bench import fault_kills
from bench import fault_misc
from bench import fixtures
from bench import runner
from bench import scenarios

FAULTS = {
    "worker-killed-mid-report": fault_kills.worker_killed_mid_report,
    "duplicate-forged-callbacks": fault_misc.duplicate_forged_callbacks,
    "worker-killed-mid-payout": fault_kills.worker_killed_mid_payout,
    "sqlite-busy": fault_misc.sqlite_busy,
}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", choices=["sqlite", "pg"])
    parser.add_argument("--only", action="append")
    parser.add_argument("--snapshot", metavar="REV")
    parser.add_argument("--results", default="bench/RESULTS-faults.md")
    args = parser.parse_args(argv)
    lock = runner.exclusive(scenarios.OUT)  # noqa: F841 (held until exit)
    if args.snapshot:
        from bench.bench import snapshot

        snapshot(args.snapshot)
    os.makedirs(scenarios.OUT, exist_ok=True)
    for db in args.db or ["sqlite", "pg"]:
        url = scenarios.DATABASES[db]["service"]
        fixture = fixtures.prepare(db, url, workers=40)
        for name, fault in FAULTS.items():
            if args.only and not any(o in name for o in args.only):
                continue
            if "callbacks" in name and fixture["unavailable"].get("oa"):
                common.record(name, db, False, "n/a — " + fixture["unavailable"]["oa"])
                continue
            fault(db, url, fixture)
    lines = ["# lingong fault tests", "", f"- {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; command: "
             f"`python -m bench.faults {' '.join(argv if argv is not None else sys.argv[1:])}`", "",
             "| fault | db | result | detail |", "|---|---|---|---|"]  # fmt: skip
    lines += [f"| {n} | {d} | {'pass' if ok else 'FAIL'} | {detail} |" for n, d, ok, detail in common.RESULTS]
    with open(args.results, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0 if all(ok for _, _, ok, _ in common.RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
