# Two commands set everything up on a fresh machine with Python 3.11:
#   make demo   -> .venv, install, run `stochcredit demo` (writes report/index.html)
#   make test   -> install dev extras (pinned: requirements/constraints.txt) into .venv and run
#                  the fast test suite
# CI (.ci/run) runs `make test` then `make ci`: slow tests, doctests and the quick report.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?= -n auto
CONSTRAINTS := requirements/constraints.txt
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c $(CONSTRAINTS)
# deterministic hypothesis examples (tests/conftest.py) for every make target
export HYPOTHESIS_PROFILE ?= ci

.PHONY: demo test test-all test-slow doctest ci lint bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(PIP_INSTALL) -e ".[dev]"
	$(BIN)/python -m pip check
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/stochcredit demo --out report

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# the slow tests only (`make test` runs the rest)
test-slow: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m slow --durations=25

# every docstring example of the package runs and shows its real output
doctest: $(VENV)/.installed-dev
	$(BIN)/python -m pytest --doctest-modules src/stochcredit -m "" -q

# everything: fast + slow tests and the doctests
test-all: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m "" --durations=25
	$(MAKE) doctest

# what CI adds to `make test`
ci: test-slow doctest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/run_all.py

# re-pin requirements/constraints.txt to the newest versions pyproject.toml allows
lock: | $(BIN)/python
	PY=$(BIN)/python .ci/lock

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
