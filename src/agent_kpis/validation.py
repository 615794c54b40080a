"""Great Expectations gates: what lands (raw files, before dbt) and what is published (marts).

The suites are defined here, in code, and written to the file context in ``gx/`` on every
run, so the JSON in ``gx/expectations`` is always what runs. GX 1.24's SQL datasource
fails on DuckDB (docs/decisions.md), so every table is read with DuckDB into a pandas
DataFrame and validated through a pandas dataframe asset. The landing gate reads the files
through the same landing plan as dbt (landing/plan.py), so it sees what dbt will read.
Given the warehouse, the landing gate reads only the files the warehouse has not landed yet
(an hourly run validates the hour, not the history). Row-level landing expectations carry a
tolerance (``mostly``): a feed with a few bad rows lands (they are quarantined by dbt), a
broken feed does not. Only the tables named in AGENT_KPIS_REQUIRED_TABLES (default
task_events) may not be empty, counting the rows the warehouse already holds.

The publishing gate reads from each mart only the columns its expectations name; the
personal-data and customer-id checks run in DuckDB first (the patterns are RE2, as in dbt,
and raw customer ids come from the warehouse's own landing views), and only the cells they
flag reach Python for the exact rules (the Luhn check, masked personal-data keys).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from agent_kpis import kpi_catalog
from agent_kpis.contract import TABLES, TRACE_TABLES
from agent_kpis.landing.duckdb_plugin import register_functions
from agent_kpis.landing.plan import landing_plan
from agent_kpis.landing.sql import identifier, literal
from agent_kpis.privacy import card_numbers, personal_data_found, personal_data_keys, personal_data_patterns
from agent_kpis.runtime import file_lock
from agent_kpis.settings import dbt_var, required_tables

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
from great_expectations import expectations as gxe

LANDING_MOSTLY = 0.97  # share of rows that must pass each row-level landing expectation
NEGATIVE_MINUTES_MOSTLY = 0.95  # negative minutes are kept and flagged; more than 5% is a broken feed
LANDING_SCHEMA = "raw"
PERSONAL_DATA_COLUMNS = ("has_email", "has_phone", "has_ssn", "has_card", "has_personal_data_key", "is_raw_customer_id")
RANGES: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "tool_calls": {"attempt": (1, None)},
    "llm_calls": {
        "input_tokens": (0, None),
        "output_tokens": (0, None),
        "cached_input_tokens": (0, None),
        "cache_creation_input_tokens": (0, None),
        "reasoning_output_tokens": (0, None),
        "cost_usd": (0, None),
    },
    "feedback": {"csat": (1, 5), "nps": (0, 10)},
    "evaluations": {"score": (0, 1)},
    "human_interventions": {"minutes": (0, None)},
}


@dataclass
class Failure:
    suite: str
    table: str
    expectation: str
    column: str | None
    unexpected_count: int | None
    element_count: int | None
    observed: Any = None
    worst_file: str | None = None
    worst_file_rows: int | None = None
    missing: list[str] | None = None  # values a contain-set expectation wanted and did not see

    def line(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        count = ""
        if self.missing:
            count = f": no row for {len(self.missing)}: {', '.join(self.missing[:20])}"
            count += " ..." if len(self.missing) > 20 else ""
        elif self.unexpected_count is not None:
            count = f": {self.unexpected_count} of {self.element_count} rows"
        elif self.observed is not None:
            count = f": observed {self.observed}"
        if self.worst_file:
            count += f", most in {self.worst_file} ({self.worst_file_rows} rows)"
        return f"[{self.suite}] {where} {self.expectation}{count}"


@dataclass
class ValidationReport:
    suite: str
    tables: int = 0
    expectations: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0  # the Great Expectations run alone; the job logs the whole stage
    quarantined_files: int = 0
    files: int | None = None  # landing: the files validated (new ones only, given the warehouse)

    @property
    def success(self) -> bool:
        return not self.failures


# ------------------------------------------------------------------------------ reading
class FeedError(RuntimeError):
    """The raw root cannot be read as a feed (missing, unreadable, none of the table folders)."""


@dataclass
class Landed:
    """What a warehouse has landed already: read_method and column types by file, and the rows
    read per raw table by its last build."""

    methods: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str | None] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def landed_in(warehouse: Path | None) -> Landed | None:
    """The warehouse's landed files (None without a warehouse or before its first landing:
    then every file is new)."""
    if warehouse is None or not warehouse.exists():
        return None
    schema = str(dbt_var("raw_schema"))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = {
            (r[0], r[1])
            for r in con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        }
        if (schema, "probed_files") not in tables:
            return None
        landed = Landed()
        probed = identifier(schema) + ".probed_files"
        recorded = con.execute(
            "select count(*) from information_schema.columns where table_schema = ? and table_name = 'probed_files'"
            " and column_name = 'column_types'",
            [schema],
        ).fetchone()[0]  # type: ignore[index]
        types = "column_types" if recorded else "null"  # a warehouse from before they were recorded
        files = con.execute(f"select source_file, read_method, {types} from {probed}").fetchall()
        for path, method, types in files:
            landed.methods[path], landed.columns[path] = method, types
        summaries = [("dq_ingestion_summary", "rows_read"), ("dq_trace_ingestion_summary", "lines_read")]
        for mart, column in summaries:
            if ("marts", mart) in tables:
                landed.rows.update(dict(con.execute(f"select raw_table, {column} from marts.{mart}").fetchall()))
        return landed
    finally:
        con.close()


def _landing_connection(raw_root: Path, landed: Landed | None) -> tuple[duckdb.DuckDBPyConnection, int, int]:
    """An in-memory DuckDB with the landing relations dbt would see (the same plan, see
    landing/plan.py) over the files not yet `landed` (all when None), the number of files not
    read at all and the number of files in the relations."""
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    register_functions(con)
    plan = landing_plan(
        raw_root,
        [*TABLES, *TRACE_TABLES],
        LANDING_SCHEMA,
        known=landed.methods if landed else {},
        allow_empty=bool(dbt_var("allow_empty_feed")),
        max_line_bytes=int(dbt_var("raw_max_line_bytes")),
        future_tolerance_hours=int(dbt_var("future_timestamp_tolerance_hours")),
        known_columns=landed.columns if landed else None,
        only_new=landed is not None,
    )
    if plan.error:
        con.close()
        raise FeedError(plan.error)
    for statement in plan.statements:
        con.execute(statement)
    not_read = sum(1 for _, probe in plan.new_files if probe.read_method == "none")
    files = con.execute(f"select count(*) from {LANDING_SCHEMA}.landed_files").fetchone()[0]  # type: ignore[index]
    return con, not_read, int(files)


def landing_frames(raw_root: Path, landed: Landed | None = None) -> tuple[dict[str, pd.DataFrame], int, int]:
    """One DataFrame per raw table (every contract field as text plus parse and range helpers)
    of the files not yet `landed` (every file when None), the number of files quarantined whole
    and the number of files read."""
    con, quarantined_files, files = _landing_connection(raw_root, landed)
    tolerance = int(dbt_var("future_timestamp_tolerance_hours")) * 3600
    frames: dict[str, pd.DataFrame] = {}
    try:
        for table, fields in TABLES.items():
            cols = []
            for f in fields:
                field_text = (
                    f'case when landed_fields is not null then landed_fields."{f.name}"'
                    f" else json_extract_string(raw_line, '$.{f.name}') end"
                )
                text = f"case when is_object then nullif(trim({field_text}), '') end"
                cols.append(f'{text} as "{f.name}"')
                if f.type == "timestamp":
                    ts = f"try_cast({text} as timestamptz)"
                    cols.append(f'case when {text} is not null then {ts} is not null end as "{f.name}__parseable"')
                    cols.append(f'epoch({ts}) - epoch(now()) - {tolerance} as "{f.name}__seconds_past_tolerance"')
                elif f.type in ("integer", "decimal"):
                    cols.append(f'try_cast({text} as double) as "{f.name}__number"')
            sql = f"""
                with checked as (
                    select *, case when landed_fields is not null then true
                        when landing_error is null and json_valid(raw_line)
                        then json_type(raw_line) = 'OBJECT' else false end as is_object
                    from {LANDING_SCHEMA}.{table}
                )
                select source_file, is_object as is_json_object, {", ".join(cols)} from checked
            """
            frames[table] = con.execute(sql).df()
        for table in TRACE_TABLES:
            frames[table] = con.execute(f"""
                select source_file,
                    case when landing_error is null and json_valid(raw_line)
                        then json_type(raw_line) = 'OBJECT' else false end as is_json_object,
                    case when landing_error is null and json_valid(raw_line)
                        then coalesce(json_type(raw_line, '$.resourceSpans') = 'ARRAY', false) else false end
                        as is_trace_export
                from {LANDING_SCHEMA}.{table}
            """).df()
    finally:
        con.close()
    held = landed.rows if landed else {}
    sizes = {table: len(frame) + int(held.get(table) or 0) for table, frame in frames.items()}
    frames["required_tables"] = pd.DataFrame(
        [{"tables": "|".join(group), "rows": sum(sizes.get(t, 0) for t in group)} for group in required_tables()]
    )
    return frames, quarantined_files, files


# the columns the publishing suite reads of each mart (nothing else is loaded)
PUBLISHED_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpi_scorecard": ("kpi_name", "period_grain", "value"),
    "kpi_by_cohort": ("kpi_name", "value"),
    "fct_tasks": ("model_cost_usd", "human_cost_usd", "total_cost_usd", "human_minutes"),
    "fct_tool_calls": ("duration_ms",),
    "kpi_release_impact": ("p_value",),
    "kpi_backlog_daily": ("open_tasks",),
    "dq_data_quality_flags": ("flagged_share",),
}
RAW_CUSTOMER_IDS = "raw_customer_ids"


def _raw_customer_ids(con: duckdb.DuckDBPyConnection) -> None:
    """A temp table of the customer ids in clear, read in DuckDB from the warehouse's landing
    view of task_events (empty when the warehouse has none)."""
    schema = str(dbt_var("raw_schema"))
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = 'task_events'",
        [schema],
    ).fetchone()[0]  # type: ignore[index]
    if not found:
        con.execute(f"create or replace temp table {RAW_CUSTOMER_IDS} (customer_id varchar)")
        return
    text = (  # nested cases: the JSON functions see only valid JSON (a CASE keeps its order)
        'case when landed_fields is not null then landed_fields."customer_id"'
        " when landing_error is null and json_valid(raw_line) then"
        " case when json_type(raw_line) = 'OBJECT' then json_extract_string(raw_line, '$.customer_id') end end"
    )
    con.execute(f"""
        create or replace temp table {RAW_CUSTOMER_IDS} as
        select distinct nullif(trim({text}), '') as customer_id from {identifier(schema)}.task_events
    """)


def _flagged_strings(con: duckdb.DuckDBPyConnection, marts: list[str]) -> pd.DataFrame:
    """The distinct published text cells that a personal-data pattern, a personal-data key or
    a raw customer id may be in, found in DuckDB; a superset of what the exact rules flag."""
    quoted_key = '"(' + "|".join(re.escape(k) for k in personal_data_keys()) + ')"'
    suspect = " or ".join([
        *(f"regexp_matches(cell, {literal(pattern)})" for pattern in personal_data_patterns().values()),
        f"regexp_matches(cell, {literal(quoted_key)})",
        "contains(cell, '\\u')",  # a key written with JSON escapes (customer\u005fid)
        f"cell in (select customer_id from {RAW_CUSTOMER_IDS})",
    ])  # fmt: skip
    parts = []
    for name in marts:
        text_cols = [
            r[0]
            for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' and table_name = ?"
                " and data_type = 'VARCHAR'",
                [name],
            ).fetchall()
        ]
        for col in text_cols:
            cells = con.execute(f"""
                select cell from (
                    select distinct {identifier(col)}::varchar as cell from marts.{identifier(name)}
                    where {identifier(col)} is not null
                ) as cells where {suspect}
            """).fetchall()
            parts.append(pd.DataFrame({"mart": name, "column_name": col, "cell": [r[0] for r in cells]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["mart", "column_name", "cell"])


def published_frames(warehouse: Path) -> dict[str, pd.DataFrame]:
    """DataFrames of what the marts publish (the columns the suite reads), plus derived frames
    the publishing suite needs."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        marts = [
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        frames = {
            name: con.execute(
                f"select {', '.join(identifier(c) for c in PUBLISHED_COLUMNS[name])} from marts.{identifier(name)}"
            ).df()
            for name in marts
            if name in PUBLISHED_COLUMNS
        }
        counts = {
            # both inputs: the contract's rows and those traces carry
            "stg_tool_calls": con.execute("select count(*) from intermediate.int_tool_calls_unioned").fetchone()[0],  # type: ignore[index]
            "stg_tasks": con.execute(
                "select count(distinct task_id) from intermediate.int_task_events_unioned"
            ).fetchone()[0],  # type: ignore[index]
        }
        _raw_customer_ids(con)
        published = _flagged_strings(con, marts)
        raw_ids = {r[0] for r in con.execute(
            f"select customer_id from {RAW_CUSTOMER_IDS} where customer_id in (select unnest(?))",
            [sorted(set(published["cell"]))],
        ).fetchall()}  # fmt: skip
    finally:
        con.close()
    published["source_file"] = published["mart"] + "." + published["column_name"]
    kinds = published["cell"].map(lambda cell: set(personal_data_found(str(cell))))
    is_key_column = published["column_name"].str.endswith(("_id", "_key"))
    for kind in ("email", "phone", "ssn", "personal_data_key"):
        published[f"has_{kind}"] = kinds.map(lambda found, k=kind: k in found)
    published["has_card"] = ~is_key_column & published["cell"].map(lambda cell: bool(card_numbers(str(cell))))
    published["is_raw_customer_id"] = published["cell"].isin(raw_ids)
    frames["published_strings"] = published
    for mart in ("kpi_scorecard", "kpi_by_cohort"):
        if mart in frames:
            df = frames[mart]
            frames[f"{mart}__rates"] = df[df["kpi_name"].isin(kpi_catalog.shares())].reset_index(drop=True)
    if "kpi_scorecard" in frames:
        sc = frames["kpi_scorecard"]
        frames["kpi_scorecard"] = sc.assign(kpi_and_grain=sc["kpi_name"] + " (" + sc["period_grain"] + ")")
    frames["_counts"] = pd.DataFrame([counts])
    return frames


