"""Landing on PostgreSQL: `agent-kpis load` copies new raw files into landing tables.

DuckDB reads the raw files itself (the landing hook); PostgreSQL cannot, so a loader owns
its landing schema (docs/decisions.md, "Landing on PostgreSQL"). Each raw table gets a table
of lines (source_file, line_number, raw_line, landing_error, _emitted_at), and landed_files
records every file found with how it was read, exactly as the DuckDB landing decides it
(files.py and probe.py: the same listing, probing and per-line rules). A file is loaded
once: its lines and its landed_files row are written in one transaction, and a later run
skips every file already recorded, so a rerun or a crash in the middle loads nothing twice.
Lines go through COPY; every name reaches SQL as a quoted identifier, every value as data.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
from psycopg import sql

from agent_kpis.landing.files import RawFile, list_raw_files
from agent_kpis.landing.probe import Probe, iter_salvaged_lines, probe_file

LINE_COLUMNS = ("source_file", "line_number", "raw_line", "landing_error", "_emitted_at")
FILE_COLUMNS = (
    "source_file",
    "raw_table",
    "file_bytes",
    "file_format",
    "read_method",
    "reject_reason",
    "reject_detail",
    "read_note",
    "first_seen_at",
    "lines_loaded",
)


@dataclass(frozen=True)
class LoadResult:
    files_loaded: int
    lines_loaded: int
    files_skipped: int  # recorded by an earlier run


def _emitted_at(text: str) -> datetime | None:
    """The line's _emitted_at when it is an ISO timestamp with an offset; None otherwise."""
    try:
        value = json.loads(text).get("_emitted_at")
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else None
    except (ValueError, AttributeError, TypeError):
        return None
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def _parquet_lines(path: str) -> Iterator[tuple[int, str, str | None]]:
    """A Parquet file's rows as JSON text, in the landing's line shape."""
    number = 0
    for batch in pq.ParquetFile(path).iter_batches():
        for row in batch.to_pylist():
            number += 1
            yield number, json.dumps(row, default=_json_value, ensure_ascii=False), None


def _json_value(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _lines(raw: RawFile, max_line_bytes: int) -> Iterator[tuple[int, str, str | None]]:
    if raw.file_format == "parquet":
        return _parquet_lines(raw.path)
    return iter_salvaged_lines(raw.path, str(raw.file_format), max_line_bytes)


def ensure_schema(con: psycopg.Connection, schema: str, tables: Sequence[str]) -> None:
    ident = sql.Identifier(schema)
    with con.transaction():
        con.execute(sql.SQL("create schema if not exists {}").format(ident))
        con.execute(
            sql.SQL(
                "create table if not exists {}.landed_files (source_file text primary key, raw_table text,"
                " file_bytes bigint, file_format text, read_method text, reject_reason text, reject_detail text,"
                " read_note text, first_seen_at timestamptz, lines_loaded bigint)"
            ).format(ident)
        )
        for table in tables:
            con.execute(
                sql.SQL(
                    "create table if not exists {}.{} (source_file text not null, line_number bigint not null,"
                    " raw_line text, landing_error text, _emitted_at timestamptz)"
                ).format(ident, sql.Identifier(table))
            )


def _recorded(con: psycopg.Connection, schema: str) -> set[str]:
    rows = con.execute(sql.SQL("select source_file from {}.landed_files").format(sql.Identifier(schema)))
    return {row[0] for row in rows}


def _load_file(con: psycopg.Connection, schema: str, raw: RawFile, max_line_bytes: int) -> int:
    """One file, in one transaction: its lines (when read) and its landed_files row. A file
    that fails while it is read (removed, or a Parquet file DuckDB's probe took and pyarrow
    cannot decode) is rolled back and recorded as unreadable, with the error."""
    try:
        probe = probe_file(raw.path, raw.file_format, max_line_bytes) if raw.file_format else None
        return _copy_file(con, schema, raw, probe, max_line_bytes)
    except (OSError, pa.ArrowException) as exc:
        failed = Probe("none", "unreadable_file", f"{type(exc).__name__}: {exc}"[:500])
        return _copy_file(con, schema, raw, failed, max_line_bytes)


def _copy_file(con: psycopg.Connection, schema: str, raw: RawFile, probe: Probe | None, max_line_bytes: int) -> int:
    read = probe is not None and probe.read_method in ("native", "salvage")
    lines = 0
    with con.transaction():
        if read:
            target = sql.SQL("copy {}.{} ({}) from stdin").format(
                sql.Identifier(schema),
                sql.Identifier(raw.raw_table),
                sql.SQL(", ").join(map(sql.Identifier, LINE_COLUMNS)),
            )
            with con.cursor().copy(target) as copy:
                for number, text, error in _lines(raw, max_line_bytes):
                    copy.write_row((raw.path, number, text, error, None if error else _emitted_at(text)))
                    lines += 1
        con.execute(
            sql.SQL("insert into {}.landed_files ({}) values ({}, now(), %s)").format(
                sql.Identifier(schema),
                sql.SQL(", ").join(map(sql.Identifier, FILE_COLUMNS)),
                sql.SQL(", ").join(sql.Placeholder() * 8),
            ),
            (
                raw.path,
                raw.raw_table,
                raw.file_bytes,
                raw.file_format,
                probe.read_method if probe else "none",
                probe.reject_reason if probe else raw.reject_reason,
                probe.reject_detail if probe else raw.reject_detail,
                probe.read_note if probe else None,
                lines,
            ),
        )
    return lines


PASSWORD_ENV = "DBT_ENV_SECRET_PGPASSWORD"


def connection_kwargs() -> dict[str, str]:
    """The connection as dbt's postgres target makes it (profiles.yml): libpq reads PGHOST,
    PGPORT, PGUSER, PGDATABASE and PGOPTIONS itself; the password comes from the variable
    whose value dbt scrubs from its logs."""
    password = os.environ.get(PASSWORD_ENV)
    return {"password": password} if password else {}


def load(
    connection: dict[str, str],
    raw_root: Path | str,
    tables: Iterable[str],
    schema: str = "raw",
    max_line_bytes: int = 1_000_000,
) -> LoadResult:
    """Copies every file under raw_root that no earlier run recorded; see the module doc."""
    tables = list(tables)
    files = list_raw_files(raw_root, tables)
    loaded = lines = skipped = 0
    with psycopg.connect(autocommit=True, **connection) as con:
        ensure_schema(con, schema, tables)
        recorded = _recorded(con, schema)
        for raw in files:
            if raw.path in recorded:
                skipped += 1
                continue
            lines += _load_file(con, schema, raw, max_line_bytes)
            loaded += 1
    return LoadResult(loaded, lines, skipped)
