# The two commands of the README: `make serve` and `make test`. Each sets itself up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test setup setup-test system-deps lint bench

serve: setup  ## set up, then serve the site with live reload at http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup  ## set up, then build the static site into site/ (fails on any warning)
	$(BIN)/mkdocs build --strict

test: setup-test system-deps  ## set up, then run every test (unit, site builds, browser)
	$(BIN)/python -m pytest

lint: setup-test
	$(BIN)/ruff check .

setup: $(VENV)/.site-installed
setup-test: $(VENV)/.test-installed

$(VENV)/.site-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site]'
	touch $@

$(VENV)/.test-installed: pyproject.toml $(VENV)/.site-installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

system-deps:  ## Debian's chromium (the PDF, browser tests), Java (HTML checker), npm, poppler-utils
	scripts/install-system-deps