# ------------------------------------------------------------------------------ suites
def _landing_expectations(table: str) -> list[Any]:
    exps: list[Any] = [
        gxe.ExpectColumnValuesToBeInSet(column="is_json_object", value_set=[True], mostly=LANDING_MOSTLY),
    ]
    if table == "required_tables":
        return [gxe.ExpectColumnValuesToBeBetween(column="rows", min_value=1)]
    if table in TRACE_TABLES:
        return [
            *exps,
            gxe.ExpectColumnValuesToBeInSet(column="is_trace_export", value_set=[True], mostly=LANDING_MOSTLY),
        ]
    for f in TABLES[table]:
        if f.required:
            exps.append(gxe.ExpectColumnValuesToNotBeNull(column=f.name, mostly=LANDING_MOSTLY))
        if f.enum is not None:
            exps.append(gxe.ExpectColumnValuesToBeInSet(column=f.name, value_set=list(f.enum), mostly=LANDING_MOSTLY))
        if f.type == "timestamp":
            exps.append(
                gxe.ExpectColumnValuesToBeInSet(column=f"{f.name}__parseable", value_set=[True], mostly=LANDING_MOSTLY)
            )
            exps.append(
                gxe.ExpectColumnValuesToBeBetween(
                    column=f"{f.name}__seconds_past_tolerance", max_value=0, mostly=LANDING_MOSTLY
                )
            )
    for column, (low, high) in RANGES.get(table, {}).items():
        mostly = NEGATIVE_MINUTES_MOSTLY if column == "minutes" else LANDING_MOSTLY
        exps.append(
            gxe.ExpectColumnValuesToBeBetween(column=f"{column}__number", min_value=low, max_value=high, mostly=mostly)
        )
    return exps


