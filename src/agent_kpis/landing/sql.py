"""Quoting, and the landing SELECT of one raw table.

Every string from the file system reaches SQL through `literal` (quotes doubled) and every
path given to a DuckDB reader through `path_literal` as well, which also escapes DuckDB's glob
characters (`[`, `*`, `?` become one-character classes), so a file named `m[1].jsonl` is read
as itself and never as `m1.jsonl`. Readers get exact file lists, never globs built from paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_LINE_BYTES_DEFAULT = 16 * 1024 * 1024
GLOB_CHARACTERS = "[*?"


def literal(text: str) -> str:
    """A SQL string literal holding exactly `text`."""
    return "'" + text.replace("'", "''") + "'"


def glob_escape(path: str) -> str:
    """The path as a DuckDB glob that matches only itself."""
    return "".join(f"[{c}]" if c in GLOB_CHARACTERS else c for c in path)


def path_literal(path: str) -> str:
    """A SQL literal for a DuckDB reader that matches exactly this one file."""
    return literal(glob_escape(path))


def identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class LandedFile:
    """A present file of one raw table and how it is read (see probe.py)."""

    path: str
    file_format: str  # jsonl | jsonl.gz | parquet
    read_method: str  # native | salvage | empty | none


def parquet_select(path: str) -> str:
    """One Parquet file as (source_file, raw_line, landing_error): each row rendered as JSON.
    One SELECT per file, so files with different column types never have to be unified and a
    column named like an option (`filename`) is just another field."""
    return (
        f"select {literal(path)} as source_file, to_json(landed)::varchar as raw_line,"
        f" cast(null as varchar) as landing_error from read_parquet({path_literal(path)}) as landed"
    )


def json_lines_select(paths: Sequence[str], compression: str, max_line_bytes: int) -> str:
    """JSON-lines files read as text lines with DuckDB's CSV reader (a delimiter that never
    occurs in files the probe passed), so a line that is not JSON still arrives."""
    files = ", ".join(path_literal(p) for p in paths)
    return (
        "select filename as source_file, raw_line, cast(null as varchar) as landing_error"
        f" from read_csv([{files}], columns = {{'raw_line': 'VARCHAR'}}, header = false,"
        " delim = '\\x01', quote = '', escape = '', auto_detect = false, strict_mode = false,"
        f" max_line_size = {int(max_line_bytes) + 2}, compression = {literal(compression)}, filename = true)"
    )


def salvaged_select(salvage_relation: str, raw_table: str) -> str:
    return f"select source_file, raw_line, landing_error from {salvage_relation} where raw_table = {literal(raw_table)}"


EMPTY_SELECT = (
    "select cast(null as varchar) as source_file, cast(null as varchar) as raw_line,"
    " cast(null as varchar) as landing_error where false"
)


def landing_select(
    raw_table: str,
    files: Sequence[LandedFile],
    salvage_relation: str,
    max_line_bytes: int = MAX_LINE_BYTES_DEFAULT,
    future_tolerance_hours: int = 24,
) -> str:
    """The landing relation of one table: source_file, raw_line, landing_error (why the line
    could not be read as text, e.g. invalid_utf8; null for almost every line) and _emitted_at
    (for source freshness; a value further ahead than the tolerance is ignored)."""
    parts = []
    for fmt, compression in (("jsonl", "none"), ("jsonl.gz", "gzip")):
        paths = sorted(f.path for f in files if f.read_method == "native" and f.file_format == fmt)
        if paths:
            parts.append(json_lines_select(paths, compression, max_line_bytes))
    parts += [parquet_select(f.path) for f in sorted(files, key=lambda f: f.path) if f.read_method == "native"
              and f.file_format == "parquet"]  # fmt: skip
    if any(f.read_method == "salvage" for f in files):
        parts.append(salvaged_select(salvage_relation, raw_table))
    lines = "\nunion all\n".join(parts) if parts else EMPTY_SELECT
    emitted = "try_cast(json_extract_string(raw_line, '$._emitted_at') as timestamptz)"
    return (
        "select source_file, raw_line, landing_error,"
        f" case when json_valid(raw_line) and {emitted} <= current_timestamp + to_hours({int(future_tolerance_hours)})"
        f" then {emitted} end as _emitted_at\nfrom (\n{lines}\n) as landed_lines"
    )
