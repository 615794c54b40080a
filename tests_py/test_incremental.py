"""Hourly incremental builds give exactly what one full refresh gives."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from agent_kpis.contract import TABLES
from agent_kpis.generator import GeneratorConfig, generate

from conftest import END_DATE, columns, query, run_dbt

STRICT = ["--vars", '{"incremental_lookback_hours": 0}']  # no safety margin: arrival tracking alone
COMPARED = {
    # the intermediate models incremental by task
    "intermediate.int_task_loads": "task_id",
    "intermediate.int_task_lifecycles_derived": "task_id",
    "intermediate.int_task_checks_verified": "task_id, check_name",
    "intermediate.int_task_outcomes_classified": "task_id",
    "intermediate.int_task_trust_signals": "task_id",
    "intermediate.int_llm_calls_costed": "event_id",
    "intermediate.int_task_model_costs": "task_id",
    "intermediate.int_task_human_time": "task_id",
    "intermediate.int_tool_attempts_chained": "event_id",
    "intermediate.int_task_tool_signals": "task_id",
    "marts.fct_tasks": "task_id",
    "marts.fct_tool_calls": "event_id",
    # the KPI measures incremental by period
    "kpi_computation.kpi_task_measures": "cohort_dimension, cohort_value, period_grain, period_start",
    "kpi_computation.kpi_tool_measures": "cohort_dimension, cohort_value, period_grain, period_start",
    "kpi_computation.kpi_llm_measures": "cohort_dimension, cohort_value, period_grain, period_start",
    "marts.kpi_scorecard": "kpi_name, period_grain, period_start",
    "marts.kpi_by_cohort": "kpi_name, period_grain, period_start, cohort_dimension, cohort_value",
}
TECHNICAL = {"last_loaded_at"}  # when a row was derived, not what it says
STARTS_EMPTY = "evaluations"
EARLIER = -2 * 86400 - 60  # seconds between a first-batch success and another task's, same key
MOVED_TO = "2026-04-02T10:00:00Z"  # another day, ISO week and month than any first-batch day


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


def _first(raw: Path, table: str, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    found = next((row for row in _rows(raw, table) if match(row)), None)
    if found is None:
        raise AssertionError(f"no such row in {table}")
    return found


def _shifted(timestamp: str, seconds: int) -> str:
    moved = datetime.fromisoformat(timestamp.replace("Z", "+00:00")) + timedelta(seconds=seconds)
    return moved.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _utc_day(timestamp: object) -> str:
    try:
        return datetime.fromisoformat(str(timestamp).replace("Z", "+00:00")).astimezone(UTC).date().isoformat()
    except ValueError:
        return ""


def _rows(raw: Path, table: str) -> Iterator[dict[str, Any]]:
    """Every JSON object line of a table's files, with its file as `_path`."""
    for path in sorted((raw / table).glob("*.jsonl")):
        for line in path.read_text().splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict):
                yield {**row, "_path": path}