def _publishing_expectations(frames: dict[str, pd.DataFrame]) -> dict[str, list[Any]]:
    counts = frames["_counts"].iloc[0]
    grid = sorted(
        {f"{k} ({g})" for k in kpi_catalog.gridded() for g in ("day", "week", "month", "all")}
        | {f"{k} (day)" for k in kpi_catalog.DAILY_ONLY}
    )
    suites: dict[str, list[Any]] = {
        "kpi_scorecard": [
            gxe.ExpectColumnDistinctValuesToContainSet(column="kpi_and_grain", value_set=grid),
        ],
        "kpi_scorecard__rates": [gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=1)],
        "kpi_by_cohort__rates": [gxe.ExpectColumnValuesToBeBetween(column="value", min_value=0, max_value=1)],
        "fct_tasks": [
            *(
                gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0)
                for c in ("model_cost_usd", "human_cost_usd", "total_cost_usd", "human_minutes")
            ),
            gxe.ExpectTableRowCountToEqual(value=int(counts["stg_tasks"])),
        ],
        "fct_tool_calls": [
            gxe.ExpectColumnValuesToBeBetween(column="duration_ms", min_value=0),
            gxe.ExpectTableRowCountToEqual(value=int(counts["stg_tool_calls"])),
        ],
        "kpi_release_impact": [gxe.ExpectColumnValuesToBeBetween(column="p_value", min_value=0, max_value=1)],
        "kpi_backlog_daily": [gxe.ExpectColumnValuesToBeBetween(column="open_tasks", min_value=0)],
        "dq_data_quality_flags": [gxe.ExpectColumnValuesToBeBetween(column="flagged_share", min_value=0, max_value=1)],
        "published_strings": [
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[False]) for column in PERSONAL_DATA_COLUMNS
        ],
    }
    return {k: v for k, v in suites.items() if k in frames}


