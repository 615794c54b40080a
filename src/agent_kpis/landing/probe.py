"""Looking inside a new raw file once, before any SQL reads it.

A JSON-lines file is streamed once (decompressed if gzipped) and read by DuckDB's fast text
reader only when every line is valid UTF-8, ends in LF, holds no NUL or \\x01 and fits the
line limit. Otherwise its lines are *salvaged* here, in Python: each line lands on its own,
and a line that cannot be text gets a landing_error (invalid_utf8, line_too_long,
control_character, truncated_line) and is quarantined as a row, while its neighbours are
read. A gzip stream that ends early keeps the lines before the damage. A Parquet file is
read through once with DuckDB (every column, and one row rendered as the landing SQL does);
if that fails the file is quarantined whole.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

import duckdb

from agent_kpis.landing.sql import parquet_select, path_literal

CHUNK_BYTES = 1 << 20
GZIP_READ_BYTES = 1 << 16
GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
SHOWN_BYTES_OF_LONG_LINE = 4096


@dataclass(frozen=True)
class Probe:
    """How a file is read: native (DuckDB reader), salvage (line by line here), empty (no
    bytes) or none (not read; reject_reason says why). A salvaged file may carry a reason
    too (truncated_compression: some lines were read, the rest is lost)."""

    read_method: str
    reject_reason: str | None = None
    reject_detail: str | None = None
    read_note: str | None = None
    column_types: str | None = None  # a readable Parquet file's columns, JSON {name: type}


class TruncatedStream(EOFError):
    """The compressed stream ended, or broke, before its end: what came before was yielded."""


STREAM_ERRORS = (TruncatedStream, OSError)


def _gunzip(fh: BinaryIO) -> Iterator[bytes]:
    """Decompressed chunks of a gzip file (several members too). Unlike gzip.open, it yields
    everything that decompresses before damage, then raises TruncatedStream. Compressed
    input is read 64 KiB at a time, so one step never inflates past ~64 MiB."""
    decompressor = zlib.decompressobj(wbits=31)
    in_member = False
    while data := fh.read(GZIP_READ_BYTES):
        while data:
            in_member = True
            try:
                out = decompressor.decompress(data)
            except zlib.error as exc:
                raise TruncatedStream(f"corrupt gzip data ({exc})") from exc
            if out:
                yield out
            if decompressor.eof:
                data, decompressor, in_member = decompressor.unused_data, zlib.decompressobj(wbits=31), False
            else:
                data = b""
    if in_member:
        raise TruncatedStream("the gzip stream ends before its end-of-stream marker")


def _chunks(path: str, file_format: str) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        if file_format == "jsonl.gz":
            yield from _gunzip(fh)
        else:
            while chunk := fh.read(CHUNK_BYTES):
                yield chunk


def _first_bytes(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(3)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:300] if text.strip() else text


class _Scan:
    """What one pass over the decompressed bytes found."""

    def __init__(self, max_line_bytes: int) -> None:
        self.max_line_bytes = max_line_bytes
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.notes: list[str] = []
        self.lines = 0
        self.bytes = 0
        self.run = 0  # bytes of the line in progress

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def feed(self, chunk: bytes) -> None:
        if self.bytes == 0 and chunk.startswith(UTF8_BOM):
            self.note("byte-order mark")
        self.bytes += len(chunk)
        if "invalid UTF-8" not in self.notes:
            try:
                self.decoder.decode(chunk)
            except UnicodeDecodeError:
                self.note("invalid UTF-8")
        if b"\r" in chunk:
            self.note("CR line ends")
        if b"\x00" in chunk or b"\x01" in chunk:
            self.note("control characters")
        parts = chunk.split(b"\n")
        self.lines += len(parts) - 1
        if len(parts) == 1:
            self.run += len(chunk)
            longest = self.run
        else:
            longest = max(self.run + len(parts[0]), max(map(len, parts[1:-1]), default=0), len(parts[-1]))
            self.run = len(parts[-1])
        if longest > self.max_line_bytes:
            self.note(f"a line over {self.max_line_bytes} bytes")

    def finish(self) -> None:
        try:
            self.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            self.note("invalid UTF-8")


def _probe_json_lines(path: str, file_format: str, max_line_bytes: int) -> Probe:
    try:
        head = _first_bytes(path)
    except OSError as exc:
        return Probe("none", "unreadable_file", exc.strerror or str(exc))
    if not head:
        return Probe("empty")
    if file_format == "jsonl.gz" and not head.startswith(GZIP_MAGIC):  # not even a header
        return Probe("none", "corrupt_compression", "named .gz but not gzip data")
    if file_format == "jsonl" and head.startswith(GZIP_MAGIC):
        return Probe("none", "unexpected_compression", "gzip data in a file not named .gz: rename it to end in .gz")
    scan = _Scan(max_line_bytes)
    try:
        for chunk in _chunks(path, file_format):
            scan.feed(chunk)
    except STREAM_ERRORS as exc:
        if scan.bytes == 0:
            return Probe("none", "corrupt_compression", _first_line(str(exc)) or type(exc).__name__)
        detail = (
            f"the stream ends early ({_first_line(str(exc)) or type(exc).__name__}): "
            f"{scan.lines} complete lines before the damage are read, the rest is lost"
        )
        return Probe("salvage", "truncated_compression", detail, "read line by line: truncated stream")
    scan.finish()
    if scan.bytes == 0:
        return Probe("empty")
    if scan.notes:
        return Probe("salvage", read_note="read line by line: " + ", ".join(scan.notes))
    return Probe("native")


def _describe(con: duckdb.DuckDBPyConnection, path: str) -> dict[str, str]:
    rows = con.execute(f"describe select * from read_parquet({path_literal(path)})").fetchall()
    return {str(row[0]): str(row[1]) for row in rows}


def _probe_parquet(path: str) -> Probe:
    con = duckdb.connect()
    try:
        con.execute(f"select count(*), sum(hash(landed)) from read_parquet({path_literal(path)}) as landed").fetchall()
        con.execute(f"select * from ({parquet_select(path)}) limit 1").fetchall()
        columns = _describe(con, path)
    except duckdb.Error as exc:
        return Probe("none", "unreadable_parquet", _first_line(str(exc)))
    finally:
        con.close()
    return Probe("native", column_types=json.dumps(columns))


def parquet_columns(paths: Sequence[str]) -> dict[str, str]:
    """The column types of Parquet files probed before they were recorded (JSON, as
    Probe.column_types), read from their footers. A file that cannot be described is left
    out: its fields are then decoded from raw_line."""
    out: dict[str, str] = {}
    con = duckdb.connect()
    try:
        for path in paths:
            with contextlib.suppress(duckdb.Error):
                out[path] = json.dumps(_describe(con, path))
    finally:
        con.close()
    return out


def probe_file(path: str, file_format: str, max_line_bytes: int) -> Probe:
    if file_format == "parquet":
        return _probe_parquet(path)
    return _probe_json_lines(path, file_format, max_line_bytes)


# ------------------------------------------------------------------------------ salvage
def _landed_line(number: int, raw: bytes, length: int, max_line_bytes: int) -> tuple[int, str, str | None]:
    if raw.endswith(b"\r"):
        raw, length = raw[:-1], length - 1
    if number == 1 and raw.startswith(UTF8_BOM):
        raw, length = raw[len(UTF8_BOM) :], length - len(UTF8_BOM)
    if length > max_line_bytes:
        shown = raw[:SHOWN_BYTES_OF_LONG_LINE].decode("utf-8", "replace")
        return number, shown, f"line_too_long:{length}"
    error = None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", "replace")
        error = f"invalid_utf8:byte {exc.start}"
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
        error = error or "control_character:NUL"
    return number, text, error


def iter_salvaged_lines(path: str, file_format: str, max_line_bytes: int) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, landing_error) for every line of the file, as far as it can be read."""
    pending = bytearray()  # the line in progress, kept up to the limit
    pending_length = 0  # its true length
    number = 0
    truncated = False
    try:
        for chunk in _chunks(path, file_format):
            parts = chunk.split(b"\n")
            for i, part in enumerate(parts):
                if len(pending) <= max_line_bytes:
                    pending += part[: max_line_bytes + 1 - len(pending)]
                pending_length += len(part)
                if i < len(parts) - 1:
                    number += 1
                    yield _landed_line(number, bytes(pending), pending_length, max_line_bytes)
                    pending, pending_length = bytearray(), 0
    except STREAM_ERRORS:
        truncated = True
    if pending_length or pending:
        number += 1
        line = _landed_line(number, bytes(pending), pending_length, max_line_bytes)
        yield (line[0], line[1], "truncated_line:the stream ended inside it") if truncated else line
