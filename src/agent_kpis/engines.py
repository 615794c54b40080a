"""The same marts from two engines, compared row by row (README: "Running on Spark /
Databricks, PostgreSQL"; docs/decisions.md, "Other engines").

Counts, keys, texts, dates and times must be equal; floating-point and decimal values equal
within a tolerance (1e-9, relative or absolute), because engines add doubles in different
orders. Columns stamped by the run (load times, run ids) are left out.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent_kpis.settings import PROJECT_DIR

COMPARED_MARTS = ("fct_tasks", "fct_tool_calls", "kpi_scorecard", "kpi_by_cohort")
RUN_STAMPED = frozenset({"loaded_at", "last_loaded_at", "published_at", "run_id", "built_at", "checked_at"})
TOLERANCE = 1e-9

Rows = tuple[list[str], list[tuple[Any, ...]]]
Reader = Callable[[str], Rows]


def _normal(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _is_number(value: Any) -> bool:
    return isinstance(value, float)


def _sort_key(row: Sequence[Any]) -> tuple[tuple[int, str], ...]:
    """Exact values first, rounded numbers after: rows whose exact values are equal still pair up."""
    exact = [(0, "") if v is None else (1, repr(v)) for v in row if not _is_number(v)]
    numbers = [(0, "") if v is None else (1, f"{v:.6e}") for v in row if _is_number(v)]
    return tuple(exact + numbers)


def _same(left: Any, right: Any) -> bool:
    if left is None or right is None or isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, float) or isinstance(right, float):
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        return numbers and math.isclose(left, right, rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    return bool(left == right)


def table_differences(name: str, left: Rows, right: Rows, limit: int = 5) -> list[str]:
    """What differs between two reads of one table (empty when they are equal)."""
    left_columns, left_rows = left
    right_columns, right_rows = right
    if left_columns != right_columns:
        return [f"{name}: columns differ: {left_columns} vs {right_columns}"]
    if len(left_rows) != len(right_rows):
        return [f"{name}: {len(left_rows)} rows vs {len(right_rows)}"]
    out: list[str] = []
    pairs = zip(sorted(left_rows, key=_sort_key), sorted(right_rows, key=_sort_key), strict=True)
    for left_row, right_row in pairs:
        for column, a, b in zip(left_columns, left_row, right_row, strict=True):
            if not _same(a, b):
                out.append(f"{name}.{column}: {a!r} vs {b!r} (row {dict(zip(left_columns, left_row, strict=True))})")
                if len(out) >= limit:
                    return out
    return out


def read_rows(columns: Iterable[str], rows: Iterable[Sequence[Any]]) -> Rows:
    """Rows as read by a DB-API cursor, without run-stamped columns, decimals as floats."""
    names = list(columns)
    keep = [i for i, n in enumerate(names) if n not in RUN_STAMPED]
    return [names[i] for i in keep], [tuple(_normal(row[i]) for i in keep) for row in rows]


def differences(readers: dict[str, Reader], marts: Sequence[str] = COMPARED_MARTS) -> dict[str, list[str]]:
    """Each engine's marts against the first engine's: {engine: differences}."""
    (_, base), *others = readers.items()
    baseline = {mart: base(mart) for mart in marts}
    return {
        engine: [d for mart in marts for d in table_differences(f"{engine}:{mart}", baseline[mart], read(mart))]
        for engine, read in others
    }


# --- building the project on an engine -------------------------------------------------------

DBT = str(Path(sys.executable).with_name("dbt"))


@dataclass(frozen=True)
class BuildResult:
    engine: str
    models: int  # models built
    tests_passed: int  # data tests and unit tests that passed
    warnings: list[str]  # tests that warned (severity warn): compared between engines
    failures: list[str]  # nodes that failed, errored or were skipped
    seconds: float  # dbt's own elapsed time


def summarize(engine: str, run_results: Path) -> BuildResult:
    data = json.loads(run_results.read_text())
    results = data["results"]
    return BuildResult(
        engine=engine,
        models=sum(1 for r in results if r["unique_id"].startswith("model.") and r["status"] == "success"),
        tests_passed=sum(
            1 for r in results if r["unique_id"].split(".")[0] in ("test", "unit_test") and r["status"] == "pass"
        ),
        warnings=sorted(r["unique_id"] for r in results if r["status"] == "warn"),
        failures=[
            f"{r['unique_id']}: {r['status']}"
            for r in results
            if r["status"] not in ("success", "pass", "no-op", "warn")
        ],
        seconds=float(data["elapsed_time"]),
    )


def run_dbt(args: list[str], env: dict[str, str], workdir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DBT, *args, "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")],
        cwd=PROJECT_DIR,
        env={**os.environ, "DBT_PROFILES_DIR": str(PROJECT_DIR), "DO_NOT_TRACK": "1", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def dbt_build(engine: str, env: dict[str, str], workdir: Path, full_refresh: bool = False) -> BuildResult:
    """`dbt build` (every model, seed and test) on the profile's target named `engine`."""
    results = workdir / "target" / "run_results.json"
    results.unlink(missing_ok=True)
    proc = run_dbt(["build", "--target", engine, *(["--full-refresh"] if full_refresh else [])], env, workdir)
    if not results.exists():
        raise RuntimeError(f"dbt build on {engine} did not run:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return summarize(engine, results)


def duckdb_env(raw_root: Path, warehouse: Path, pii_salt: str) -> dict[str, str]:
    return {
        "AGENT_KPIS_RAW_ROOT": str(raw_root),
        "AGENT_KPIS_DUCKDB": str(warehouse),
        "AGENT_KPIS_TEMP_DIR": str(warehouse.parent / "tmp"),
        "DBT_ENV_SECRET_AGENT_KPIS_PII_SALT": pii_salt,
    }


def postgres_env(server: dict[str, str], pii_salt: str) -> dict[str, str]:
    """libpq's variables of a server, plus the PII salt as a setting of every connection."""
    escaped = pii_salt.replace("\\", "\\\\").replace(" ", "\\ ")
    return {**server, "PGOPTIONS": f"-c agent_kpis.pii_salt={escaped}"}


def duckdb_reader(warehouse: Path, schema: str = "marts") -> Reader:
    import duckdb

    def read(table: str) -> Rows:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            cur = con.execute(f'select * from "{schema}"."{table}"')
            return read_rows([d[0] for d in cur.description], cur.fetchall())

    return read


def postgres_reader(env: dict[str, str], schema: str = "marts") -> Reader:
    import psycopg
    from psycopg import sql

    def read(table: str) -> Rows:
        # each setting as its own argument: none is pasted into a connection string
        with psycopg.connect(**{key: env[name] for key, name in _LIBPQ.items() if name in env}) as con:
            cur = con.execute(sql.SQL("select * from {}.{}").format(sql.Identifier(schema), sql.Identifier(table)))
            return read_rows([d.name for d in cur.description or []], cur.fetchall())

    return read


_LIBPQ = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "dbname": "PGDATABASE"}


def spark_env(raw_root: Path, spark_dir: Path, pii_salt: str) -> dict[str, str]:
    return {
        "AGENT_KPIS_RAW_ROOT": str(raw_root),
        "AGENT_KPIS_SPARK_DIR": str(spark_dir),
        "DBT_ENV_SECRET_AGENT_KPIS_PII_SALT": pii_salt,
    }


def spark_reader(env: dict[str, str], workdir: Path, marts: Sequence[str] = COMPARED_MARTS) -> Reader:
    """Exports the marts to Parquet through the dbt target (one Spark session, the profile's
    own settings), then reads the files with DuckDB."""
    import duckdb

    folder = workdir / "export"
    args = json.dumps({"tables": list(marts), "folder": str(folder)})
    proc = run_dbt(["run-operation", "export_parquet", "--args", args, "--target", "spark"], env, workdir)
    if proc.returncode != 0:
        raise RuntimeError(f"export from Spark failed:\n{proc.stdout[-3000:]}")

    def read(table: str) -> Rows:
        with duckdb.connect() as con:
            cur = con.execute("select * from read_parquet(?)", [str(folder / table / "*.parquet")])
            return read_rows([d[0] for d in cur.description], cur.fetchall())

    return read
