# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make run    set up .venv and start the app (web UI on 127.0.0.1, local SQLite)
#   make test   set up .venv plus test tools and browser/database packages, run every test
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8550

.PHONY: run test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

run: $(VENV)/.installed
	$(PY) -m app app --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	bash scripts/system-deps.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo  # the import contracts in pyproject.toml
	$(PY) -m pytest -q -n 2 -m "not e2e"
	$(PY) -m pytest -q -m e2e  # real Chromium; its own run (Playwright keeps an event loop)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

bench: $(VENV)/.installed-dev
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis
