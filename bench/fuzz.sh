#!/usr/bin/env bash
# Fuzzing, outside `make test`: schemathesis over /api/v1/openapi.json and hypothesis on the WeChat callback,
# in-process on a fresh SQLite file. FUZZ_EXAMPLES (default 40 per API operation) sets the depth.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pip install -q --disable-pip-version-check -r bench/requirements.txt
exec .venv/bin/python -m pytest -q -p no:cacheprovider bench/fuzz "$@"
