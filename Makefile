# The two commands for a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/pip install --quiet -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import pipesteward, dagster, duckdb"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/steward demo

test: $(STAMP)
	$(BIN)/python -m bench.peers install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python -m bench $(ARGS)

# Regenerate the golden files that people read (review the diff).
golden: $(STAMP)
	STEWARD_UPDATE_GOLDEN=1 $(BIN)/pytest -q -k golden

clean:
	rm -rf $(VENV) .steward .steward-demo
