# lingong: `make run` serves the embedded defaults, `make test` passes the tests. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4
PYTEST_ARGS ?=

.PHONY: run test lint venv clean bench bench-scale

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	$(BIN)/flask --app app init-db
	$(BIN)/flask --app app seed-demo
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - 'app:create_app()'

test: venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: venv  # benchmarks against peers; BENCH_DURATION / BENCH_REPS to change (bench/RESULTS.md)
	bash bench/run.sh

bench-scale: venv  # the same endpoints on a county-year dataset
	bash bench/run.sh --scale

clean:
	rm -rf $(VENV) instance .pytest_cache
