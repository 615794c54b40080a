"""Typed landing: a Parquet row read from its typed columns gives exactly the base row that
rendering it to JSON and parsing it back gave (the route it replaces), edge values included.

Each Parquet file lands twice: as itself (typed route) and as JSON lines rendered from it by
DuckDB's to_json (the old route). Every parsed column and reject reason must agree.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agent_kpis.generator import FaultRates

from conftest import Build, query, run_dbt

TS_UTC = pa.timestamp("us", tz="UTC")


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def _tool_calls_typed() -> pa.Table:
    n = 9
    return pa.table({
        "event_id": [f"typed-{i}" for i in range(n)],
        "_emitted_at": pa.array([_at(2026, 3, 1, 9, 1)] * n, TS_UTC),
        "call_id": ["c"] * n,
        "task_id": ["t", "t", "t", "t", "t", "t", "t", "  ", "t"],
        "attempt": pa.array([2, 1, 1, 1, 0, None, 1, 1, 1], pa.int64()),
        "tool_name": ["x"] * n,
        "started_at": pa.array([_at(2026, 3, 1, 9), _at(500, 1, 1), _at(2100, 1, 1), None] + [_at(2026, 3, 1, 9)] * 5,
                               TS_UTC),
        "ended_at": pa.array([datetime(2026, 3, 1, 9, 0, 5), None, None, None, None, None,
                              datetime(2100, 1, 1), None, datetime(2026, 3, 1, 9, 0, 0, 123456)], pa.timestamp("us")),
        "is_side_effecting": [True, False, None, None, None, None, None, None, True],
        "sensitive_fields": [["email"], [], None, None, None, None, None, None, ["a", "b"]],
        "input": ['{"q": "x"}', None, None, None, None, None, None, None, ""],
    })  # fmt: skip


def _tool_calls_other_types() -> pa.Table:
    return pa.table({
        "event_id": ["other-0", "other-1", "other-2"],
        "call_id": ["c", "c", "c"],
        "task_id": ["t", "t", "t"],
        "attempt": pa.array([1.0, 1.5, 3e3], pa.float64()),
        "tool_name": ["x", "x", "x"],
        "started_at": ["2026-03-01T10:00:00+05:30", "2026-03-01 10:00", "yesterday"],
        "ended_at": pa.array([1_773_000_000, None, 5], pa.int64()),
        "is_side_effecting": ["yes", "true", None],
    })  # fmt: skip


def _tool_calls_wrong_case() -> pa.Table:
    return pa.table({
        "event_id": ["case-0"], "call_id": ["c"], "Task_ID": ["t"], "attempt": [1], "tool_name": ["x"],
        "started_at": pa.array([_at(2026, 3, 1, 9)], TS_UTC),
    })  # fmt: skip


def _llm_calls_typed() -> pa.Table:
    n = 6
    return pa.table({
        "event_id": [f"llm-{i}" for i in range(n)],
        "task_id": ["t"] * n,
        "input_tokens": pa.array([10, None, -1, 0, 5, 7], pa.int32()),
        "output_tokens": pa.array([1, 2, 3, 4, 5, 6], pa.int64()),
        "cached_input_tokens": pa.array([0, 1, 2, 3, 4, 5], pa.int16()),
        "cost_usd": pa.array([0.0191175, math.nan, 1e9, -0.0, 1e-5, 0.1 + 0.2], pa.float64()),
        "started_at": pa.array([_at(2026, 3, 1, 9)] * n, pa.timestamp("ms", tz="UTC")),
        "ended_at": pa.array([_at(9999, 12, 31), _at(1000, 1, 1), None, None, None, None], TS_UTC),
    })  # fmt: skip


def _llm_calls_other_types() -> pa.Table:
    return pa.table({
        "event_id": ["llm-f-0", "llm-f-1"],
        "task_id": ["t", "t"],
        "cost_usd": pa.array([0.1, 2.5], pa.float32()),
        "input_tokens": pa.array([1.0, 2.0], pa.float64()),
    })  # fmt: skip


def _llm_calls_decimal() -> pa.Table:
    from decimal import Decimal

    return pa.table({
        "event_id": ["llm-d-0", "llm-d-1"],
        "task_id": ["t", "t"],
        "cost_usd": pa.array([Decimal("0.1000"), Decimal("123.4567")], pa.decimal128(10, 4)),
    })  # fmt: skip


FILES = {
    "tool_calls": {
        "typed": _tool_calls_typed,
        "other-types": _tool_calls_other_types,
        "wrong-case": _tool_calls_wrong_case,
    },
    "llm_calls": {"typed": _llm_calls_typed, "other-types": _llm_calls_other_types, "decimal": _llm_calls_decimal},
}


def _add_files(raw: Path) -> None:
    """Each table as Parquet, and the same rows as the JSON lines DuckDB renders from it."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    for table, files in FILES.items():
        for name, make in files.items():
            parquet = raw / table / f"edge-{name}.parquet"
            pq.write_table(make(), parquet)
            lines = con.execute("select to_json(landed)::varchar from read_parquet(?) as landed", [str(parquet)])
            text = "".join(row[0] + "\n" for row in lines.fetchall())
            (raw / table / f"edge-{name}-as-json.jsonl").write_text(text, encoding="utf-8")
    con.close()


