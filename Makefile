# Two commands for a new machine (Debian, Python 3.11):  make run  |  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-quick bench load-test geodata lint clean

run: $(VENV)/app.stamp
	$(BIN)/streamlit run app.py

test: $(VENV)/test.stamp $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest --browser-tests --load-test

test-quick: $(VENV)/test.stamp
	$(BIN)/python -m pytest

bench: $(VENV)/test.stamp $(CHROMIUM)
	$(BIN)/python bench/run.py

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

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
