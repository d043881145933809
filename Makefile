# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make run    set up .venv and start the app (web UI on 127.0.0.1, local SQLite)
#   make test   set up .venv plus test tools and browser/database packages, run every test
# Both install the exact, hash-checked versions in requirements/ (run.txt: the app and the
# central endpoint; dev.txt: that plus the test tools). After changing a dependency in
# pyproject.toml, `make lock` renews them (`make lock UPGRADE=--upgrade` moves every pin to
# the newest version pyproject.toml allows); tests/contracts/test_lock.py says when it is due.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip install -q --disable-pip-version-check
HOST ?= 127.0.0.1
PORT ?= 8550
UV_VERSION := 0.13.8
UPGRADE ?=
LOCK := $(VENV)/bin/uv pip compile -q pyproject.toml --generate-hashes --universal \
	--python-version 3.11 --custom-compile-command "make lock" $(UPGRADE)

.PHONY: run test lint lock bench mutate clean

$(VENV)/.installed: pyproject.toml requirements/run.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade "pip>=24"
	$(PIP) --require-hashes -r requirements/run.txt
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(PIP) --require-hashes -r requirements/dev.txt
	$(PY) -m pip check
	touch $@

run: $(VENV)/.installed
	$(PY) -m app app --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	bash scripts/system-deps.sh
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -q -n 2 -m "not e2e"
	$(PY) -m pytest -q -m e2e  # real Chromium; its own run (Playwright keeps an event loop)

# The static checks: style, the import contracts ([tool.importlinter]) and the types
# ([tool.mypy]) in pyproject.toml.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(VENV)/bin/mypy

lock:
	[ -x $(VENV)/bin/uv ] || { $(PYTHON) -m venv $(VENV) && $(PIP) "uv==$(UV_VERSION)"; }
	$(LOCK) --extra dev -o requirements/dev.txt
	$(LOCK) --extra server -c requirements/dev.txt -o requirements/run.txt

bench: $(VENV)/.installed-dev
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

# The mutation run (mutmut, settings in setup.cfg [mutmut]) over the rules that guard a
# visit: scoring and vetoes (answer checks, the breakdown, what finalising needs), the kiosk
# lock and discreet mode, the shopper rotation; with only the tests of those rules. Every
# mutant no test kills must be explained in docs/mutation.md (scripts/mutation_check.py
# fails on any other). Not in `make test` nor in CI: on 2 cores it takes about half an hour.
MUTMUT_VERSION := 3.8.1
mutate: $(VENV)/.installed-dev
	$(VENV)/bin/mutmut --version 2>/dev/null | grep -qF "$(MUTMUT_VERSION)" \
		|| $(PIP) "mutmut==$(MUTMUT_VERSION)"
	rm -rf mutants
	HALLCHECK_MUTATION=1 $(VENV)/bin/mutmut run --max-children 2
	$(PY) scripts/mutation_check.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .hypothesis .mypy_cache