def _base_rows(wh: Path, table: str, source_file: str) -> list[tuple[object, ...]]:
    return query(
        wh,
        f"select * exclude (source_file, raw_line, content_key, loaded_at) from staging.base_telemetry__{table}"
        f" where source_file = '{source_file}' order by event_id",
    )


def test_parquet_typed_columns_parse_like_their_json_rendering(build_project: Build) -> None:
    raw, wh = build_project(
        "typed-landing",
        tasks=100,
        days=3,
        faults=FaultRates.none(),
        select="base_telemetry__tool_calls base_telemetry__llm_calls",
        prepare=_add_files,
    )
    for table, files in FILES.items():
        for name, make in files.items():
            parquet, jsonl = (str(raw / table / f"edge-{name}{suffix}") for suffix in (".parquet", "-as-json.jsonl"))
            typed = _base_rows(wh, table, parquet)
            assert len(typed) == make().num_rows
            assert typed == _base_rows(wh, table, jsonl), f"{table}/{name}"

    reasons = dict(query(wh, "select event_id, reject_reason from staging.base_telemetry__tool_calls"
                             " where source_file like '%edge-%.parquet'"))  # fmt: skip
    assert reasons["typed-0"] is None and reasons["typed-1"] is None  # year 500 goes the text route, and is valid
    assert reasons["typed-2"] == "future_timestamp:started_at"
    assert reasons["typed-3"] == "missing_required_field:started_at"
    assert reasons["typed-4"] == "attempt_below_1"
    assert reasons["typed-5"] == "missing_required_field:attempt"
    assert reasons["typed-7"] == "missing_required_field:task_id"
    assert reasons["other-1"] == "unparseable_required_field:attempt"
    assert reasons["case-0"] == "missing_required_field:task_id"

    # the typed route was taken: values read from the columns, no JSON rendered for kept rows
    landed = query(
        wh,
        "select count(landed_values.started_at), count(landed_values.attempt), count(raw_line)"
        f" from raw.tool_calls where source_file = '{raw / 'tool_calls' / 'edge-typed.parquet'}'",
    )
    assert landed == [(7, 8, 0)]  # started_at: one null, one (year 500) left to the text route
    # a rejected Parquet row still shows what was read: its fields as JSON
    shown = query(wh, "select raw_line from staging.base_telemetry__tool_calls where event_id = 'typed-4'"
                      " and source_file like '%.parquet'")  # fmt: skip
    assert '"event_id":"typed-4"' in str(shown[0][0])

    # a warehouse from before column types were recorded: the next run adds and fills them
    before = _base_rows(wh, "tool_calls", str(raw / "tool_calls" / "edge-typed.parquet"))
    con = duckdb.connect(str(wh))
    con.execute("alter table raw.probed_files drop column column_types")
    con.close()
    run_dbt(["build", "--select", "base_telemetry__tool_calls", "--full-refresh"], raw, wh)
    assert query(wh, "select count(*), count(column_types) from raw.probed_files where file_format = 'parquet'") == [
        (6, 6)
    ]
    assert _base_rows(wh, "tool_calls", str(raw / "tool_calls" / "edge-typed.parquet")) == before


def test_a_parquet_files_column_types_are_read_once_and_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent_kpis.landing import plan as landing

    raw = tmp_path / "raw"
    (raw / "tool_calls").mkdir(parents=True)
    pq.write_table(_tool_calls_typed(), raw / "tool_calls" / "typed.parquet")
    path = str(raw / "tool_calls" / "typed.parquet")

    first = landing.landing_plan(raw, ["tool_calls"], "raw", known={})
    (probe,) = [p for _, p in first.new_files]
    assert json.loads(probe.column_types or "{}")["started_at"] == "TIMESTAMP WITH TIME ZONE"
    assert not any(s.startswith("update") for s in first.statements)

    def no_footer_reads(paths: list[str]) -> dict[str, str]:
        assert not paths, f"read again: {paths}"
        return {}

    # the next run reads the recorded types and opens no footer
    monkeypatch.setattr(landing, "parquet_columns", no_footer_reads)
    again = landing.landing_plan(raw, ["tool_calls"], "raw", {path: "native"}, known_columns={path: probe.column_types})
    assert not again.new_files and not any(s.startswith("update") for s in again.statements)
    assert "landed_values" in again.statements[-1] and "timezone('UTC', landed.\"started_at\")" in again.statements[-1]
    monkeypatch.undo()

    # a file probed before the types were recorded: read now, and recorded
    legacy = landing.landing_plan(raw, ["tool_calls"], "raw", {path: "native"}, known_columns={path: None})
    updates = [s for s in legacy.statements if s.startswith("update")]
    assert len(updates) == 1 and "TIMESTAMP WITH TIME ZONE" in updates[0]
    assert legacy.statements[-1] == again.statements[-1]