def _worst_file(frame: pd.DataFrame, kind: str, kwargs: dict[str, Any]) -> tuple[str, int] | None:
    """The file (or published mart.column) with the most rows failing a column expectation."""
    column = kwargs.get("column")
    if column is None or column not in frame or "source_file" not in frame:
        return None
    values = frame[column]
    if kind == "expect_column_values_to_not_be_null":
        failing = values.isna()
    elif kind == "expect_column_values_to_be_in_set":
        failing = values.notna() & ~values.isin(kwargs.get("value_set") or [])
    elif kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        failing = values.notna() & (
            (values < low if low is not None else False) | (values > high if high is not None else False)
        )
    else:
        return None
    counts = frame.loc[failing, "source_file"].value_counts()
    return (str(counts.index[0]), int(counts.iloc[0])) if len(counts) else None


# ------------------------------------------------------------------------------ running
def _context(project_dir: Path) -> Any:
    context = gx.get_context(mode="file", project_root_dir=str(project_dir))
    with contextlib.suppress(Exception):  # progress bars are cosmetic
        context.variables.progress_bars = {"globally": False}
    return context


def _run(
    context: Any, suite_name: str, frames: dict[str, pd.DataFrame], suites: dict[str, list[Any]]
) -> ValidationReport:
    report = ValidationReport(suite=suite_name)
    started = time.perf_counter()
    source = context.data_sources.add_or_update_pandas(suite_name)
    for table, expectations in suites.items():
        name = f"{suite_name}__{table}"
        try:
            asset = source.get_asset(table)
        except LookupError:
            asset = source.add_dataframe_asset(name=table)
        try:
            batch = asset.get_batch_definition("whole_table")
        except (KeyError, ValueError, LookupError):
            batch = asset.add_batch_definition_whole_dataframe("whole_table")
        suite = context.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))
        definition = context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=name, data=batch, suite=suite)
        )
        result = definition.run(batch_parameters={"dataframe": frames[table]})
        report.tables += 1
        for r in result.results:
            report.expectations += 1
            if not r.success:
                res = r.result or {}
                kwargs = dict(r.expectation_config.kwargs)
                worst = _worst_file(frames[table], r.expectation_config.type, kwargs)
                observed = res.get("observed_value")
                missing = None
                if r.expectation_config.type == "expect_column_distinct_values_to_contain_set":
                    missing = sorted(set(kwargs.get("value_set") or []) - set(observed or []))
                report.failures.append(
                    Failure(
                        suite=suite_name,
                        table=table,
                        expectation=r.expectation_config.type,
                        column=kwargs.get("column"),
                        unexpected_count=res.get("unexpected_count"),
                        element_count=res.get("element_count"),
                        observed=None if missing else observed,
                        worst_file=worst[0] if worst else None,
                        worst_file_rows=worst[1] if worst else None,
                        missing=missing,
                    )
                )
    report.seconds = time.perf_counter() - started
    return report


