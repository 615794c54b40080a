"""The same project on other engines (README: "Running on Spark / Databricks, PostgreSQL"):
every model, seed and test builds on a real PostgreSQL server and on a local Spark session,
and the compared marts equal DuckDB's, built from the same files (a generated feed with
quarantined lines, duplicates and late events, in JSON lines and in Parquet, plus the
OpenTelemetry fixtures of real agent frameworks). The feed arrives in two batches; on
PostgreSQL the incremental build also equals a full refresh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from agent_kpis import engines
from agent_kpis.generator import GeneratorConfig, generate
from agent_kpis.pg_local import LocalPostgres, local_postgres

from conftest import END_DATE

FIXTURES = Path(__file__).with_name("fixtures") / "otel"
# the trace fixtures that reach every engine-specific part of the trace mapping (all of them
# run on DuckDB in test_traces.py): retry markers and failed request attempts (pydantic_ai),
# a guardrail named by its parent's error (openai_agents), JSON paths in attributes, a
# logical-call span and name globs (langgraph), a regex on a JSON field, ignored spans and a
# task without agent span (llama_index), evaluator spans beside the agent (strands),
# gen_ai.evaluation.result span events (opensearch_genai)
ENGINE_FRAMEWORKS = ("pydantic_ai", "openai_agents", "langgraph", "llama_index", "strands", "opensearch_genai")
# one salt for the three engines (customer_key compared): spaces, escaped in PGOPTIONS; no
# backslash or quote, which Spark's substitution into a literal cannot carry (README)
SALT = "engines test salt with spaces"
LATE_FROM = (END_DATE - timedelta(days=2)).isoformat()  # files of these days arrive in batch 2


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("engines")
    raw, parquet = base / "raw", base / "parquet"
    generate(GeneratorConfig(tasks=300, days=10, seed=23, end_date=END_DATE), raw)
    # and Parquet files beside the JSON lines, with tasks of their own
    generate(GeneratorConfig(tasks=60, days=10, seed=24, end_date=END_DATE, fmt="parquet", id_prefix="pq-"), parquet)
    shutil.copytree(parquet, raw, dirs_exist_ok=True)
    (raw / "otel_traces").mkdir()
    for framework in ENGINE_FRAMEWORKS:
        for path in sorted((FIXTURES / framework / "raw" / "otel_traces").glob("*.jsonl")):
            shutil.copy(path, raw / "otel_traces" / f"{framework}-{path.name}")
    return raw


@pytest.fixture(scope="module")
def duckdb_build(feed: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[engines.BuildResult, engines.Reader]:
    work = tmp_path_factory.mktemp("engines-duckdb")
    warehouse = work / "wh" / "agent_kpis.duckdb"
    (warehouse.parent / "tmp").mkdir(parents=True)
    result = engines.dbt_build("dev", engines.duckdb_env(feed, warehouse, SALT), work)
    assert result.failures == [] and result.models > 0
    return result, engines.duckdb_reader(warehouse)


def _is_late(path: Path) -> bool:
    if path.parent.name == "otel_traces":
        return path.name.startswith("pydantic")
    return path.stem.split("-", 1)[-1] >= LATE_FROM


def _copy_batch(feed: Path, landing: Path, late: bool) -> None:
    for path in sorted(p for p in feed.rglob("*") if p.is_file() and _is_late(p) == late):
        target = landing / path.relative_to(feed)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)


def _land(feed: Path, landing: Path, late: bool, env: dict[str, str]) -> None:
    """Copies one batch of the feed's files into the loader's raw root and loads it."""
    _copy_batch(feed, landing, late)
    cmd = [sys.executable, "-m", "agent_kpis.cli", "load", "--raw-root", str(landing)]
    proc = subprocess.run(cmd, env={**os.environ, **env}, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def postgres() -> Iterator[LocalPostgres]:
    with local_postgres() as pg:
        yield pg


def test_postgres_builds_every_model_and_test_and_equals_duckdb(
    feed: Path,
    duckdb_build: tuple[engines.BuildResult, engines.Reader],
    postgres: LocalPostgres,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    duck, read_duckdb = duckdb_build
    work = tmp_path_factory.mktemp("engines-postgres")
    env = engines.postgres_env(postgres.env(), SALT)
    read_postgres = engines.postgres_reader(env)

    _land(feed, work / "raw", late=False, env=env)
    first = engines.dbt_build("postgres", env, work)
    assert first.failures == [], first
    _land(feed, work / "raw", late=True, env=env)
    incremental = engines.dbt_build("postgres", env, work)
    assert incremental.failures == [], incremental
    after_increment = {mart: read_postgres(mart) for mart in engines.COMPARED_MARTS}
    full = engines.dbt_build("postgres", env, work, full_refresh=True)
    assert full.failures == [], full

    # every model and every test of the DuckDB build, none left out
    assert (full.models, full.tests_passed, full.warnings) == (duck.models, duck.tests_passed, duck.warnings)
    assert engines.differences({"duckdb": read_duckdb, "postgres": read_postgres}) == {"postgres": []}
    assert engines.differences({"incremental": after_increment.__getitem__, "full refresh": read_postgres}) == {
        "full refresh": []
    }
    # another salt would give every customer a second customer_key: the run stops first
    other_salt = engines.postgres_env(postgres.env(), SALT + " changed")
    refused = engines.run_dbt(["build", "--target", "postgres"], other_salt, work)
    assert refused.returncode != 0
    assert "The PII salt differs from the one this warehouse was built with" in refused.stdout
    print(f"\nengines: {duck} / {full}")


def test_spark_builds_every_model_and_test_and_equals_duckdb(
    feed: Path,
    duckdb_build: tuple[engines.BuildResult, engines.Reader],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Spark rebuilds every incremental model as a table at each run, so one build of the
    whole feed is what every run computes."""
    duck, read_duckdb = duckdb_build
    work = tmp_path_factory.mktemp("engines-spark")
    landing = work / "raw o'brien [1]"  # Spark reads the files in place: a hostile root name
    env = engines.spark_env(landing, work / "spark", SALT)
    shutil.copytree(feed, landing)
    build = engines.dbt_build("spark", env, work)
    assert build.failures == [], build

    assert (build.models, build.tests_passed, build.warnings) == (duck.models, duck.tests_passed, duck.warnings)
    read_spark = engines.spark_reader(env, work)
    assert engines.differences({"duckdb": read_duckdb, "spark": read_spark}) == {"spark": []}
    print(f"\nengines: {duck} / {build}")


def test_the_comparison_sees_a_changed_value_and_a_missing_row() -> None:
    columns = ["task_id", "total_cost_usd", "is_terminal"]
    base = (columns, [("t1", 1.25, True), ("t2", 0.1 + 0.2, False)])
    assert engines.table_differences("t", base, (columns, [("t2", 0.3, False), ("t1", 1.25, True)])) == []
    assert engines.table_differences("t", base, (columns, [("t1", 1.25, True), ("t2", 0.3 + 2e-9, False)]))
    assert engines.table_differences("t", base, (columns, [("t1", 1.25, True)])) == ["t: 2 rows vs 1"]
    assert engines.table_differences("t", base, (columns, [("t1", 1.25, True), ("t2", 0.3, None)]))
