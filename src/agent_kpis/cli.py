"""`agent-kpis`: the project's command line.

generate (demo telemetry), bench-generate (generator speed), validate (Great Expectations
gates), conventions (the dbt conventions gate), bench (build benchmarks), run (the scheduled
job), publish (snapshot for BI tools), report (the scorecard page), summary (the terminal
summary), load (new raw files into PostgreSQL's landing tables). Expected failures print one
line and exit non-zero; no tracebacks.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from agent_kpis import settings
from agent_kpis.generator import FORMATS, FaultRates, GeneratorConfig, generate
from agent_kpis.job import EXIT_MEANINGS
from agent_kpis.settings import DEMO_ENV, PROJECT_DIR, dbt_var, publish_dir, raw_root, warehouse_path


def _config_from_args(args: argparse.Namespace) -> GeneratorConfig:
    faults = (
        FaultRates.none()
        if args.no_faults
        else FaultRates(**{name: getattr(args, f"rate_{name}") for name in FaultRates.__dataclass_fields__})
    )
    end = date.fromisoformat(args.end_date) if args.end_date else GeneratorConfig().end_date
    return GeneratorConfig(
        tasks=args.tasks, days=args.days, seed=args.seed, end_date=end, fmt=args.format, faults=faults
    )


def _add_generator_args(p: argparse.ArgumentParser, tasks: int) -> None:
    p.add_argument("--tasks", type=int, default=tasks, help=f"tasks to generate (default {tasks:,})")
    p.add_argument("--days", type=int, default=30, help="days the tasks are spread over (default 30)")
    p.add_argument("--seed", type=int, default=42, help="random seed: the same seed writes the same files (default 42)")
    p.add_argument("--end-date", help="last day (exclusive) of the window, YYYY-MM-DD; default today (UTC)")
    p.add_argument(
        "--format", choices=FORMATS, default="jsonl", help="jsonl, gzipped jsonl, parquet, or otlp (runs as traces)"
    )
    p.add_argument("--no-faults", action="store_true", help="write clean telemetry (every fault rate 0)")
    defaults = FaultRates()
    for name in FaultRates.__dataclass_fields__:
        p.add_argument(
            f"--rate-{name.replace('_', '-')}",
            dest=f"rate_{name}",
            type=float,
            default=getattr(defaults, name),
            help=f"fault rate (default {getattr(defaults, name)})",
        )


def cmd_generate(args: argparse.Namespace) -> int:
    cfg = _config_from_args(args)
    out = Path(args.out) if args.out else raw_root()
    t0 = time.perf_counter()
    report = generate(cfg, out)
    secs = time.perf_counter() - t0
    print(f"generated {cfg.tasks} tasks over {cfg.days} days ({cfg.fmt}) into {out} in {secs:.1f}s")
    for name, t in report.tables.items():
        faults = ", ".join(f"{k}={v}" for k, v in t.faults.items() if v)
        print(f"  {name:<20} {t.lines:>9} rows in {t.files:>3} files  {faults}")
    if args.report:
        Path(args.report).write_text(json.dumps(report.as_dict(), default=str, indent=2))
    return 0


def cmd_bench_generate(args: argparse.Namespace) -> int:
    cfg = _config_from_args(args)
    with tempfile.TemporaryDirectory(prefix="agent-kpis-bench-") as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        t0 = time.perf_counter()
        report = generate(cfg, out)
        secs = time.perf_counter() - t0
    rows = report.total_lines
    print("| tasks | format | rows written | seconds | tasks/s | rows/s |")
    print("|---:|---|---:|---:|---:|---:|")
    print(f"| {cfg.tasks:,} | {cfg.fmt} | {rows:,} | {secs:.1f} | {cfg.tasks / secs:,.0f} | {rows / secs:,.0f} |")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from agent_kpis.validation import FeedError, validate_landing, validate_publishing, write_summary

    raw = Path(args.raw_root) if args.raw_root else raw_root()
    warehouse = Path(args.duckdb) if args.duckdb else warehouse_path()
    reports = []
    try:
        if args.stage in ("landing", "all"):
            reports.append(validate_landing(PROJECT_DIR, raw))
        if args.stage in ("publishing", "all"):
            if not warehouse.exists():
                print(f"validation publishing: no warehouse at {warehouse}: run dbt build first", file=sys.stderr)
                return 1
            reports.append(validate_publishing(PROJECT_DIR, warehouse))
    except FeedError as exc:
        print(f"validation landing: FAILED: {exc}", file=sys.stderr)
        return 2
    summary = write_summary(reports, Path(args.report_dir), PROJECT_DIR)
    for rep in reports:
        state = "passed" if rep.success else "FAILED"
        figures = f"{rep.expectations} expectations, {rep.tables} tables, {rep.seconds:.1f}s"
        print(f"validation {rep.suite}: {state} ({figures})")
        for failure in rep.failures:
            print(f"  {failure.line()}")
    print(f"summary: {summary}")
    return 0 if all(r.success for r in reports) else 1


def cmd_conventions(args: argparse.Namespace) -> int:
    from agent_kpis.conventions import run

    warehouse = Path(args.duckdb) if args.duckdb else warehouse_path()
    return run(Path(args.manifest), warehouse)


def cmd_bench(args: argparse.Namespace) -> int:
    from agent_kpis.bench import main as bench_main

    return bench_main(args.scale, args.days, Path(args.workdir) / f"{'job-' if args.job else ''}{args.scale}", args.job)


def _demo(args: argparse.Namespace) -> None:
    if getattr(args, "demo", False):
        os.environ[DEMO_ENV] = "1"


def cmd_run(args: argparse.Namespace) -> int:
    from agent_kpis.job import run_job

    _demo(args)
    raw = Path(args.raw_root) if args.raw_root else raw_root()
    warehouse = Path(args.duckdb) if args.duckdb else warehouse_path()
    out = Path(args.publish_dir) if args.publish_dir else publish_dir()
    runs = Path(args.runs_dir) if args.runs_dir else None
    return run_job(
        PROJECT_DIR, raw, warehouse, full_refresh=args.full_refresh, dbt_vars=args.vars, runs_dir=runs, publish_dir=out
    )


def cmd_publish(args: argparse.Namespace) -> int:
    from agent_kpis.publish import PublishError, publish

    _demo(args)
    out = Path(args.publish_dir) if args.publish_dir else publish_dir()
    try:
        publication = publish(Path(args.duckdb) if args.duckdb else warehouse_path(), out)
    except PublishError as exc:
        print(f"publish failed: {exc}", file=sys.stderr)
        return 5
    tables = len(publication.row_counts)
    print(f"published {tables} marts (snapshot {publication.run_id}) in {publication.seconds:.1f}s")
    print(f"  DuckDB (read-only for BI tools): {publication.duckdb_path}")
    print(f"  Parquet:                         {publication.parquet_dir}/<mart>.parquet")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from agent_kpis.report import write_report

    src = Path(args.published) if args.published else publish_dir() / "agent_kpis.duckdb"
    if not src.is_file():
        print(f"report: no published marts at {src}: run `agent-kpis publish` (or `make demo`) first", file=sys.stderr)
        return 1
    try:
        out = write_report(src, Path(args.out))
    except (ValueError, duckdb.Error) as exc:
        print(f"report: {src}: {exc}", file=sys.stderr)
        return 1
    print(f"scorecard page: {out}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from agent_kpis.summary import print_summary

    return print_summary(Path(args.duckdb) if args.duckdb else warehouse_path())


def cmd_load(args: argparse.Namespace) -> int:
    import psycopg

    from agent_kpis.contract import TABLE_NAMES, TRACE_TABLES
    from agent_kpis.landing.postgres import PASSWORD_ENV, connection_kwargs, load

    if not os.environ.get("PGHOST"):
        print(f"load: set PGHOST (and PGPORT, PGUSER, PGDATABASE; the password in {PASSWORD_ENV})", file=sys.stderr)
        return 2
    schema = args.schema or str(dbt_var("raw_schema"))
    raw = Path(args.raw_root) if args.raw_root else raw_root()
    if not raw.is_dir():
        print(f"load: the raw root {raw} is not a folder", file=sys.stderr)
        return 2
    try:
        result = load(connection_kwargs(), raw, TABLE_NAMES + TRACE_TABLES, schema=schema)
    except psycopg.Error as exc:  # the message names the server, never the password
        print(f"load: PostgreSQL: {type(exc).__name__}: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return 1
    print(
        f"loaded {result.files_loaded} new files ({result.lines_loaded:,} lines) into schema {schema};"
        f" {result.files_skipped} loaded before"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="agent-kpis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write demo raw telemetry")
    _add_generator_args(g, 5000)
    g.add_argument("--out", help="raw root to write (default $AGENT_KPIS_RAW_ROOT or data/raw)")
    g.add_argument("--report", help="write a JSON report of rows and injected faults here")
    g.set_defaults(func=cmd_generate)
    b = sub.add_parser("bench-generate", help="time the generator and print tasks/s and rows/s")
    _add_generator_args(b, 1_000_000)
    b.add_argument("--out", help="keep the files here (default: a temporary folder)")
    b.set_defaults(func=cmd_bench_generate, format="parquet")
    v = sub.add_parser("validate", help="Great Expectations: landing (raw files) and publishing (marts) gates")
    v.add_argument(
        "stage", nargs="?", choices=("landing", "publishing", "all"), default="all", help="which gate (default all)"
    )
    v.add_argument("--raw-root", help="raw root (default $AGENT_KPIS_RAW_ROOT or data/raw)")
    v.add_argument("--duckdb", help="warehouse file (default $AGENT_KPIS_DUCKDB)")
    v.add_argument("--report-dir", default=str(settings.validation_report_dir()), help="where summary.md is written")
    v.set_defaults(func=cmd_validate)
    c = sub.add_parser("conventions", help="fail on undocumented models/columns, missing keys, contracts, freshness")
    c.add_argument("--manifest", default=str(settings.dbt_manifest()), help="dbt manifest.json to check")
    c.add_argument("--duckdb", help="warehouse to compare documented columns with (default $AGENT_KPIS_DUCKDB)")
    c.set_defaults(func=cmd_conventions)
    k = sub.add_parser("bench", help="full vs incremental vs the engine's floor; appends to docs/benchmarks.md")
    k.add_argument("--scale", type=int, default=100_000, help="tasks")
    k.add_argument("--days", type=int, default=30, help="days the tasks are spread over (default 30)")
    k.add_argument("--workdir", default=str(settings.bench_dir()), help="where files and warehouses go")
    k.add_argument("--job", action="store_true", help="time `agent-kpis run` per stage: full, new hour, new day")
    k.set_defaults(func=cmd_bench)
    r = sub.add_parser(
        "run",
        help="scheduled job: landing validation, dbt build, publishing validation, publish, stop-the-line;"
        f" exit {', '.join(f'{code} {name}' for code, name in enumerate(EXIT_MEANINGS))}, 128+N stopped by signal N",
    )
    r.add_argument("--raw-root", help="raw root (default $AGENT_KPIS_RAW_ROOT or data/raw)")
    r.add_argument("--duckdb", help="warehouse file (default $AGENT_KPIS_DUCKDB)")
    r.add_argument("--full-refresh", action="store_true", help="rebuild everything instead of incrementally")
    r.add_argument("--vars", help="dbt --vars (YAML)")
    r.add_argument("--publish-dir", help="where BI tools read the marts (default $AGENT_KPIS_PUBLISH_DIR)")
    r.add_argument("--demo", action="store_true", help="demo data: allow the public demo PII salt (AGENT_KPIS_DEMO=1)")
    r.add_argument("--runs-dir", help="where each run's folder goes (default reports/runs)")
    r.set_defaults(func=cmd_run)
    p = sub.add_parser("publish", help="swap a new snapshot of the marts in for BI tools (DuckDB file + Parquet)")
    p.add_argument("--duckdb", help="warehouse file (default $AGENT_KPIS_DUCKDB)")
    p.add_argument("--publish-dir", help="default $AGENT_KPIS_PUBLISH_DIR or data/published")
    p.add_argument("--demo", action="store_true", help="demo data: allow marts hashed with the public demo PII salt")
    p.set_defaults(func=cmd_publish)
    h = sub.add_parser("report", help="write the self-contained HTML scorecard page from the published marts")
    h.add_argument("--published", help="published DuckDB file (default <publish dir>/agent_kpis.duckdb)")
    h.add_argument("--out", default=str(settings.scorecard_page()), help="the HTML file to write")
    h.set_defaults(func=cmd_report)
    s = sub.add_parser("summary", help="print rows per table, quarantine and the scorecard")
    s.add_argument("--duckdb", help="warehouse file (default $AGENT_KPIS_DUCKDB)")
    s.set_defaults(func=cmd_summary)

    ld = sub.add_parser("load", help="copy new raw files into PostgreSQL's landing tables, each file once")
    ld.add_argument("--raw-root", help="raw files (default $AGENT_KPIS_RAW_ROOT)")
    ld.add_argument("--schema", help="landing schema (default: the dbt var raw_schema)")
    ld.set_defaults(func=cmd_load)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
