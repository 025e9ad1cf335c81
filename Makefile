# Two commands for a new machine (Debian, Python 3.11):  make run  |  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
NODE := /usr/bin/node
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-quick bench docs load-test geodata lint clean

run: $(VENV)/app.stamp
	$(BIN)/streamlit run app.py

test: $(VENV)/test.stamp $(CHROMIUM) $(NODE)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest --browser-tests --load-test

test-quick: $(VENV)/test.stamp
	$(BIN)/python -m pytest

bench: $(VENV)/test.stamp $(CHROMIUM)
	$(BIN)/python bench/run.py

# Rewrites docs/screenshot.png and docs/replay.gif from the running app (never done by the tests).
docs: $(VENV)/test.stamp $(CHROMIUM)
	$(BIN)/python scripts/record_docs.py

load-test: $(VENV)/test.stamp $(CHROMIUM)
	$(BIN)/python -m pytest --browser-tests --load-test tests/test_load.py

geodata: $(VENV)/app.stamp
	$(BIN)/python scripts/build_geodata.py

lint: $(VENV)/test.stamp
	$(BIN)/ruff check .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/app.stamp: requirements.txt | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/test.stamp: requirements-test.txt $(VENV)/app.stamp
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

# The browser tests drive Debian's Chromium; Playwright cannot download its own browser here.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq chromium

# The map page's own tests (tests/js/, run by tests/test_painting.py) run in Node.
$(NODE):
	$(SUDO) apt-get update -qq
	$(SUDO) apt-get install -y -qq nodejs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
