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

## demo: SQLite database with demo data in ./instance, served on http://127.0.0.1:5000
demo: install
	$(VENV)/bin/canteen demo

## test: the whole suite (SQLite always; PostgreSQL, Redis, pcscd when configured, see README)
test: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

## bench: the lunch-rush benchmark against PostgreSQL
$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(PY) -m bench.lunch_rush

clean:
	rm -rf $(VENV) instance *.egg-info
