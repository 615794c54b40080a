"""Row count and an order-independent hash of every published table of a warehouse.

Used to show that a refactoring leaves every figure unchanged: run it on the warehouse built
before and after, and compare. Columns stamped by the run (load and publish times, run ids)
are left out; doubles are rounded to 9 decimals so that a different summation order in a
parallel aggregate does not count as a change.

    python scripts/mart_fingerprint.py data/agent_kpis.duckdb [schema ...]
"""

from __future__ import annotations

import sys

import duckdb

from agent_kpis.engines import RUN_STAMPED


def fingerprint(path: str, schemas: list[str]) -> dict[str, tuple[int, int]]:
    con = duckdb.connect(path, read_only=True)
    out: dict[str, tuple[int, int]] = {}
    tables = con.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema in (select unnest(?)) order by 1, 2",
        [schemas],
    ).fetchall()
    for schema, table in tables:
        cols = con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, table],
        ).fetchall()
        parts = []
        for name, dtype in cols:
            if name in RUN_STAMPED:
                continue
            quoted = '"' + name.replace('"', '""') + '"'
            parts.append(f"round({quoted}, 9)" if dtype in ("DOUBLE", "FLOAT") else quoted)
        relation = '"' + schema.replace('"', '""') + '"."' + table.replace('"', '""') + '"'
        row = con.execute(
            f"select count(*), coalesce(sum(hash(row({', '.join(parts)}))), 0) from {relation}"
        ).fetchone()
        assert row is not None
        out[f"{schema}.{table}"] = (int(row[0]), int(row[1]))
    return out


def main() -> int:
    path, schemas = sys.argv[1], sys.argv[2:] or ["marts"]
    for name, (rows, digest) in fingerprint(path, schemas).items():
        print(f"{name:<45} {rows:>9} {digest:>24}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
