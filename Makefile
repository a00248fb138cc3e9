# The two commands of the README: `make demo` and `make test`. Both start with `make setup`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The page's Leaflet and plugins, from the npm lock file (package.json's postinstall copies them).
VENDOR := webmap/static/vendor/.installed

.PHONY: setup system-packages demo test lint clean-venv

setup: system-packages $(STAMP) $(VENDOR)

system-packages:
	@scripts/install-system-packages.sh

$(VENV)/bin/python:
	@python=$$(scripts/find-python.sh) && echo "creating $(VENV) with $$python" && \
	  "$$python" -m venv $(VENV)

# Reinstalled only when the package metadata changes, so a second `make setup` is quick.
$(STAMP): $(VENV)/bin/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

$(VENDOR): package.json package-lock.json webmap/copy_vendor.mjs
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(VENDOR)

demo: setup
	$(BIN)/onemap db up
	$(BIN)/onemap demo load
	$(BIN)/onemap standards load
	$(BIN)/onemap quality --start 2025-01-01T00:00+08:00 --end 2026-01-01T00:00+08:00 --store
	$(BIN)/onemap campaigns judge
	$(BIN)/onemap demo cases
	$(BIN)/onemap users ensure-admin admin
	$(BIN)/onemap serve --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy layers etl analytics monitoring cases sources reports

clean-venv:
	rm -rf $(VENV)
