"""The executive scorecard printed at the end of `make demo` (filled in once KPI marts exist)."""

from __future__ import annotations

import duckdb


def print_scorecard(con: duckdb.DuckDBPyConnection) -> None:
    exists = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' and table_name = 'kpi_scorecard'"
    ).fetchone()
    if not exists or not exists[0]:
        print("\n(no kpi_scorecard yet)")
        return
