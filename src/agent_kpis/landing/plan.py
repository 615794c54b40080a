"""The statements that bring a warehouse's landing relations up to date with the raw root.

State kept in the landing schema (var raw_schema), all of it derived from the files:

    probed_files    one row per file ever found: how it is read, or why not (probe.py)
    salvaged_lines  the lines of files read line by line in Python, with their landing_error
    landed_files    the files present now (rebuilt each run): probed_files of this listing
    <table>         one view per raw table over the files present now (sql.landing_select);
                    a contract table's view reads Parquet fields from their typed columns

Files are immutable drops, so a file is probed once, when it first appears. The plan is
computed by `landing_plan` (the dbt hook calls it through the SQL function
agent_kpis_landing_plan) and run statement by statement by the caller.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from agent_kpis.contract import TABLES as CONTRACT_TABLES
from agent_kpis.landing.files import RawFile, list_raw_files, root_problem
from agent_kpis.landing.probe import Probe, parquet_columns, probe_file
from agent_kpis.landing.sql import ContractField, LandedFile, identifier, landing_select, literal

INSERT_BATCH = 500
PROBED_COLUMNS = (
    "source_file varchar, raw_table varchar, file_bytes bigint, file_format varchar, read_method varchar,"
    " reject_reason varchar, reject_detail varchar, read_note varchar, first_seen_at timestamptz,"
    " column_types varchar"
)
SALVAGED_COLUMNS = "raw_table varchar, source_file varchar, line_number bigint, raw_line varchar, landing_error varchar"


@dataclass
class LandingPlan:
    error: str | None = None
    statements: list[str] = field(default_factory=list)
    new_files: list[tuple[RawFile, Probe]] = field(default_factory=list)


def _probe(raw: RawFile, max_line_bytes: int) -> Probe:
    if raw.file_format is None:
        return Probe("none", raw.reject_reason, raw.reject_detail)
    return probe_file(raw.path, raw.file_format, max_line_bytes)


def _value(text: str | int | None) -> str:
    if text is None:
        return "null"
    return str(int(text)) if isinstance(text, int) else literal(text)


def _probed_row(raw: RawFile, probe: Probe) -> str:
    values = (raw.path, raw.raw_table, raw.file_bytes, raw.file_format, probe.read_method, probe.reject_reason,
              probe.reject_detail, probe.read_note)  # fmt: skip
    return "(" + ", ".join(_value(v) for v in values) + f", current_timestamp, {_value(probe.column_types)})"


def _types(column_types: str | None) -> dict[str, str] | None:
    return json.loads(column_types) if column_types else None


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def landing_plan(
    root: Path | str,
    tables: Sequence[str],
    schema: str,
    known: Mapping[str, str],
    allow_empty: bool = False,
    max_line_bytes: int = 16 * 1024 * 1024,
    future_tolerance_hours: int = 24,
    known_columns: Mapping[str, str | None] | None = None,
    only_new: bool = False,
) -> LandingPlan:
    """known: read_method of every file already in probed_files, by path; known_columns: the
    column_types recorded for them (a file probed before they were recorded has none: its
    footer is read now and recorded). only_new: landed_files and the views hold only the
    files not in `known` (what the landing validator checks on an incremental run)."""
    tables = list(tables)
    problem = root_problem(root, tables, allow_empty)
    if problem:
        return LandingPlan(error=problem)
    s = identifier(schema)
    probed, salvaged, landed = f"{s}.probed_files", f"{s}.salvaged_lines", f"{s}.landed_files"
    plan = LandingPlan(statements=[
        f"create schema if not exists {s}",
        f"create table if not exists {probed} ({PROBED_COLUMNS})",
        f"alter table {probed} add column if not exists column_types varchar",  # warehouses from before
        f"create table if not exists {salvaged} ({SALVAGED_COLUMNS})",
    ])  # fmt: skip
    present = list_raw_files(root, tables)
    methods = dict(known)
    for raw in present:
        if raw.path not in methods:
            probe = _probe(raw, max_line_bytes)
            plan.new_files.append((raw, probe))
            methods[raw.path] = probe.read_method
    scope = [raw for raw, _ in plan.new_files] if only_new else present
    for raw, probe in plan.new_files:
        if probe.read_method == "salvage":
            # delete first: a run that died between salvaging and recording probes again
            plan.statements += [
                f"delete from {salvaged} where source_file = {literal(raw.path)}",
                f"insert into {salvaged} select {literal(raw.raw_table)}, {literal(raw.path)}, line.line_number,"
                f" line.raw_line, line.landing_error from (select unnest(agent_kpis_salvage_lines("
                f"{literal(raw.path)}, {literal(raw.file_format or '')}, {int(max_line_bytes)})) as line)",
            ]
    rows = [_probed_row(raw, probe) for raw, probe in plan.new_files]
    plan.statements += [f"insert into {probed} values {', '.join(chunk)}" for chunk in _chunks(rows, INSERT_BATCH)]
    columns = {path: types for path, types in (known_columns or {}).items() if types}
    columns.update({raw.path: probe.column_types for raw, probe in plan.new_files if probe.column_types})
    unrecorded = [raw.path for raw in scope if raw.file_format == "parquet" and methods[raw.path] == "native"
                  and raw.path not in columns]  # fmt: skip
    for path, types in parquet_columns(unrecorded).items():
        columns[path] = types
        plan.statements.append(
            f"update {probed} set column_types = {literal(types)} where source_file = {literal(path)}"
        )
    if scope:
        listing = ", ".join(f"({literal(raw.path)})" for raw in scope)
        plan.statements.append(
            f"create or replace table {landed} as select probed.* from {probed} as probed"
            f" inner join (values {listing}) as present (source_file) on probed.source_file = present.source_file"
        )
    else:
        plan.statements.append(f"create or replace table {landed} as select * from {probed} where false")
    for table in tables:
        files = [
            LandedFile(raw.path, raw.file_format, methods[raw.path], _types(columns.get(raw.path)))
            for raw in scope
            if raw.raw_table == table and raw.file_format is not None
        ]
        fields = [ContractField(f.name, f.type) for f in CONTRACT_TABLES.get(table, ())] or None
        select = landing_select(table, files, salvaged, max_line_bytes, future_tolerance_hours, fields)
        plan.statements.append(f"create or replace view {s}.{identifier(table)} as {select}")
    return plan
