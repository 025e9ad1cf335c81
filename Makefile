# Two commands for a new machine (Debian, Python 3.11):  make run  |  make test
# (make test: lint, format, types (mypy --strict on sanctuarymap/, set in pyproject.toml), then every test)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
NODE := /usr/bin/node
NGINX := /usr/sbin/nginx
# make serve: this many Streamlit processes behind nginx (default: one per core).
WORKERS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Where `make run` listens: this machine only, unless told (make run ADDRESS=0.0.0.0 serves the network).
ADDRESS ?= localhost
PORT ?= 8501
# The URL the start-up banner prints: for a wildcard address, this machine's name. Naming it also
# keeps Streamlit from looking up the machine's external IP on the internet.
URL_HOST ?= $(if $(filter 0.0.0.0 ::,$(ADDRESS)),$(shell hostname),$(ADDRESS))

.PHONY: run serve test test-quick bench load-test docs geodata lint lock clean

run: $(VENV)/app.stamp
	$(BIN)/streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT) --browser.serverAddress $(URL_HOST)

# The tests write nothing into the work tree (.ci/run checks `git status --ignored`): byte code, the
# linters' and pytest's caches go to a temporary folder; the app's payloads and Hypothesis' database
# too (tests/conftest.py).
SCRATCH := $(or $(TMPDIR),/tmp)/sanctuarymap-make-$(shell id -u)
test test-quick lint: export PYTHONPYCACHEPREFIX = $(SCRATCH)/pycache
test test-quick lint: export RUFF_CACHE_DIR = $(SCRATCH)/ruff
test test-quick lint: export MYPY_CACHE_DIR = $(SCRATCH)/mypy
PYTEST := $(BIN)/python -m pytest -p no:cacheprovider

# Several processes behind nginx (deploy/, README "Serving a crowd"); make run stays one process, needing nothing else.
serve: $(VENV)/app.stamp $(NGINX)
	$(BIN)/python scripts/serve.py --workers $(WORKERS) --address $(if $(filter localhost,$(ADDRESS)),127.0.0.1,$(ADDRESS)) --port $(PORT)

test: $(VENV)/test.stamp $(CHROMIUM) $(NODE) $(NGINX)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(PYTEST) --browser-tests --load-test --slow-properties --output $(SCRATCH)/test-results

# About a minute and a quarter on a quiet 2-core machine (README, "Run the tests"): no browser, no load test, and the slow
# tests and full-size property tests left to make test.
test-quick: $(VENV)/test.stamp
	$(PYTEST)

bench: $(VENV)/test.stamp $(CHROMIUM)
	$(BIN)/python bench/run.py

# Simulated viewers (Locust, bench/locustfile.py) through nginx, on 127.0.0.1: one Streamlit process, then
# $(WORKERS), each of the app and of an empty app (the baseline, bench/empty_app.py), in the same run
# (docs/load-test.md). At most about 18 minutes (four searches of at most 200 s, each setup's start and its
# serial probe). The report goes to a temporary folder unless DOCS=docs (make docs does that).
load-test: $(VENV)/test.stamp $(NGINX)
	$(BIN)/python bench/capacity.py --workers 1 $(WORKERS) --baseline --budget 200 --seconds 20 --start 8 --max-users 256 \
		$(if $(DOCS),--report $(DOCS)/load-test.md)

# Refresh what is written on purpose, never by `make test` (which writes only to temporary folders):
# docs/screenshot.png and docs/replay.gif (scripts/record_docs.py, from the running app),
# docs/load-test-browsers.md (the ten-browser test) and docs/load-test.md (make load-test).
docs: $(VENV)/test.stamp $(CHROMIUM)
	$(BIN)/python scripts/record_docs.py
	$(BIN)/python -m pytest --browser-tests --load-test --docs-dir docs tests/load/test_load.py
	$(MAKE) load-test DOCS=docs

geodata: $(VENV)/app.stamp
	$(BIN)/python scripts/build_geodata.py

# requirements.txt (the app) and requirements-test.txt (the app, the tests, the build and the benchmark), locked
# with hashes from pyproject.toml as the registry stood on LOCK_DATE, so the same pyproject always locks the same.
LOCK_DATE ?= 2026-11-30
LOCK = $(BIN)/uv pip compile pyproject.toml --python-version 3.11 --python-platform linux --generate-hashes \
	--exclude-newer $(LOCK_DATE) --quiet
lock: $(VENV)/test.stamp
	$(LOCK) -o requirements.txt
	$(LOCK) --group test --group bench -o requirements-test.txt

lint: $(VENV)/test.stamp
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/app.stamp: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/test.stamp: requirements-test.txt $(VENV)/app.stamp
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.txt
	touch $@

# The browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

# make serve, the proxy tests and the load test put nginx in front of the app's processes.
$(NGINX):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq nginx-light

# The map page's own tests (tests/js/, run by tests/unit/page/test_painting.py) run in Node.
$(NODE):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq nodejs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
