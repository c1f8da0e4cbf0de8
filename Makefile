# CAP: `make run` serves the demo, `make test` runs every test. Both set up what is missing
# and are safe to run again.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

# The demo's settings; production sets its own environment. Tests set theirs in
# config/testenv.py. The demo runs as production does, DEBUG off (errors show CAP's own
# pages, static files are collected and served by WhiteNoise); only its cookies go over
# plain HTTP, on 127.0.0.1. PORT chooses the port (8000).
DEMO_ENV := DEBUG=0 CAP_DEMO_MODE=1 SECURE_COOKIES=0 SECRET_KEY=insecure-key-for-the-local-demo-only
PORT ?= 8000

MODEL_FILE := programmes/data/coventry-2025-26.yaml

.PHONY: help setup libmagic chromium run test lint check assets demo-data bench clean

help:
	@echo "make run    set up and serve CAP with demo data on http://127.0.0.1:8000"
	@echo "make test   set up and run every test, ruff and the migration check"
	@echo "make bench  measure every role's pages, a load, marks, reports and statements at a tenth of national volume (SCALE=0.1)"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

build/.built: node_modules/.package-lock.json $(wildcard frontend/*)
	rm -rf build && mkdir -p build/assets
	npx sass --load-path=. --style=compressed --no-source-map --quiet-deps frontend/app.scss build/app.css
	cp -r node_modules/govuk-frontend/dist/govuk/assets/images build/assets/
	cp -r node_modules/@ministryofjustice/frontend/moj/assets/images/. build/assets/images/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js build/
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js build/
	cp frontend/*.js frontend/favicon.svg build/
	cp node_modules/axe-core/axe.min.js build/.axe.min.js
	touch $@

assets: build/.built

# Debian packages: libmagic checks uploads by their content; Chromium drives the browser
# tests (no browser is ever downloaded). Installed with apt-get when run as root.
define apt_install
if [ "$$(id -u)" = 0 ]; then \
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(1); \
else \
  echo "Please install Debian's packages: sudo apt-get install $(1)"; exit 1; \
fi
endef

libmagic:
	@ldconfig -p | grep -q libmagic.so.1 || { $(call apt_install,libmagic1); }

chromium:
	@command -v chromium >/dev/null || { $(call apt_install,chromium fonts-liberation); }

# The demo's settings, for running manage.py by hand; the environment overrides them and
# production has no .env file.
.env:
	printf '%s\n' $(DEMO_ENV) > $@

setup: $(VENV)/.synced assets libmagic .env

demo-data: setup
	$(DEMO_ENV) $(PY) manage.py migrate --noinput
	$(DEMO_ENV) $(PY) manage.py load_model $(MODEL_FILE) --flagged --skip-existing
	$(DEMO_ENV) $(PY) manage.py rollover_year 2025-26 --skip-existing
	$(DEMO_ENV) $(PY) manage.py load_demo

# The task worker sends e-mail (to the console) and renders PDFs. It exits after
# WORKER_MAX_TASKS tasks and is started afresh, so a long run (a term's reports) never grows
# one process; told to stop, it finishes the task in hand (a few seconds) first. The
# scheduler runs the periodic jobs (scheduling/). Both stop with the server.
WORKER_MAX_TASKS ?= 100

run: demo-data
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "CAP is on http://127.0.0.1:$(PORT) (demo users are listed on the sign-in page)"
	( trap 'kill $$pid 2>/dev/null; wait $$pid; exit 0' TERM; \
	  while :; do \
	    $(DEMO_ENV) $(PY) manage.py db_worker --no-startup-delay --no-reload \
	      --max-tasks $(WORKER_MAX_TASKS) & pid=$$!; wait $$pid || sleep 1; \
	  done ) & worker=$$!; \
	$(DEMO_ENV) $(PY) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: $(VENV)/.synced
	$(DEMO_ENV) $(PY) manage.py check
	$(DEMO_ENV) $(PY) manage.py makemigrations --check --dry-run

# Every test: unit, integration and browser, on the database DATABASE_URL names
# (SQLite when it is not set).
test: setup chromium lint check
	$(VENV)/bin/pytest -n 2 -q

# The benchmark (bench/README.md): a share of national volume (SCALE, 0.1 by default; 1 is
# national volume) made once in its own PostgreSQL database (BENCH_DATABASE_URL, by default
# cap_bench_<scale> on DATABASE_URL's server), then every key page of every role, a bounded
# load (locust, from the `bench` dependency group, against gunicorn), a day's marks, termly
# reports and a term's statements with two workers, and the figures pages; results in
# bench/results/. A measurement, never part of `make test`. BENCH_ARGS go to bench/run.py,
# e.g. BENCH_ARGS="--only pages,marks,reports,load". BENCH_SCALE is the older name of SCALE.
BENCH_SCALE ?= 0.1
SCALE ?= $(BENCH_SCALE)
BENCH_ARGS ?=

bench: setup
	$(UV) sync --frozen --inexact --group bench
	$(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .tools build staticfiles node_modules db.sqlite3*
