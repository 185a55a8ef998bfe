# lingong: `make run` serves the embedded defaults, `make test` passes the tests. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4
# Both cores: a SQLite file per test; on PostgreSQL and MariaDB a database per worker (`<name>_gw0`, tests/conftest.py).
PYTEST_ARGS ?= -n 2

.PHONY: run test lint venv clean bench bench-scale browser

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app seed-demo
	@# The one scheduler process runs beside the web workers (never inside them) and stops with them.
	$(BIN)/python scheduler.py & SCHED=$$!; trap 'kill $$SCHED 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - 'app:create_app()'

# The console's browser test drives Debian's chromium (Playwright never downloads a browser of its own here);
# fonts-wqy-microhei renders the Chinese text in its screenshots. Installed once, as root (CI runs as root).
browser:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "wenquanyi micro hei"; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei; \
	fi

test: venv browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .

bench: venv  # benchmarks against peers; BENCH_DURATION / BENCH_REPS to change (bench/RESULTS.md)
	bash bench/run.sh

bench-scale: venv  # the same endpoints on a county-year dataset
	bash bench/run.sh --scale

clean:
	rm -rf $(VENV) instance .pytest_cache
