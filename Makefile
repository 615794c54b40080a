# agent-kpis: `make demo` runs the main job, `make test` runs every check.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DBT_PROFILES_DIR := $(CURDIR)
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export AGENT_KPIS_RAW_ROOT ?= $(CURDIR)/data/raw
export AGENT_KPIS_DUCKDB ?= $(CURDIR)/data/agent_kpis.duckdb
export AGENT_KPIS_TEMP_DIR ?= $(CURDIR)/data/tmp
export AGENT_KPIS_PUBLISH_DIR ?= $(CURDIR)/data/published

TASKS ?= 5000
DAYS ?= 30
SEED ?= 42
SCALE ?= 1000000
FORMAT ?= jsonl

# the checks run on their own raw root and warehouse, so `make test` never touches the demo
TEST_RAW_ROOT := $(CURDIR)/data/test/raw
TEST_DUCKDB := $(CURDIR)/data/test/agent_kpis.duckdb

.PHONY: help install browser postgres spark demo generate job build docs publish report summary validate-landing validate-publishing test \
	lint lint-sql lint-python pytest dbt-test metrics trace-fixtures bench-generate bench bench-job clean

help:
	@echo "make demo            install, generate demo telemetry, run the job (checks, dbt build, publish), the summary"
	@echo "make job             the scheduled job once: landing checks, dbt build, publishing checks, publish"
	@echo "make test            every check: sqlfluff, ruff, pytest, dbt build with all tests"
	@echo "make bench-generate  time the generator at SCALE tasks (default 1,000,000) to Parquet"
	@echo "make bench SCALE=N   full build vs incremental vs the engine floor; writes docs/benchmarks.md"
	@echo "make clean           remove the virtual environment, data and dbt artifacts"

# one pinned set for every install: constraints.txt (regenerate with pip freeze after a change)
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt pip setuptools wheel
	$(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt --no-build-isolation -e ".[semantic,orchestration,dev]"
	touch $(STAMP)

install: $(STAMP)

# the browser test drives Debian's chromium (no browser download); installed once per machine
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends chromium; }
	@chromium --version 2>/dev/null | head -1

# Debian's PostgreSQL server, for the PostgreSQL tests (a throw-away cluster per run)
postgres:
	@command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends postgresql; }

generate: install
	$(BIN)/agent-kpis generate --tasks $(TASKS) --days $(DAYS) --seed $(SEED) --format $(FORMAT) --out "$(AGENT_KPIS_RAW_ROOT)"

# `make demo` regenerates the raw files, so it rebuilds from scratch; an hourly job on an
# append-only raw root runs `make build INCREMENTAL=1` (new files only)
build: install
	mkdir -p "$(AGENT_KPIS_TEMP_DIR)" "$$(dirname "$(AGENT_KPIS_DUCKDB)")"
	$(BIN)/dbt build --fail-fast $(if $(INCREMENTAL),,--full-refresh)

summary: install
	$(BIN)/agent-kpis summary

# Great Expectations: landing runs on the raw files before dbt, publishing on the marts after
validate-landing: install
	$(BIN)/agent-kpis validate landing

validate-publishing: install
	$(BIN)/agent-kpis validate publishing

# the dbt docs site as one self-contained file (works offline)
docs: install
	$(BIN)/dbt docs generate --static
	@echo "docs site: $(CURDIR)/target/static_index.html"

# BI tools read the published copy (swapped in atomically), never the warehouse dbt writes
publish: install
	$(BIN)/agent-kpis publish

# the self-contained HTML scorecard page, from the published marts
report: install
	$(BIN)/agent-kpis report

# the semantic layer: MetricFlow over the warehouse (after `make build`)
metrics: install
	$(BIN)/dbt parse --quiet
	$(BIN)/mf query --metrics task_success_rate,escalation_rate,cost_per_successful_task_usd,tool_call_success_rate \
		--group-by metric_time__week --order metric_time__week

# the scheduled job, the one definition of the step sequence (src/agent_kpis/job.py): landing
# validation, dbt build (selector hourly_job), publishing validation, publish, stop-the-line
job: install
	mkdir -p "$(AGENT_KPIS_TEMP_DIR)" "$$(dirname "$(AGENT_KPIS_DUCKDB)")"
	$(BIN)/agent-kpis run $(if $(INCREMENTAL),,--full-refresh)

