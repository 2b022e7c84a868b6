# The two commands of the README:
#   make run   - create .venv, install, run the whole pipeline on data/reports (the bundled sample)
#   make test  - create .venv, install, run the whole test suite
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run test lint dev bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (set PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	cd dbt_project && GOVREPORT_WAREHOUSE=$(CURDIR)/data/warehouse/parse.duckdb ../$(BIN)/dbt parse --quiet --profiles-dir .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/govreport run

test: $(STAMP)
	$(BIN)/ruff check pipelines tests
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipelines tests

dev: $(STAMP)
	mkdir -p .dagster_home && cp -n scripts/dagster.yaml .dagster_home/dagster.yaml || true
	DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev -w workspace.yaml

bench: $(STAMP)
	$(BIN)/govreport bench

clean:
	rm -rf data/warehouse data/exports dbt_project/target dbt_project/logs
