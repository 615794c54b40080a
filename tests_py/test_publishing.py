"""Safe publishing: BI readers never see a half-built warehouse and never fail on DuckDB's lock."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from agent_kpis import job
from agent_kpis.generator import GeneratorConfig, generate
from agent_kpis.privacy import DEMO_PII_SALT, fingerprint
from agent_kpis.publish import PublishError, publish, read_publication

from conftest import END_DATE, PROJECT_DIR, query

READER = Path(__file__).with_name("published_reader.py")


def _start_reader(target: Path, stop: Path, *extra: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, str(READER), str(target), str(stop), *extra], stdout=subprocess.PIPE, text=True
    )
    time.sleep(1.0)  # let it read the current snapshot before the build starts
    return proc


def _stop(proc: subprocess.Popen[str], stop: Path) -> dict[str, object]:
    stop.touch()
    out, _ = proc.communicate(timeout=60)
    stop.unlink()
    return json.loads(out)


def test_readers_see_only_whole_snapshots_while_the_job_rebuilds(tmp_path: Path) -> None:
    first, second = tmp_path / "raw1", tmp_path / "raw2"
    generate(GeneratorConfig(tasks=800, days=10, seed=3, end_date=END_DATE), first)
    generate(GeneratorConfig(tasks=1300, days=10, seed=4, end_date=END_DATE), second)
    warehouse, published, runs = tmp_path / "wh" / "w.duckdb", tmp_path / "published", tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, first, warehouse, full_refresh=True, runs_dir=runs, publish_dir=published) == 0
    before = read_publication(published)

    stop = tmp_path / "stop"
    bi_tool = _start_reader(published, stop)
    code = job.run_job(PROJECT_DIR, second, warehouse, full_refresh=True, runs_dir=runs, publish_dir=published)
    time.sleep(1.5)  # the reader must see the new snapshot
    seen = _stop(bi_tool, stop)
    after = read_publication(published)

    assert code == job.EXIT_OK
    assert seen["errors"] == [] and seen["inconsistent"] == 0, seen
    assert int(seen["reads"]) > 50  # type: ignore[call-overload]
    # the reader saw both snapshots, so the swap happened under it
    assert set(seen["snapshots"]) == {before["run_id"], after["run_id"]}  # type: ignore[call-overload]
    assert before["row_counts"]["fct_tasks"] == 800 and after["row_counts"]["fct_tasks"] == 1300  # type: ignore[index]


def test_control_a_reader_of_the_build_warehouse_fails_while_it_is_written(tmp_path: Path) -> None:
    """Why publishing exists: the same loop on the file a writer holds gets DuckDB's lock error."""
    warehouse = tmp_path / "w.duckdb"
    writer = duckdb.connect(str(warehouse))  # stands in for `dbt build`
    writer.execute("create schema marts; create table marts.kpi_scorecard as select 1 as kpi_value")
    try:
        naive = _start_reader(warehouse, tmp_path / "stop", "--warehouse")
        seen = _stop(naive, tmp_path / "stop")
    finally:
        writer.close()
    assert seen["snapshots"] == {} and any("lock" in e.lower() for e in seen["errors"]), seen  # type: ignore[attr-defined]


def test_published_marts_equal_the_warehouse_and_old_snapshots_are_pruned(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    generate(GeneratorConfig(tasks=400, days=5, seed=5, end_date=END_DATE), raw)
    warehouse, published = tmp_path / "wh" / "w.duckdb", tmp_path / "published"
    runs = tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, raw, warehouse, full_refresh=True, runs_dir=runs, publish_dir=published) == 0
    for run_id in ("d-first", "c-second", "b-third", "a-fourth"):  # pruned by age, not by name
        publish(warehouse, published, run_id=run_id, keep=3)
        time.sleep(0.01)
    snapshots = sorted(p.name for p in (published / "parquet").iterdir() if not p.name.startswith("."))
    assert snapshots == ["a-fourth", "b-third", "c-second", "current"]
    assert (published / "parquet" / "current").resolve().name == "a-fourth"
    sql = "select sum(total_cost_usd), count(*) from marts.fct_tasks"
    assert query(published / "agent_kpis.duckdb", sql) == query(warehouse, sql)
    parquet = published / "parquet" / "current" / "kpi_scorecard.parquet"
    assert query(warehouse, f"select count(*) from read_parquet('{parquet}')") == query(
        warehouse, "select count(*) from marts.kpi_scorecard"
    )


def test_a_failed_publication_leaves_the_previous_snapshot(tmp_path: Path) -> None:
    with pytest.raises(PublishError, match="no warehouse"):
        publish(tmp_path / "missing.duckdb", tmp_path / "published")
    empty = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(empty))
    con.close()
    with pytest.raises(PublishError, match="records no PII salt fingerprint"):
        publish(empty, tmp_path / "published")
    con = duckdb.connect(str(empty))
    con.execute("create schema raw")
    con.execute(
        "create table raw.build_state as select 'pii_salt_fingerprint' as setting, ? as value",
        [fingerprint(DEMO_PII_SALT)],
    )
    con.close()
    with pytest.raises(PublishError, match="built with the public demo PII salt"):
        publish(empty, tmp_path / "published", allow_demo_salt=False)
    with pytest.raises(PublishError, match="no relation in schema marts"):
        publish(empty, tmp_path / "published", allow_demo_salt=True)
    assert not (tmp_path / "published" / "agent_kpis.duckdb").exists()
    assert [p.name for p in (tmp_path / "published" / "parquet").iterdir()] == []
