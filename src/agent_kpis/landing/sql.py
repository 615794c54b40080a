"""Quoting, and the landing SELECT of one raw table.

A contract table's landing relation carries `landed_fields`, a struct with one text value
per contract field, and `landed_values`, the typed values of the timestamp, integer,
decimal and boolean fields whose Parquet column has a type the parser can take as it is;
both are read straight from a Parquet file's columns (null for JSON lines, which the base
models decode). A Parquet row is never rendered to JSON and parsed back to find its fields
(docs/decisions.md, "Typed landing").

Every string from the file system reaches SQL through `literal` (quotes doubled) and every
path given to a DuckDB reader through `path_literal` as well, which also escapes DuckDB's glob
characters (`[`, `*`, `?` become one-character classes), so a file named `m[1].jsonl` is read
as itself and never as `m1.jsonl`. Readers get exact file lists, never globs built from paths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    columns: Mapping[str, str] | None = None  # a Parquet file's column types, by exact name


# Parquet column types whose values the parser takes as they are, by contract type: each
# value equals what parsing the column's text gives (the guard sends anything else, e.g. a
# year outside 1000-9999, down the text route). VALUE_TYPES: the SQL type of each.
TYPED_READS: dict[str, dict[str, str]] = {
    "timestamp": {
        "TIMESTAMP WITH TIME ZONE": "case when {c} between timestamptz '1000-01-02 00:00:00+00'"
        " and timestamptz '9999-12-30 00:00:00+00' then timezone('UTC', {c}) end",
        "TIMESTAMP": "case when {c} between timestamp '1000-01-02' and timestamp '9999-12-30' then {c} end",
    },
    "integer": {"BIGINT": "{c}", "INTEGER": "cast({c} as bigint)", "SMALLINT": "cast({c} as bigint)"},
    "decimal": {"DOUBLE": "{c}"},
    "boolean": {"BOOLEAN": "{c}"},
}
VALUE_TYPES = {"timestamp": "timestamp", "integer": "bigint", "decimal": "double", "boolean": "boolean"}


@dataclass(frozen=True)
class ContractField:
    """A contract field as the landing reads it: its name and contract type."""

    name: str
    type: str


def _typed(fields: Sequence[ContractField]) -> list[ContractField]:
    return [f for f in fields if f.type in VALUE_TYPES]


def no_fields(fields: Sequence[ContractField] | None) -> str:
    """landed_fields and landed_values, both null: the row is decoded from raw_line."""
    if fields is None:
        return ""
    text = ", ".join(f"{identifier(f.name)} varchar" for f in fields)
    values = ", ".join(f"{identifier(f.name)} {VALUE_TYPES[f.type]}" for f in _typed(fields))
    return f", cast(null as struct({text})) as landed_fields, cast(null as struct({values})) as landed_values"


def field_text(name: str, column_type: str | None) -> str:
    """The text of one contract field of a Parquet row, as the JSON decoding of the row would
    give it: a VARCHAR column as it is; any other type through its JSON form (numbers and
    booleans as JSON writes them, lists and structs as JSON text); a missing column null.
    Columns match by exact name, as JSON keys do (DuckDB binds names case-insensitively)."""
    if column_type is None:
        return "cast(null as varchar)"
    column = f"landed.{identifier(name)}"
    if column_type == "VARCHAR":
        return column
    return f"""json_transform(to_json({column}), '"VARCHAR"')"""


def field_value(field: ContractField, column_type: str | None) -> str:
    """The typed value of one contract field, when the column's type can be taken as it is."""
    read = TYPED_READS[field.type].get(column_type or "")
    if read is None:
        return f"cast(null as {VALUE_TYPES[field.type]})"
    return read.format(c=f"landed.{identifier(field.name)}")


