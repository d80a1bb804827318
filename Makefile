# Two entry points that work on a fresh machine with Python 3.11 and make:
#   make demo   audits the bundled example data and prints the verdict
#   make test   runs the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/dataaudit audit examples/penguins.csv --target species

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_audit.py --rows 1000000
	$(BIN)/python benchmarks/bench_clean.py --sizes 250000,1000000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
