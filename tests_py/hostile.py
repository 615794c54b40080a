"""A hostile feed: one file of every kind the front door must survive, added to a real feed.

`add_hostile_files(raw)` writes them beside the generated files and returns what must happen
to each: files quarantined (with their reason), files read (with their line count), rows
quarantined by (table, reason), rows staged with a flag, and the personal data that must
never reach a published table or an artifact. Valid lines in these files are copies of lines
already in the feed (same event_id, same content) or belong to a task that has no events, so
the KPIs of the feed they are added to cannot change.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ORPHAN_TASK = "hostile-task-1"
INJECTION_NAME = "x') or (1=1) or source_file in ('.jsonl"
LONG_LINE_BYTES = 17 * 1024 * 1024  # over the default 16 MiB line limit
PERSONAL_DATA = (
    "987654321",
    "cust-secret-42",
    "cust-secret-43",
    "078-05-1120",
    "jane.roe@example.com",
    "4111-1111-1111-1111",
    "+44 20 7946 0958",
    "(415) 555-0134",
)


@dataclass
class HostileFeed:
    quarantined_files: dict[str, str] = field(default_factory=dict)  # relative path -> reject_reason
    partially_read: set[str] = field(default_factory=set)
    read_files: dict[str, int] = field(default_factory=dict)  # relative path -> lines landed
    quarantined_rows: Counter[tuple[str, str]] = field(default_factory=Counter)
    flagged_rows: Counter[str] = field(default_factory=Counter)  # dq flag name -> rows
    staged_new_events: Counter[str] = field(default_factory=Counter)  # table -> new event_ids staged

    def lines_by_table(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for rel, n in self.read_files.items():
            out[rel.split("/")[0]] += n
        return out


def valid_lines(raw: Path, table: str, n: int, skip: int = 0) -> list[str]:
    """n JSON-object lines of the table's generated files (copies of real events)."""
    out = []
    for path in sorted(p for p in (raw / table).iterdir() if p.name.startswith(f"{table}-")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and all(record.get(f) for f in ("event_id", "task_id", "_emitted_at")):
                out.append(line)
            if len(out) >= skip + n:
                return out[skip:]
    raise AssertionError(f"{table} has fewer than {skip + n} valid lines")


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _lines(lines: list[str], end: str = "\n") -> bytes:
    return "".join(line + end for line in lines).encode("utf-8")


def _orphan(event_id: str, **fields: object) -> str:
    return json.dumps({"event_id": event_id, "task_id": ORPHAN_TASK, **fields})


def _names(raw: Path, feed: HostileFeed) -> None:
    """Names that are SQL, globs or shell: each file is read as itself, exactly once."""
    copies = valid_lines(raw, "feedback", 12)
    names = {
        "it's.jsonl": copies[0:1],
        INJECTION_NAME: copies[1:2],
        "m[2].jsonl": copies[2:3],
        "m2.jsonl": copies[3:5],  # a glob m[2] would read this file instead
        "star*.jsonl": copies[5:6],
        "q?.jsonl": copies[6:7],
        "semi;colon $(touch pwned) `id`.jsonl": copies[7:8],
        "ünïcode 名前.jsonl": copies[8:9],
    }
    for name, lines in names.items():
        _write(raw / "feedback" / name, _lines(lines))
        feed.read_files[f"feedback/{name}"] = len(lines)


def _extensions(raw: Path, feed: HostileFeed) -> None:
    """Every extension that is read, in any case; everything else listed, never skipped."""
    copies = valid_lines(raw, "feedback", 6, skip=12)
    read = {
        "copies.ndjson": _lines(copies[0:1]),
        "copies.json": _lines(copies[1:2]),
        "COPIES.JSONL": _lines(copies[2:3]),
        "copies.JSONL.GZ": gzip.compress(_lines(copies[3:4])),
        "copies.ndjson.gz": gzip.compress(_lines(copies[4:5])),
        "sub/dir/nested.jsonl": _lines(copies[5:6]),
        "empty.jsonl": b"",
    }
    for name, data in read.items():
        _write(raw / "feedback" / name, data)
        feed.read_files[f"feedback/{name}"] = data.count(b"\n") if not name.lower().endswith(".gz") else 1
    not_read = {
        "feedback/export.csv": ("unsupported_file_type", b"event_id,task_id\n1,2\n"),
        "feedback/lines.jsonl.bz2": ("unsupported_file_type", b"BZh91AY&SY"),
        "feedback/lines.jsonl.zst": ("unsupported_file_type", b"\x28\xb5\x2f\xfd"),
        "feedback/notes.txt": ("unsupported_file_type", b"hello\n"),
        "feedback/README": ("unsupported_file_type", b"hello\n"),
        "feedback/.inflight.jsonl": ("hidden_file", _lines(copies[0:1])),
        "feedback/_SUCCESS": ("hidden_file", b""),
        "feedbak/typo.jsonl": ("unknown_table_folder", _lines(copies[0:1])),
        "stray.jsonl": ("outside_table_folder", _lines(copies[0:1])),
    }
    for rel, (reason, data) in not_read.items():
        _write(raw / rel, data)
        feed.quarantined_files[rel] = reason
    os.symlink(raw / "feedback" / "no-such-target.jsonl", raw / "feedback" / "dangling.jsonl")
    feed.quarantined_files["feedback/dangling.jsonl"] = "unreadable_file"
    bad_name = os.fsencode(raw / "feedback") + b"/bad-\xff-name.jsonl"
    with open(bad_name, "wb") as fh:
        fh.write(_lines(copies[0:1]))
    feed.quarantined_files["feedback/bad-\\xff-name.jsonl"] = "unreadable_file_name"


def _damaged_files(raw: Path, feed: HostileFeed) -> None:
    """Unreadable bytes: whole files quarantined, or only the damaged lines."""
    copies = valid_lines(raw, "feedback", 20, skip=20)
    distinct = valid_lines(raw, "feedback", 300, skip=100)
    folder = raw / "feedback"
    _write(folder / "corrupt.jsonl.gz", b"this is not gzip at all\n")
    feed.quarantined_files["feedback/corrupt.jsonl.gz"] = "corrupt_compression"
    _write(folder / "gzip-inside.jsonl", gzip.compress(_lines(copies[0:1])))
    feed.quarantined_files["feedback/gzip-inside.jsonl"] = "unexpected_compression"
    whole = gzip.compress(_lines(distinct))  # cut in the middle of the stream
    _write(folder / "truncated.jsonl.gz", whole[: len(whole) // 2])
    complete = gzip.decompress(whole)  # what survives is counted with Python's own reader
    survived = _readable_prefix(whole[: len(whole) // 2])
    feed.quarantined_files["feedback/truncated.jsonl.gz"] = "truncated_compression"
    feed.partially_read.add("feedback/truncated.jsonl.gz")
    tail = survived.rsplit(b"\n", 1)[-1]
    feed.read_files["feedback/truncated.jsonl.gz"] = survived.count(b"\n") + (1 if tail else 0)
    if tail:
        feed.quarantined_rows["feedback", "truncated_line"] += 1
    assert len(survived) < len(complete)

    _write(folder / "bad-utf8.jsonl", _lines(copies[10:12]) + b'{"event_id":"x","comment":"caf\xe9"}\n')
    feed.read_files["feedback/bad-utf8.jsonl"] = 3
    feed.quarantined_rows["feedback", "invalid_utf8"] += 1
    long_line = b'{"event_id":"long","comment":"' + b"a" * LONG_LINE_BYTES + b'"}'
    _write(folder / "long-line.jsonl", _lines(copies[12:13]) + long_line + b"\n" + _lines(copies[13:14]))
    feed.read_files["feedback/long-line.jsonl"] = 3
    feed.quarantined_rows["feedback", "line_too_long"] += 1
    _write(folder / "crlf.jsonl", _lines(copies[14:16], end="\r\n") + _lines(copies[16:17]))
    feed.read_files["feedback/crlf.jsonl"] = 3
    _write(folder / "bom.jsonl", b"\xef\xbb\xbf" + _lines(copies[17:19]))
    feed.read_files["feedback/bom.jsonl"] = 2
    _write(folder / "nul.jsonl", _lines(copies[19:20]) + b'{"event_id":"n\x00ul"}\n')
    feed.read_files["feedback/nul.jsonl"] = 2
    feed.quarantined_rows["feedback", "control_character"] += 1


def _readable_prefix(data: bytes) -> bytes:
    """What zlib can inflate from a gzip stream cut short."""
    return zlib.decompressobj(wbits=31).decompress(data)


def _parquet(raw: Path, feed: HostileFeed) -> None:
    folder = raw / "tool_calls"
    _write(folder / "corrupt.parquet", b"PAR1" + b"\x00garbage" * 100 + b"PAR1")
    feed.quarantined_files["tool_calls/corrupt.parquet"] = "unreadable_parquet"
    good = io.BytesIO()
    pq.write_table(pa.table({"event_id": ["p1"] * 1000, "task_id": [ORPHAN_TASK] * 1000}), good)
    _write(folder / "cut.parquet", good.getvalue()[: len(good.getvalue()) // 2])
    feed.quarantined_files["tool_calls/cut.parquet"] = "unreadable_parquet"
    # another type for a column than the feed's other Parquet or JSON files: rows, not the build, fail
    typed = pa.table({
        "event_id": ["hostile-tc-1", "hostile-tc-2"],
        "call_id": ["hc-1", "hc-2"],
        "task_id": [ORPHAN_TASK, ORPHAN_TASK],
        "attempt": ["one", "two"],
        "tool_name": ["crm", "crm"],
        "started_at": [1_773_000_000, 1_773_000_001],
    })  # fmt: skip
    pq.write_table(typed, folder / "other-types.parquet")
    feed.read_files["tool_calls/other-types.parquet"] = 2
    feed.quarantined_rows["tool_calls", "unparseable_required_field"] += 2
    copies = [json.loads(line) for line in valid_lines(raw, "feedback", 2, skip=40)]
    with_filename = pa.Table.from_pylist([{**c, "filename": "not-a-path"} for c in copies])
    pq.write_table(with_filename, raw / "feedback" / "filename-column.parquet")
    feed.read_files["feedback/filename-column.parquet"] = 2


def _values(raw: Path, feed: HostileFeed) -> None:
    """Values no column can hold: rejected (required fields) or nulled and flagged (optional)."""
    at = "2026-03-10T10:00:00Z"
    llm = [
        '{"event_id":"hostile-lc-1","task_id":"hostile-task-1","cost_usd":NaN}',
        _orphan("hostile-lc-2", cost_usd="Infinity"),
        '{"event_id":"hostile-lc-3","task_id":"hostile-task-1","cost_usd":1e308}',
        _orphan("hostile-lc-4", input_tokens=100.7, started_at=at),
        _orphan("hostile-lc-5", started_at=at, ended_at="2100-01-01T00:00:00Z"),
        _orphan("hostile-lc-6", started_at="9999-12-31T23:59:59Z"),
        _orphan("hostile-lc-7", started_at="2026-03-10T15:30:00 Asia/Kolkata"),
    ]
    _write(raw / "llm_calls" / "values.jsonl", _lines(llm))
    feed.read_files["llm_calls/values.jsonl"] = len(llm)
    feed.flagged_rows["invalid_field:llm_calls"] += len(llm)
    feed.staged_new_events["llm_calls"] += len(llm)

    events = [
        _orphan("hostile-te-1", event_type="created", occurred_at="2026-03-10T15:30:00 Asia/Kolkata"),
        _orphan("hostile-te-2", event_type="created", occurred_at="0000-01-01T00:00:00Z"),
        _orphan("hostile-te-3", event_type="created", occurred_at="2100-01-01T00:00:00Z"),
        _orphan("hostile-te-4", event_type="created", occurred_at="9999-12-31T23:59:59Z"),
        '{"event_id":"hostile-te-5","task_id":"a","task_id":"b","occurred_at":"2026-03-10T10:00:00Z"}',
        '{"event_id":"hostile-te-6","task_id":"a","task\\u005fid":"b","occurred_at":"2026-03-10T10:00:00Z"}',
    ]
    _write(raw / "task_events" / "values.jsonl", _lines(events))
    feed.read_files["task_events/values.jsonl"] = len(events)
    feed.quarantined_rows["task_events", "unparseable_required_field"] += 2
    feed.quarantined_rows["task_events", "future_timestamp"] += 2
    feed.quarantined_rows["task_events", "duplicate_field"] += 2

    attempts = [_orphan("hostile-tc-3", call_id="hc-3", attempt=1.5, tool_name="crm", started_at=at)]
    _write(raw / "tool_calls" / "values.jsonl", _lines(attempts))
    feed.read_files["tool_calls/values.jsonl"] = 1
    feed.quarantined_rows["tool_calls", "unparseable_required_field"] += 1

    # the same event_id again, for another task, written earlier: kept out, but flagged
    original = json.loads(valid_lines(raw, "task_events", 1, skip=3)[0])
    moved = {**original, "task_id": "hostile-task-2", "_emitted_at": "2026-01-01T00:00:00Z"}
    _write(raw / "task_events" / "conflict.jsonl", _lines([json.dumps(moved)]))
    feed.read_files["task_events/conflict.jsonl"] = 1
    feed.flagged_rows["identity_conflict:task_events"] += 1


def _personal_data(raw: Path, feed: HostileFeed) -> None:
    lines = [
        '{"event_id":"pii-1","customer_id":987654321,"occurred_at":"2026-03-10T10:00:00Z"}',
        '{"event_id":"pii-2","task_id":null,"customer\\u005fid":"cust-secret-42","occurred_at":"2026-03-10T10:00:00Z"}',
        "not json: SSN 078-05-1120 for jane.roe@example.com, card 4111-1111-1111-1111, phone +44 20 7946 0958",
        '{"event_id":"pii-3","task_id":"","customer_id":"cust-secret-43","reason":"call (415) 555-0134"}',
    ]
    _write(raw / "task_events" / "personal.jsonl", _lines(lines))
    feed.read_files["task_events/personal.jsonl"] = len(lines)
    feed.quarantined_rows["task_events", "missing_required_field"] += 3
    feed.quarantined_rows["task_events", "not_json"] += 1


def add_hostile_files(raw: Path) -> HostileFeed:
    feed = HostileFeed()
    for add in (_names, _extensions, _damaged_files, _parquet, _values, _personal_data):
        add(raw, feed)
    return feed