# demo data is hashed with the public demo salt; publishing it is allowed for the demo only
demo: export AGENT_KPIS_DEMO := 1
demo: generate job docs report summary
	@echo ""
	@echo "published marts (read-only for BI tools): $(AGENT_KPIS_PUBLISH_DIR)/agent_kpis.duckdb"
	@echo "                              as Parquet: $(AGENT_KPIS_PUBLISH_DIR)/parquet/current/"
	@echo "docs site:      $(CURDIR)/target/static_index.html"
	@echo "scorecard page: $(CURDIR)/reports/scorecard/index.html"

# the dbt templater compiles the project, which opens a (throw-away) warehouse
lint-sql: install
	mkdir -p "$(dir $(TEST_DUCKDB))"
	AGENT_KPIS_DUCKDB="$(dir $(TEST_DUCKDB))lint.duckdb" $(BIN)/sqlfluff lint models tests analyses

lint-python: install
	$(BIN)/ruff check src tests_py scripts bench
	$(BIN)/ruff format --check src tests_py scripts bench

lint: lint-sql lint-python

# Java for the Spark session of the engine comparison (pyspark 3.5 runs on Java 17)
spark:
	@command -v java >/dev/null || { $(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends openjdk-17-jre-headless; }

pytest: install browser postgres spark
	$(BIN)/pytest -q -n 2 --dist loadfile --durations=15

# on fresh demo data: landing validation, dbt build with every test (verification rules at
# severity error), source freshness, publishing validation, the conventions gate
TEST_ENV := AGENT_KPIS_RAW_ROOT="$(TEST_RAW_ROOT)" AGENT_KPIS_DUCKDB="$(TEST_DUCKDB)" \
	AGENT_KPIS_TEMP_DIR="$(dir $(TEST_DUCKDB))tmp" AGENT_KPIS_RULE_SEVERITY=error
dbt-test: install
	rm -rf "$(dir $(TEST_DUCKDB))" && mkdir -p "$(dir $(TEST_DUCKDB))tmp"
	$(BIN)/agent-kpis generate --tasks $(TASKS) --days $(DAYS) --seed $(SEED) --out "$(TEST_RAW_ROOT)"
	$(TEST_ENV) $(BIN)/agent-kpis validate landing
	$(TEST_ENV) $(BIN)/dbt build
	$(TEST_ENV) $(BIN)/dbt source freshness
	$(TEST_ENV) $(BIN)/agent-kpis validate publishing
	$(TEST_ENV) $(BIN)/agent-kpis conventions
	$(TEST_ENV) $(BIN)/mf validate-configs
	$(TEST_ENV) $(BIN)/mf query --metrics task_success_rate,cost_per_successful_task_usd,tool_call_success_rate \
		--group-by metric_time__week --order metric_time__week

test: lint dbt-test pytest

# the OpenTelemetry fixtures: real agent frameworks run offline with their own instrumentation,
# each in a virtual environment of its own (their pins conflict with dbt's and each other's);
# TRACE_FRAMEWORKS=langgraph makes one (scripts/trace_fixtures/<framework>/)
TRACE_FRAMEWORKS ?= $(notdir $(patsubst %/run.py,%,$(wildcard scripts/trace_fixtures/*/run.py)))
trace-fixtures:
	for framework in $(TRACE_FRAMEWORKS); do \
		$(PYTHON) -m venv ".venv-traces/$$framework" && \
		".venv-traces/$$framework/bin/pip" install --quiet --disable-pip-version-check \
			-r "scripts/trace_fixtures/$$framework/requirements.txt" && \
		".venv-traces/$$framework/bin/python" "scripts/trace_fixtures/$$framework/run.py" || exit 1; \
	done

bench-generate: install
	$(BIN)/agent-kpis bench-generate --tasks $(SCALE) --format parquet

# full build vs incremental hour/day vs the engine's floor; appends to docs/benchmarks.md
bench: install
	$(BIN)/agent-kpis bench --scale $(SCALE)

# the job a scheduler runs, per stage: full, one new hour, one new day; appends to docs/benchmarks.md
bench-job: install
	$(BIN)/agent-kpis bench --job --scale $(SCALE)

clean:
	rm -rf $(VENV) .venv-traces data target logs dbt_packages
