"""Listing a raw root: every file is either read (and how) or not read (and why).

Read, extensions case-insensitive: ``.jsonl``, ``.ndjson`` and ``.json`` as JSON lines, each
optionally gzipped (``.gz``), and ``.parquet``. Files in sub-folders of a table folder
(``task_events/date=2026-03-01/part-0.parquet``) belong to that table. Everything else found
under the root is listed with the reason it is not read, never skipped in silence: other
extensions, hidden or marker files (``.name``, ``_SUCCESS``), files in a folder that is not
a raw table, files directly in the root, and names that are not valid UTF-8.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

JSON_LINES_EXTENSIONS = (".jsonl", ".ndjson", ".json")
READ_EXTENSIONS_TEXT = ".jsonl, .ndjson, .json (each optionally .gz) and .parquet"


@dataclass(frozen=True)
class RawFile:
    """One file found under the raw root."""

    raw_table: str  # the table folder, or the unknown folder's name, or "(root)"
    path: str  # absolute path, as DuckDB reports it in `filename`
    file_bytes: int
    file_format: str | None  # "jsonl", "jsonl.gz", "parquet"; None when the file is not read
    reject_reason: str | None = None
    reject_detail: str | None = None


def file_format(name: str) -> str | None:
    """The format a file name is read as, or None; extensions are case-insensitive."""
    lower = name.lower()
    if lower.endswith(".parquet"):
        return "parquet"
    compressed = lower.endswith(".gz")
    stem = lower[:-3] if compressed else lower
    if stem.endswith(JSON_LINES_EXTENSIONS):
        return "jsonl.gz" if compressed else "jsonl"
    return None


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "_"))


def _name_problem(path: str) -> str | None:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "the file name is not valid UTF-8"
    return None


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _classify(raw_table: str, path: str, known_table: bool) -> RawFile:
    name = os.path.basename(path)
    size = _size(path)
    shown = os.fsencode(path).decode("utf-8", "backslashreplace")
    problem = _name_problem(path)
    if problem:
        return RawFile(raw_table, shown, size, None, "unreadable_file_name", problem)
    if not known_table:
        reason = "outside_table_folder" if raw_table == "(root)" else "unknown_table_folder"
        where = "directly in the raw root" if raw_table == "(root)" else f"in '{raw_table}/' (not a raw table)"
        return RawFile(raw_table, path, size, None, reason, f"a file {where} is not read")
    if _is_hidden(name):
        return RawFile(raw_table, path, size, None, "hidden_file", "hidden or marker file (name starts with . or _)")
    fmt = file_format(name)
    if fmt is None:
        ext = os.path.splitext(name)[1] or "(no extension)"
        detail = f"'{ext}' is not read; read: {READ_EXTENSIONS_TEXT}"
        return RawFile(raw_table, path, size, None, "unsupported_file_type", detail)
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        return RawFile(raw_table, path, size, None, "unreadable_file", "not a readable regular file")
    return RawFile(raw_table, path, size, fmt)


def _walk(folder: str) -> Iterator[str]:
    """Every file below folder (symbolic links followed once, cycles cut)."""
    seen: set[str] = set()
    for current, dirs, names in os.walk(folder, followlinks=True):
        real = os.path.realpath(current)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs.sort()
        for name in sorted(names):
            yield os.path.join(current, name)


def list_raw_files(root: Path | str, tables: Iterable[str]) -> list[RawFile]:
    """Every file under the raw root, classified; table folders first, in name order."""
    base = os.path.abspath(os.fspath(root))
    table_names = set(tables)
    files: list[RawFile] = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        if entry.is_dir():
            known = entry.name in table_names
            files.extend(_classify(entry.name, path, known) for path in _walk(entry.path))
        else:
            files.append(_classify("(root)", entry.path, False))
    return files


def root_problem(root: Path | str, tables: Iterable[str], allow_empty: bool) -> str | None:
    """Why the raw root cannot be read as a feed, or None. Nothing may be built over a root
    that is missing, unreadable or has none of the table folders (a mistyped path would
    otherwise look like an empty feed and empty the warehouse), unless allow_empty is set."""
    base = os.path.abspath(os.fspath(root))
    tables = list(tables)
    if not os.path.exists(base):
        return f"raw root {base} does not exist"
    if not os.path.isdir(base):
        return f"raw root {base} is not a folder"
    try:
        names = set(os.listdir(base))
    except OSError as exc:
        return f"raw root {base} cannot be read: {exc.strerror}"
    present = [t for t in tables if t in names and os.path.isdir(os.path.join(base, t))]
    if not present and not allow_empty:
        return (
            f"raw root {base} has none of the raw table folders ({', '.join(tables)}); "
            "set the dbt var allow_empty_feed: true if an empty feed is intended"
        )
    return None
