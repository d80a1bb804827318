# Two entry points that work on a fresh machine with Python 3.11 and make:
#   make demo   audits the bundled example data and prints the verdict
#   make test   runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# the documentation site, strict: a broken anchor or a missing page fails it (site/ is ignored)
BUILD_SITE := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site
# pytest-xdist: one worker per CPU this process may use; on a single CPU `-n 0` runs the suite
# in-process, without a worker's start-up. `make test PYTEST_WORKERS=0` runs it serially anywhere.
PYTEST_WORKERS ?= $(shell $(PYTHON) -c "import os; n = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1; print(n if n > 1 else 0)" 2>/dev/null || echo 0)
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

.PHONY: demo test test-fast bench clean reports browser docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@# the package's bytecode, as pip compiles a package it installs: an editable install writes
	@# it on the first run, unless PYTHONDONTWRITEBYTECODE is set, and then compiles every start
	$(BIN)/python -m compileall -q dataaudit
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dataaudit audit examples/penguins.csv --target species

test: $(STAMP) browser
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BUILD_SITE)
	$(PYTEST) -q

# the suite without the tests marked slow, for the edit-test loop
test-fast: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(PYTEST) -q -m "not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_audit.py --rows 1000000
	$(BIN)/python benchmarks/bench_clean.py --sizes 250000,1000000

# the generated parts of docs/ (the check, rule-pack and command references) rewritten from the
# code, then the site built as make test builds it
docs: $(STAMP)
	$(BIN)/python docs/generate.py
	$(BUILD_SITE)

reports: $(STAMP) browser
	$(BIN)/python reports/render.py

# Headless Chromium for the browser test and the report screenshot: installed with apt-get
# where that works (CI, a root shell); elsewhere the browser test skips and says why.
browser:
	@command -v chromium >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || \
	  { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; } || \
	  echo "chromium could not be installed with apt-get: the browser test will skip"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
