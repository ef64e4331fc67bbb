# Two commands set everything up on a fresh machine with Python 3.11:
#   make demo   -> .venv, install, run `stochcredit demo` (writes report/index.html)
#   make test   -> install dev extras into .venv and run the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?= -n auto

.PHONY: demo test test-all lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/stochcredit demo --out report

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-all: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m ""

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) report .pytest_cache

# Documentation site (Sphinx, docs/): `make docs` installs the docs extra and builds with
# warnings as errors; the validation page needs the JSON the recording tests write.
.PHONY: docs docs-clean

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"
	touch $(VENV)/.installed $(VENV)/.installed-dev $@

docs/_build/validation.json: | $(VENV)/.installed-docs
	$(BIN)/python -m pytest -m validation -q -n 0 -p no:cacheprovider --validation-json=$@

docs: $(VENV)/.installed-docs docs/_build/validation.json
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html
	@echo "docs: docs/_build/html/index.html"

docs-clean:
	rm -rf docs/_build docs/_generated
