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

# Demo and test defaults; production sets these in its own environment.
export DEBUG ?= 1
export SECRET_KEY ?= insecure-key-for-the-local-demo-only
export CAP_DEMO_MODE ?= 1
export CHROMIUM_PATH ?= $(shell command -v chromium 2>/dev/null)

MODEL_FILE := programmes/data/coventry-2025-26.yaml

.PHONY: help setup system-packages run test lint check assets demo-data clean

help:
	@echo "make run    set up and serve CAP with demo data on http://127.0.0.1:8000"
	@echo "make test   set up and run every test, ruff and the migration check"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.9

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

build/.built: node_modules/.package-lock.json frontend/app.scss frontend/init.js
	rm -rf build && mkdir -p build/assets
	npx sass --load-path=. --style=compressed --no-source-map --quiet-deps frontend/app.scss build/app.css
	cp -r node_modules/govuk-frontend/dist/govuk/assets/images build/assets/
	cp -r node_modules/@ministryofjustice/frontend/moj/assets/images/. build/assets/images/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js build/
	cp node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.js build/
	cp frontend/init.js build/
	cp node_modules/axe-core/axe.min.js build/.axe.min.js
	touch $@

assets: build/.built

# Debian's Chromium drives the browser tests; no browser is ever downloaded.
system-packages:
	@if [ -z "$(CHROMIUM_PATH)" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation; \
	  else \
	    echo "Install Debian's chromium (sudo apt-get install chromium) for the browser tests."; exit 1; \
	  fi; \
	fi

setup: $(VENV)/.synced assets

demo-data: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_model $(MODEL_FILE) --flagged --skip-existing
	$(PY) manage.py rollover_year 2025-26 --skip-existing
	$(PY) manage.py load_demo

run: demo-data
	@echo "CAP is on http://127.0.0.1:8000 (demo users are listed on the sign-in page)"
	$(PY) manage.py runserver 127.0.0.1:8000

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.synced
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

test: setup system-packages lint check
	$(eval CHROMIUM_PATH := $(shell command -v chromium))
	CHROMIUM_PATH=$(CHROMIUM_PATH) $(VENV)/bin/pytest -n 2 -q

clean:
	rm -rf $(VENV) .tools build staticfiles node_modules db.sqlite3*
