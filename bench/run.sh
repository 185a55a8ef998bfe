#!/usr/bin/env bash
# `make bench`: install what the benchmark needs (Debian wrk, bench/requirements.txt), then run bench/bench.py.
# Arguments are passed on (e.g. `bash bench/run.sh --only order-accept --reps 3`); env BENCH_DURATION, BENCH_REPS.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        echo "wrk is missing: sudo apt-get install wrk" >&2
        exit 2
    fi
fi
.venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
# Our own databases (never the shared `test` one): bench, and bench_scale for the county-year dataset.
for name in bench bench_scale; do
    if ! psql -h 127.0.0.1 -U postgres -d "$name" -c 'select 1' >/dev/null 2>&1; then
        psql -h 127.0.0.1 -U postgres -c "create database $name" >/dev/null
    fi
done
mkdir -p bench/out
exec .venv/bin/python -m bench.bench "$@"
