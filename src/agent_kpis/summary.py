"""Prints what a build produced: rows per table, quarantine, and the scorecard when it exists."""

from __future__ import annotations

from pathlib import Path

import duckdb

from agent_kpis.scorecard import print_scorecard, table_exists


def _print_rows(title: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    print(f"\n{title}")
    cells = [[("" if v is None else f"{v:,.4g}" if isinstance(v, float) else str(v)) for v in r] for r in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) if cells else len(c) for i, c in enumerate(columns)]
    print("  " + "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
    for r in cells:
        print("  " + "  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))


def print_summary(path: Path) -> int:
    if not path.exists():
        print(f"no warehouse at {path}: run `make demo` first")
        return 1
    con = duckdb.connect(str(path), read_only=True)
    try:
        if table_exists(con, "dq_ingestion_summary"):
            rows = con.execute(
                "select raw_table, files_seen, files_quarantined, rows_read, rows_staged, duplicates_removed,"
                " rows_rejected, is_reconciled from marts.dq_ingestion_summary order by raw_table"
            ).fetchall()
            _print_rows(
                "Ingestion (files seen = read + quarantined; rows read = staged + duplicates removed + rejected)",
                ["table", "files", "not read", "rows read", "staged", "duplicates", "rejected", "reconciled"],
                rows,
            )
        if table_exists(con, "dq_quarantined_files"):
            rows = con.execute(
                "select raw_table, reject_reason, count(*) from marts.dq_quarantined_files group by all order by 1, 2"
            ).fetchall()
            if rows:
                _print_rows("Files not read, or read in part, by reason", ["table", "reason", "files"], rows)
        if table_exists(con, "dq_quarantined_rows"):
            rows = con.execute(
                "select raw_table, reject_reason, count(*) from marts.dq_quarantined_rows group by all order by 1, 2"
            ).fetchall()
            _print_rows("Quarantined rows by reason", ["table", "reason", "rows"], rows)
        tables = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables"
            " where table_schema = 'marts' order by 1"
        ).fetchall()
        counts = [(t, con.execute(f"select count(*) from {t}").fetchone()[0]) for (t,) in tables]  # type: ignore[index]
        _print_rows("Marts built", ["table", "rows"], counts)

        print_scorecard(con)
    finally:
        con.close()
    return 0