def parquet_select(
    path: str, fields: Sequence[ContractField] | None = None, columns: Mapping[str, str] | None = None
) -> str:
    """One Parquet file as (source_file, raw_line, landing_error[, landed_fields, landed_values]).
    Given the table's contract fields and the file's column types, landed_fields holds each
    field's text, landed_values the typed value of those whose column type can be taken as
    it is (TYPED_READS), and raw_line is null (a rejected row shows its landed_fields).
    Otherwise raw_line is the row rendered as JSON, decoded like a JSON line. One SELECT per
    file, so files with different column types never have to be unified and a column named
    like an option (`filename`) is just another field."""
    raw_line, typed = "to_json(landed)::varchar", no_fields(fields)
    if fields is not None and columns is not None:  # without the column types: decoded from raw_line
        text = ", ".join(f"{identifier(f.name)} := {field_text(f.name, columns.get(f.name))}" for f in fields)
        values = ", ".join(f"{identifier(f.name)} := {field_value(f, columns.get(f.name))}" for f in _typed(fields))
        raw_line = "cast(null as varchar)"
        typed = f", struct_pack({text}) as landed_fields, struct_pack({values}) as landed_values"
    return (
        f"select {literal(path)} as source_file, {raw_line} as raw_line,"
        f" cast(null as varchar) as landing_error{typed} from read_parquet({path_literal(path)}) as landed"
    )


def json_lines_select(
    paths: Sequence[str], compression: str, max_line_bytes: int, fields: Sequence[ContractField] | None = None
) -> str:
    """JSON-lines files read as text lines with DuckDB's CSV reader (a delimiter that never
    occurs in files the probe passed), so a line that is not JSON still arrives."""
    files = ", ".join(path_literal(p) for p in paths)
    return (
        f"select filename as source_file, raw_line, cast(null as varchar) as landing_error{no_fields(fields)}"
        f" from read_csv([{files}], columns = {{'raw_line': 'VARCHAR'}}, header = false,"
        " delim = '\\x01', quote = '', escape = '', auto_detect = false, strict_mode = false,"
        f" max_line_size = {int(max_line_bytes) + 2}, compression = {literal(compression)}, filename = true)"
    )


def salvaged_select(salvage_relation: str, raw_table: str, fields: Sequence[ContractField] | None = None) -> str:
    return (
        f"select source_file, raw_line, landing_error{no_fields(fields)} from {salvage_relation}"
        f" where raw_table = {literal(raw_table)}"
    )


def empty_select(fields: Sequence[ContractField] | None = None) -> str:
    return (
        "select cast(null as varchar) as source_file, cast(null as varchar) as raw_line,"
        f" cast(null as varchar) as landing_error{no_fields(fields)} where false"
    )


def landing_select(
    raw_table: str,
    files: Sequence[LandedFile],
    salvage_relation: str,
    max_line_bytes: int = MAX_LINE_BYTES_DEFAULT,
    future_tolerance_hours: int = 24,
    fields: Sequence[ContractField] | None = None,
) -> str:
    """The landing relation of one table: source_file, raw_line, landing_error (why the line
    could not be read as text, e.g. invalid_utf8; null for almost every line), landed_fields
    and landed_values (contract tables only: `fields` given) and _emitted_at (for source freshness; a value
    further ahead than the tolerance is ignored)."""
    parts = []
    for fmt, compression in (("jsonl", "none"), ("jsonl.gz", "gzip")):
        paths = sorted(f.path for f in files if f.read_method == "native" and f.file_format == fmt)
        if paths:
            parts.append(json_lines_select(paths, compression, max_line_bytes, fields))
    parts += [parquet_select(f.path, fields, f.columns) for f in sorted(files, key=lambda f: f.path)
              if f.read_method == "native" and f.file_format == "parquet"]  # fmt: skip
    if any(f.read_method == "salvage" for f in files):
        parts.append(salvaged_select(salvage_relation, raw_table, fields))
    lines = "\nunion all\n".join(parts) if parts else empty_select(fields)
    emitted = "try_cast(json_extract_string(raw_line, '$._emitted_at') as timestamptz)"
    typed = ""
    if fields is not None:
        emitted = (
            'case when landed_fields is not null then try_cast(landed_fields."_emitted_at" as timestamptz)'
            f" when json_valid(raw_line) then {emitted} end"
        )
        typed = " landed_fields, landed_values,"
    else:
        emitted = f"case when json_valid(raw_line) then {emitted} end"
    return (
        f"select source_file, raw_line, landing_error,{typed}"
        f" case when {emitted} <= current_timestamp + to_hours({int(future_tolerance_hours)})"
        f" then {emitted} end as _emitted_at\nfrom (\n{lines}\n) as landed_lines"
    )