def _gx_lock(project_dir: Path) -> Any:
    """Runs that share a project share its gx/ folder: one at a time."""
    return file_lock(project_dir / "gx" / "uncommitted" / ".lock")


def validate_landing(project_dir: Path, raw_root: Path, warehouse: Path | None = None) -> ValidationReport:
    """The files under raw_root that `warehouse` has not landed yet (all of them without a
    warehouse). Raises FeedError when the raw root cannot be read as a feed."""
    frames, quarantined_files, files = landing_frames(raw_root, landed_in(warehouse))
    with _gx_lock(project_dir):
        suites = {t: _landing_expectations(t) for t in [*TABLES, *TRACE_TABLES, "required_tables"]}
        report = _run(_context(project_dir), "landing", frames, suites)
    report.quarantined_files, report.files = quarantined_files, files
    return report


def validate_publishing(project_dir: Path, warehouse: Path) -> ValidationReport:
    frames = published_frames(warehouse)
    with _gx_lock(project_dir):
        return _run(_context(project_dir), "publishing", frames, _publishing_expectations(frames))


def write_summary(reports: list[ValidationReport], out_dir: Path, project_dir: Path) -> Path:
    """Builds Data Docs and writes summary.md and summary.json (a stage's latest run replaces its
    previous one, so landing and publishing run separately still share one summary)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        with _gx_lock(project_dir):
            _context(project_dir).build_data_docs()
    except Exception as exc:
        print(f"Data Docs not built: {exc}")
    json_path = out_dir / "summary.json"
    entries = {e["suite"]: e for e in (json.loads(json_path.read_text()) if json_path.exists() else [])}
    for r in reports:
        entries[r.suite] = {
            "suite": r.suite, "success": r.success, "expectations": r.expectations, "tables": r.tables,
            "seconds": round(r.seconds, 2), "failures": [f.__dict__ for f in r.failures],
        }  # fmt: skip
    ordered = [entries[k] for k in ("landing", "publishing") if k in entries]
    json_path.write_text(json.dumps(ordered, default=str, indent=2))
    lines = ["# Validation summary", ""]
    for e in ordered:
        state = "passed" if e["success"] else f"FAILED ({len(e['failures'])} expectations)"
        lines.append(
            f"- {e['suite']}: {state}; {e['expectations']} expectations on {e['tables']} tables in {e['seconds']}s"
        )
        lines += [f"  - {Failure(**f).line()}" for f in e["failures"]]
    docs = project_dir / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    lines += ["", f"Data Docs: {docs}"]
    path = out_dir / "summary.md"
    path.write_text("\n".join(lines) + "\n")
    return path
