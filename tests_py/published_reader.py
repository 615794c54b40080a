"""A BI tool in a loop: reads the published marts until told to stop, prints what it saw as JSON.

Run as its own process (DuckDB locks are per process): `python published_reader.py <publish_dir> <stop_file>`.
Each read opens a read-only connection, as a dashboard query does, and checks that every table
has the row count its snapshot recorded; the Parquet side does the same through `current`.
With `--warehouse <file>` it reads that file instead (the naive setup: the warehouse dbt writes).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import duckdb


def read_duckdb(path: Path) -> tuple[str, bool]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        (run_id,) = con.execute("select run_id from publication.snapshot").fetchone() or ("",)
        expected = dict(con.execute("select table_name, row_count from publication.table_row_counts").fetchall())
        actual = {t: con.execute(f'select count(*) from marts."{t}"').fetchone()[0] for t in expected}  # type: ignore[index]
        return str(run_id), bool(expected) and actual == expected
    finally:
        con.close()


def read_parquet(root: Path) -> tuple[str, bool]:
    snapshot = root / os.readlink(root / "current")  # resolve once: one snapshot per read
    manifest = json.loads((snapshot / "_publication.json").read_text())
    con = duckdb.connect()
    try:
        actual = {
            t: con.execute("select count(*) from read_parquet(?)", [str(snapshot / f"{t}.parquet")]).fetchone()[0]  # type: ignore[index]
            for t in manifest["row_counts"]
        }
    finally:
        con.close()
    return str(manifest["run_id"]), actual == manifest["row_counts"]


def read_warehouse(path: Path) -> tuple[str, bool]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("select count(*) from marts.kpi_scorecard").fetchone()
        return "warehouse", True
    finally:
        con.close()


def main() -> int:
    target, stop = Path(sys.argv[1]), Path(sys.argv[2])
    naive = len(sys.argv) > 3 and sys.argv[3] == "--warehouse"
    seen: dict[str, int] = {}
    errors: list[str] = []  # distinct messages
    inconsistent = reads = 0
    while not stop.exists():
        readers = [lambda: read_warehouse(target)] if naive else [lambda: read_duckdb(target / "agent_kpis.duckdb"),
                                                  lambda: read_parquet(target / "parquet")]  # fmt: skip
        for reader in readers:
            reads += 1
            try:
                run_id, consistent = reader()
            except Exception as exc:  # every failure a BI tool would show is the finding
                message = f"{type(exc).__name__}: {str(exc)[:200]}"
                if message not in errors:
                    errors.append(message)
                continue
            seen[run_id] = seen.get(run_id, 0) + 1
            inconsistent += not consistent
        time.sleep(0.02)
    print(json.dumps({"reads": reads, "errors": errors, "inconsistent": inconsistent, "snapshots": seen}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
