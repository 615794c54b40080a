"""Reads generated raw files back with plain Python, independently of dbt."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq


def iter_lines(folder: Path) -> Iterator[str]:
    for path in sorted(folder.glob("*")):
        if path.name.endswith(".jsonl"):
            text = path.read_text(encoding="utf-8")
        elif path.name.endswith(".jsonl.gz"):
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                text = fh.read()
        else:
            continue
        yield from (line for line in text.split("\n") if line != "")


def parse(line: str) -> dict[str, object] | None:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def read_records(folder: Path) -> tuple[list[dict[str, object]], int]:
    """(parsed objects, number of lines that are not JSON objects)."""
    records, bad = [], 0
    for path in sorted(folder.glob("*.parquet")):
        records.extend(pq.read_table(path).to_pylist())
    for line in iter_lines(folder):
        obj = parse(line)
        if obj is None:
            bad += 1
        else:
            records.append(obj)
    return records, bad
