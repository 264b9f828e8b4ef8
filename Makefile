# Two commands from a fresh clone: `make run` and `make test`. Needs only python3 and make.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format check worker beat bench lock clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Set everything up on the embedded default (SQLite, eager Celery), load demo data, serve.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_guidance
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite. Uses DATABASE_URL / REDIS_URL when set (CI sets both).
test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: install lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

## Celery worker and beat against REDIS_URL (see README).
worker: install
	$(VENV)/bin/celery -A config worker -l INFO --concurrency=2

beat: install
	$(VENV)/bin/celery -A config beat -l INFO

## Benchmark over HTTP (not a test): PostgreSQL on 127.0.0.1 (BENCH_DATABASE_URL, default
## postgres://postgres@127.0.0.1:5432/conduct_bench<size>, created, migrated and seeded up to
## BENCH_CONCERNS), gunicorn with the production settings, Redis on loopback if it answers.
## Prints the tables and writes bench/results/<size>-<date>.md. E.g. make bench BENCH_CONCERNS=1000000
BENCH_CONCERNS ?= 10000
BENCH_ARGS ?=
bench: install
	$(PY) scripts/bench.py --concerns $(BENCH_CONCERNS) $(BENCH_ARGS)

## Re-resolve the pins from requirements*.in in a throwaway venv.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet -r requirements.in
	.lockenv/bin/pip freeze --exclude pip > requirements.txt.new
	@echo "Review requirements.txt.new, then move it over requirements.txt"
	rm -rf .lockenv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
