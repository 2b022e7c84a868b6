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
	@echo "installing govreport and its pinned dependencies into $(VENV) (a few minutes the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install -qq --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

# The dbt manifest the Dagster definitions load: parsed again whenever a model, seed, macro or test changes.
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := dbt_project/dbt_project.yml $(shell find dbt_project/models dbt_project/seeds dbt_project/macros dbt_project/tests -type f 2>/dev/null)
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	@echo "parsing the dbt project"
	@cd dbt_project && GOVREPORT_WAREHOUSE=$(CURDIR)/data/warehouse/parse.duckdb ../$(BIN)/dbt parse --quiet --profiles-dir .
	@touch $(MANIFEST)

install: $(STAMP) $(MANIFEST)

run: install
	@$(BIN)/govreport run

test: install
	$(BIN)/ruff check pipelines tests
	$(BIN)/python -m pytest -q -n 2 --dist loadfile  # two workers, each test file on one (its module fixtures built once)

lint: install
	$(BIN)/ruff check pipelines tests

dev: install
	mkdir -p .dagster_home && cp -n scripts/dagster.yaml .dagster_home/dagster.yaml || true
	# the venv's bin first on the PATH: `dagster dev` parses the dbt project with that dbt (prepare_if_dev)
	PATH=$(CURDIR)/$(BIN):$$PATH DAGSTER_HOME=$(CURDIR)/.dagster_home $(BIN)/dagster dev -w workspace.yaml

bench: install
	$(BIN)/govreport bench

clean:
	rm -rf data/warehouse data/exports dbt_project/target dbt_project/logs
