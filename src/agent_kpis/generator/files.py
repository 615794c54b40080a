"""Writing tables as files: one file per day, JSONL (optionally gzipped) or Parquet."""

from __future__ import annotations

import gzip
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from agent_kpis.contract import (
    TABLES,
)
from agent_kpis.generator.config import _OFFSETS_MIN, DAY, FaultRates, GeneratorConfig


def _file_day(tbl: pa.Table) -> np.ndarray:
    em = tbl["_emitted_at"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    return em // DAY


def _day_name(day: int) -> str:
    return (date(1970, 1, 1) + timedelta(days=int(day))).isoformat()


def _jsonl_lines(
    con: duckdb.DuckDBPyConnection,
    table_name: str,
    tbl: pa.Table,
    faults: FaultRates,
    rng: np.random.Generator,
) -> tuple[pa.Table, dict[str, int]]:
    """Renders each row as one JSON line: timestamps with/without offsets, some lines corrupted."""
    n = tbl.num_rows
    u = rng.random(n)
    mode = np.where(u < faults.tz_offset, 1, np.where(u < faults.tz_offset + faults.no_offset, 2, 0))
    bad = rng.random(n) < faults.not_json if table_name != "releases" else np.zeros(n, bool)
    aux = (
        tbl.append_column("_mode", pa.array(mode))
        .append_column("_off", pa.array(_OFFSETS_MIN[rng.integers(0, len(_OFFSETS_MIN), n)]))
        .append_column("_bad", pa.array(bad))
        .append_column("_day", pa.array(_file_day(tbl)))
        .append_column("_row", pa.array(np.arange(n)))
    )
    parts = []
    for f in TABLES[table_name]:
        col = f'"{f.name}"'
        if f.type == "timestamp":
            off = (
                "(case when _off >= 0 then '+' else '-' end || lpad((abs(_off) // 60)::varchar, 2, '0')"
                " || ':' || lpad((abs(_off) % 60)::varchar, 2, '0'))"
            )
            expr = (
                f"case _mode when 0 then strftime({col}::timestamp, '%Y-%m-%dT%H:%M:%S.%fZ') "
                f"when 1 then strftime({col}::timestamp + to_minutes(_off), '%Y-%m-%dT%H:%M:%S.%f') || {off} "
                f"else strftime({col}::timestamp, '%Y-%m-%dT%H:%M:%S.%f') end"
            )
        elif f.type == "json":
            expr = f"{col}::json"
        else:
            expr = col
        parts.append(f'"{f.name}" := {expr}')
    con.register("_rows", aux)
    out = con.sql(
        f"""
        with lines as (select _day, _row, _bad, to_json(struct_pack({", ".join(parts)}))::varchar as line from _rows)
        select _day, case when _bad then left(line, length(line) // 2) else line end as line
        from lines order by _day, _row
        """
    ).to_arrow_table()
    con.unregister("_rows")
    counts = {"not_json": int(bad.sum()), "tz_offset": int((mode == 1).sum()), "no_offset": int((mode == 2).sum())}
    return out, counts


def _write_table(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    table_name: str,
    tbl: pa.Table,
    cfg: GeneratorConfig,
    rng: np.random.Generator,
) -> tuple[int, int, dict[str, int]]:
    folder = out_dir / table_name
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    if cfg.fmt == "parquet":
        days = _file_day(tbl)
        order = np.argsort(days, kind="stable")
        data = tbl.take(pa.array(order))
        days = days[order]
        bounds = np.flatnonzero(np.diff(days)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(days)]])
        for s, e in zip(starts, ends, strict=True):
            if e > s:
                pq.write_table(data.slice(s, e - s), folder / f"{table_name}-{_day_name(days[s])}.parquet")
        return len(days), len(starts) if len(days) else 0, counts
    lines_tbl, counts = _jsonl_lines(con, table_name, tbl, cfg.faults, rng)
    days = lines_tbl["_day"].to_numpy()
    lines = lines_tbl["line"]
    bounds = np.flatnonzero(np.diff(days)) + 1
    starts = np.concatenate([[0], bounds]) if len(days) else np.array([], int)
    ends = np.concatenate([bounds, [len(days)]]) if len(days) else np.array([], int)
    for s, e in zip(starts, ends, strict=True):
        text = "\n".join(lines.slice(s, e - s).to_pylist()) + "\n"
        path = folder / f"{table_name}-{_day_name(days[s])}.{cfg.fmt}"
        if cfg.fmt == "jsonl.gz":
            with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
                fh.write(text)
        else:
            path.write_text(text, encoding="utf-8")
    return len(days), len(starts), counts
