"""Hourly incremental builds give exactly what one full refresh gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from agent_kpis.contract import TABLES
from agent_kpis.generator import GeneratorConfig, generate

from conftest import END_DATE, columns, run_dbt

STRICT = ["--vars", '{"incremental_lookback_hours": 0}']  # no safety margin: arrival tracking alone
COMPARED = {
    "marts.fct_tasks": "task_id",
    "marts.fct_tool_calls": "event_id",
    "marts.kpi_scorecard": "kpi_name, period_grain, period_start",
    "marts.kpi_by_cohort": "kpi_name, period_grain, period_start, cohort_dimension, cohort_value",
}
TECHNICAL = {"last_loaded_at"}  # when a row was derived, not what it says
STARTS_EMPTY = "evaluations"


def _snapshot(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        out = {}
        for table, key in COMPARED.items():
            cols = columns(con, table, TECHNICAL)
            out[table] = con.execute(f"select {', '.join(cols)} from {table} order by {key}").fetchall()
        return out
    finally:
        con.close()


def _files_by_day(raw: Path) -> list[tuple[str, Path]]:
    """(file day, path) for every raw file; the generator names files <table>-<YYYY-MM-DD>.<ext>."""
    files = []
    for table in TABLES:
        for path in sorted((raw / table).glob("*")):
            files.append((path.name.split("-", 1)[1][:10], path))
    return files


def _deliver(files: list[tuple[str, Path]], source: Path, target: Path) -> None:
    for _, path in files:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, dest)


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[tuple[str, Path]]]]:
    source = tmp_path_factory.mktemp("all") / "raw"
    generate(GeneratorConfig(tasks=1200, days=9, seed=5, end_date=END_DATE), source)
    files = _files_by_day(source)
    days = sorted({d for d, _ in files})
    cut1, cut2 = days[len(days) // 3], days[2 * len(days) // 3]
    # evaluations arrive only from the second batch on: a table empty at the first build
    first_batch = [f for f in files if f[0] < cut1 and f[1].parent.name != STARTS_EMPTY]
    return source, [
        first_batch,
        [f for f in files if f not in first_batch and f[0] < cut2],
        [f for f in files if f[0] >= cut2],
    ]


def test_batches_carry_late_events_cross_batch_duplicates_and_reopens(
    batches: tuple[Path, list[list[tuple[str, Path]]]],
) -> None:
    import json

    _source, parts = batches

    def ids(part: list[tuple[str, Path]], table: str) -> list[dict[str, object]]:
        rows = []
        for _, path in part:
            if path.parent.name == table:
                for line in path.read_text().splitlines():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError:
                        continue
        return rows

    first = {r["event_id"] for r in ids(parts[0], "task_events")}
    later = [r for r in ids(parts[1], "task_events") + ids(parts[2], "task_events")]
    assert any(r["event_id"] in first for r in later), "no duplicate across batches"
    reopened_later = {r["task_id"] for r in later if r["event_type"] == "reopened"}
    completed_first = {r["task_id"] for r in ids(parts[0], "task_events") if r["event_type"] == "completed"}
    assert reopened_later & completed_first, "no task completed in one batch and reopened in the next"


def test_incremental_batches_equal_one_full_refresh(
    batches: tuple[Path, list[list[tuple[str, Path]]]], tmp_path: Path
) -> None:
    source, parts = batches
    inc_raw, inc_wh = tmp_path / "inc" / "raw", tmp_path / "inc" / "wh" / "w.duckdb"
    full_raw, full_wh = tmp_path / "full" / "raw", tmp_path / "full" / "wh" / "w.duckdb"
    for wh in (inc_wh, full_wh):
        (wh.parent / "tmp").mkdir(parents=True)
    assert not any(f.parent.name == STARTS_EMPTY for _, f in parts[0])
    for i, part in enumerate(parts):
        _deliver(part, source, inc_raw)
        if i == 0:
            run_dbt(["seed"], inc_raw, inc_wh)
        run_dbt(["run", *STRICT, *(["--full-refresh"] if i == 0 else [])], inc_raw, inc_wh)
    _deliver([f for part in parts for f in part], source, full_raw)
    run_dbt(["seed", "--full-refresh"], full_raw, full_wh)
    run_dbt(["run", "--full-refresh", *STRICT], full_raw, full_wh)
    incremental, full = _snapshot(inc_wh), _snapshot(full_wh)
    for table in COMPARED:
        assert len(incremental[table]) == len(full[table]), table
        assert incremental[table] == full[table], table

    # a run with no new file changes nothing
    run_dbt(["run", *STRICT], inc_raw, inc_wh)
    assert _snapshot(inc_wh) == incremental

    # the same file landing twice (under another name) changes nothing either
    _, some_file = next(f for f in parts[1] if f[1].parent.name == "task_events")
    shutil.copy(some_file, inc_raw / "task_events" / f"redelivered-{some_file.name}")
    run_dbt(["run", *STRICT], inc_raw, inc_wh)
    assert _snapshot(inc_wh) == incremental
