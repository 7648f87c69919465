# Two commands for a newcomer: `make demo` and `make test`. Both create .venv and install into it.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: demo test install install-test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## demo: SQLite database with demo data in ./instance, served on http://127.0.0.1:$(PORT) (terminal on PORT+1);
## `make demo PORT=8000`, `make demo LIVE=0` (no live taps)
PORT ?= 5000
HOST ?= 127.0.0.1
LIVE ?= 1
demo: install
	CANTEEN_DEMO_LIVE=$(LIVE) $(VENV)/bin/canteen demo --host $(HOST) --port $(PORT)

## test: the whole suite (SQLite always; PostgreSQL, Redis, pcscd when configured, see README), on
## TEST_WORKERS pytest-xdist workers (`make test TEST_WORKERS=0`: one process)
TEST_WORKERS ?= 2
test: install-test
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

## bench: the lunch-rush benchmark against PostgreSQL
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) -m bench.lunch_rush

clean:
	rm -rf $(VENV) instance *.egg-info
