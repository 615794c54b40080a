"""Demo telemetry generator: all ten raw tables of the contract, vectorised.

Modules: ``config`` (what to generate, the report), ``world`` (the simulation), ``faults``
(what a real feed gets wrong), ``files`` (JSONL, gzip, Parquet), ``arrays`` (helpers);
``agent_kpis.otlp`` writes the runs as traces.

Every random draw comes from one ``numpy.random.Generator`` seeded by the config, in a
fixed order, so a seed and an end date give byte-identical files. No Python loop runs per
row: tasks, events and attempts are numpy arrays, tables are pyarrow tables, JSONL lines
are rendered by DuckDB.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import duckdb
import numpy as np

from agent_kpis.contract import TABLES, TRACE_TABLES
from agent_kpis.generator.config import FORMATS, FaultRates, GenerationReport, GeneratorConfig, TableReport
from agent_kpis.generator.faults import _apply_faults
from agent_kpis.generator.files import _write_table
from agent_kpis.generator.world import _World

__all__ = ["FORMATS", "FaultRates", "GenerationReport", "GeneratorConfig", "TableReport", "generate"]


def generate(cfg: GeneratorConfig, out_dir: Path, clean: bool = True) -> GenerationReport:
    """Writes the ten raw tables under ``out_dir/<table>/`` and reports what was written."""
    if cfg.fmt not in FORMATS:
        raise ValueError(f"unknown format {cfg.fmt!r}; expected one of {', '.join(FORMATS)}")
    if cfg.tasks < 1 or cfg.days < 1:
        raise ValueError("tasks and days must be at least 1")
    rng = np.random.default_rng(cfg.seed)
    world = _World(cfg, rng)
    tables = world.simulate()
    out_dir = Path(out_dir)
    if clean:
        for name in (*TABLES, *TRACE_TABLES):
            shutil.rmtree(out_dir / name, ignore_errors=True)
    reports: dict[str, TableReport] = {}
    spill = tempfile.TemporaryDirectory(prefix="agent-kpis-generate-")
    con = duckdb.connect(config={"memory_limit": "4GB", "temp_directory": spill.name})
    con.execute("set TimeZone = 'UTC'")
    try:
        table_cfg = cfg
        if cfg.fmt == "otlp":
            from agent_kpis.otlp import TRACE_FOLDER, split_world, write_lines

            tables = split_world(con, tables)
            runs, written, files = write_lines(con, out_dir, cfg.faults.duplicate, cfg.faults.not_json, rng)
            reports[TRACE_FOLDER] = TableReport(rows=runs, lines=written, files=files)
            table_cfg = replace(cfg, fmt="jsonl")
        for name in TABLES:
            clean_rows = tables[name].num_rows
            faulty, counts = _apply_faults(name, tables[name], cfg.faults, rng, world.end_us)
            lines_written, files, fmt_counts = _write_table(con, out_dir, name, faulty, table_cfg, rng)
            counts.update(fmt_counts)
            reports[name] = TableReport(rows=clean_rows, lines=lines_written, files=files, faults=counts)
    finally:
        con.close()
        spill.cleanup()
    return GenerationReport(config=cfg, tables=reports)