def _counted_days(raw: Path) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Every task's terminal-event days, and the days of its tool and model calls: the days
    a KPI can count it on."""
    terminal: dict[str, list[str]] = {}
    calls: dict[str, set[str]] = {}
    for row in _rows(raw, "task_events"):
        if row.get("event_type") in ("completed", "failed", "abandoned", "reopened"):
            terminal.setdefault(str(row.get("task_id")), []).append(_utc_day(row.get("occurred_at")))
    for table in ("tool_calls", "llm_calls"):
        for row in _rows(raw, table):
            calls.setdefault(str(row.get("task_id")), set()).add(_utc_day(row.get("started_at")))
    return terminal, calls


def _late_arrivals(
    source: Path, first_batch: list[tuple[str, Path]]
) -> tuple[list[list[tuple[str, Path]]], dict[str, str]]:
    """Late lines whose effect reaches rows that receive nothing themselves:
    - an earlier `created` event that changes a first-batch task's type (the old type's
      required checks, rows of int_task_checks_verified, must disappear: the
      delete_derived_tasks pre-hook);
    - a first-batch completed task reopened and completed again in April: it leaves its
      day, ISO week and month and enters others (the ledger's day it left);
    - in a batch of its own, another task's success two days earlier with the same (tool,
      idempotency key) as a first-batch success, which becomes a duplicate side effect (the
      key-sharing rule of int_tool_attempts_chained) on a day nothing else of that batch
      reaches (the ledger re-derives the key-sharing task).
    Returns the task-event lines and the tool-call line, one batch each."""
    first = {path for _, path in first_batch}

    def in_first(table: str, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        return _first(source, table, lambda r: match(r) and r["_path"] in first)

    created = in_first(
        "task_events", lambda r: r.get("event_type") == "created" and r.get("task_type") == "refund_request"
    )
    success = in_first(
        "tool_calls",
        lambda r: (
            r.get("is_side_effecting") is True
            and r.get("status") == "success"
            and bool(r.get("idempotency_key"))
            and r.get("task_id") != created["task_id"]
        ),
    )
    terminal, calls = _counted_days(source)

    def counted(task: object) -> set[str]:
        return set(terminal.get(str(task), [])) | calls.get(str(task), set())

    other = in_first(
        "task_events",
        lambda r: (
            r.get("task_id") not in (created["task_id"], success["task_id"])
            # counted on neither the success's day nor the day of its new success
            and not counted(r.get("task_id"))
            & {_utc_day(success["started_at"]), _utc_day(_shifted(success["started_at"], EARLIER))}
        ),
    )
    completed = in_first(
        "task_events",
        lambda r: (
            r.get("event_type") == "completed"
            and r.get("task_id") not in (created["task_id"], success["task_id"], other["task_id"])
            # its only terminal event, on a day without a call of it: it leaves the day entirely
            and len(terminal.get(str(r.get("task_id")), [])) == 1
            and _utc_day(r.get("occurred_at")) not in calls.get(str(r.get("task_id")), set())
        ),
    )
    retyped = {**created, "event_id": "late-created", "task_type": "not_a_known_type"}
    retyped["occurred_at"] = _shifted(created["occurred_at"], -60)
    earlier = {**success, "event_id": "late-success", "call_id": "late-call", "task_id": other["task_id"]}
    earlier["started_at"], earlier["ended_at"] = (
        _shifted(success["started_at"], EARLIER),
        _shifted(success["started_at"], EARLIER + 1),
    )
    reopened = {**completed, "event_id": "late-reopened", "event_type": "reopened"}
    reopened["occurred_at"] = _shifted(completed["occurred_at"], 60)
    recompleted = {**completed, "event_id": "late-recompleted", "occurred_at": MOVED_TO}
    late = []
    for table, rows in (("task_events", [retyped, reopened, recompleted]), ("tool_calls", [earlier])):
        path = source / table / f"{table}-late.jsonl"
        path.write_text("".join(json.dumps({k: v for k, v in row.items() if k != "_path"}) + "\n" for row in rows))
        late.append([("late", path)])
    return late, {
        "retyped_task": created["task_id"],
        "renumbered_event": success["event_id"],
        "moved_task": completed["task_id"],
        "moved_from": _utc_day(completed["occurred_at"]),
    }


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[tuple[str, Path]]], dict[str, str]]:
    source = tmp_path_factory.mktemp("all") / "raw"
    generate(GeneratorConfig(tasks=1200, days=9, seed=5, end_date=END_DATE), source)
    files = _files_by_day(source)
    days = sorted({d for d, _ in files})
    cut1, cut2 = days[len(days) // 3], days[2 * len(days) // 3]
    # evaluations arrive only from the second batch on: a table empty at the first build
    first_batch = [f for f in files if f[0] < cut1 and f[1].parent.name != STARTS_EMPTY]
    late, effects = _late_arrivals(source, first_batch)
    return (
        source,
        [
            first_batch,
            [f for f in files if f not in first_batch and f[0] < cut2],
            [f for f in files if f[0] >= cut2] + late[0],
            late[1],
        ],
        effects,
    )


def test_batches_carry_late_events_cross_batch_duplicates_and_reopens(
    batches: tuple[Path, list[list[tuple[str, Path]]], dict[str, str]],
) -> None:
    _source, parts, _ = batches

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
    batches: tuple[Path, list[list[tuple[str, Path]]], dict[str, str]], tmp_path: Path
) -> None:
    source, parts, effects = batches
    inc_raw, inc_wh = tmp_path / "inc" / "raw", tmp_path / "inc" / "wh" / "w.duckdb"
    full_raw, full_wh = tmp_path / "full" / "raw", tmp_path / "full" / "wh" / "w.duckdb"
    for wh in (inc_wh, full_wh):
        (wh.parent / "tmp").mkdir(parents=True)
    assert not any(f.parent.name == STARTS_EMPTY for _, f in parts[0])
    moved = effects["moved_task"]
    resolved_date = f"select cast(resolved_date as varchar) from marts.fct_tasks where task_id = '{moved}'"
    for i, part in enumerate(parts):
        _deliver(part, source, inc_raw)
        if i == 0:
            run_dbt(["seed"], inc_raw, inc_wh)
        run_dbt(["run", *STRICT, *(["--full-refresh"] if i == 0 else [])], inc_raw, inc_wh)
        if i == 1:  # before the late lines: the task to be moved is counted on its first day
            assert query(inc_wh, resolved_date) == [(effects["moved_from"],)]
    _deliver([f for part in parts for f in part], source, full_raw)
    run_dbt(["seed", "--full-refresh"], full_raw, full_wh)
    run_dbt(["run", "--full-refresh", *STRICT], full_raw, full_wh)
    incremental, full = _snapshot(inc_wh), _snapshot(full_wh)
    for table in COMPARED:
        assert len(incremental[table]) == len(full[table]), table
        assert incremental[table] == full[table], table
    # the late arrivals took effect (so the comparison above covers them)
    retyped = effects["retyped_task"]
    assert query(inc_wh, f"select count(*) from intermediate.int_task_checks_verified where task_id = '{retyped}'") == [
        (0,)
    ]
    renumbered = query(
        inc_wh,
        "select is_duplicate_side_effect from intermediate.int_tool_attempts_chained"
        f" where event_id = '{effects['renumbered_event']}'",
    )
    assert renumbered == [(True,)]
    assert query(inc_wh, resolved_date) == [(MOVED_TO[:10],)]
    ledger = query(
        inc_wh,
        "select cast(period_day as varchar), is_counted from kpi_computation.kpi_task_counted_days"
        f" where task_id = '{moved}'"
        f" and period_day in (date '{effects['moved_from']}', date '{MOVED_TO[:10]}')"
        " order by period_day",
    )
    assert ledger == [(effects["moved_from"], False), (MOVED_TO[:10], True)], ledger

    # a run with no new file changes nothing
    run_dbt(["run", *STRICT], inc_raw, inc_wh)
    assert _snapshot(inc_wh) == incremental

    # the same file landing twice (under another name) changes nothing either
    _, some_file = next(f for f in parts[1] if f[1].parent.name == "task_events")
    shutil.copy(some_file, inc_raw / "task_events" / f"redelivered-{some_file.name}")
    run_dbt(["run", *STRICT], inc_raw, inc_wh)
    assert _snapshot(inc_wh) == incremental
