"""`agent-kpis bench`: the project against its baselines, at a scale, on one machine and feed.

Not part of `make test`: it prints figures and appends them to docs/benchmarks.md. From
LARGE_SCALE tasks on it measures the scale goal only (run_at_scale: a full run and an
incremental day, the feed generated in parts). Otherwise the steps: full `dbt build` and
`dbt run`, incremental hour and day (`build` and `run`), the trace route, and three
baselines on the same Parquet: a bare scan of every raw column, the engine's floor
(`bench/floor.sql`) and an analyst's pandas notebook (`bench/notebook.py`). The floor
and the notebook apply no reject rules, so the feed is fault-free (redeliveries
included), and their KPIs are checked equal to kpi_scorecard: a bench whose baselines
compute other numbers stops. Every step runs as its own process; wall time is measured
around it, peak memory is that process's maximum resident set (``os.wait4``) and, for
dbt steps, spill is the most bytes DuckDB's spill folder held at once (polled twice a
second).
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq

from agent_kpis.contract import TABLES
from agent_kpis.generator import FaultRates, GeneratorConfig, generate
from agent_kpis.landing.sql import glob_escape
from agent_kpis.settings import PROJECT_DIR

BIN = Path(sys.executable).parent


TRACE_STEP = "full dbt build, trace route (OTLP + contract)"
FULL_BUILD = "full dbt build (with tests)"
FULL_RUN = "full dbt run (models only)"
FLOOR = "floor: one DuckDB script"
NOTEBOOK = "pandas notebook"
SCAN = "bare scan of every raw column"
PART_TASKS = 1_000_000  # the generator holds a part in memory (about 4.4 GB at 1M tasks)
LARGE_SCALE = 2_000_000  # from here on the bench measures the scale goal only (run_at_scale)
SCALE_RUN = "full dbt run, all days but the last (models only)"
SCALE_DAY = "incremental dbt run, one new day"
INCREMENTAL_GOALS = {
    "incremental dbt build, one new hour": " (goal ≤ 8%)",
    "incremental dbt build, one new day": " (goal ≤ 15%)",
}


@dataclass
class Step:
    name: str
    seconds: float
    peak_mb: float
    output: str = ""
    spill_mb: float | None = None  # most bytes in DuckDB's spill folder at once (dbt steps)


def _folder_bytes(folder: Path) -> int:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):  # a spill file removed while listed
                total += os.stat(os.path.join(root, name)).st_size
    return total


class _SpillWatch(threading.Thread):
    """Polls a spill folder twice a second and keeps the largest size seen."""

    def __init__(self, folder: Path) -> None:
        super().__init__(daemon=True)
        self.folder, self.peak, self.done = folder, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak = max(self.peak, _folder_bytes(self.folder))


def _run(name: str, cmd: list[str], env: dict[str, str], spill: Path | None = None) -> Step:
    watch = _SpillWatch(spill) if spill else None
    if watch:
        watch.start()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read() if proc.stdout else b""  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if watch:
        watch.done.set()
        watch.join()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.stdout.write(output.decode(errors="replace")[-5000:])
        raise RuntimeError(f"{name} failed: {' '.join(cmd)}")
    spill_mb = watch.peak / 2**20 if watch else None
    step = Step(name, seconds, usage.ru_maxrss / 1024, output.decode(errors="replace"), spill_mb)
    spilled = f"  spill {spill_mb:8.0f} MB" if spill_mb is not None else ""
    print(f"  {name:<38} {seconds:8.1f} s  peak {step.peak_mb:8.0f} MB{spilled}", flush=True)
    return step


def _env(raw: Path, warehouse: Path) -> dict[str, str]:
    (warehouse.parent / "tmp").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "AGENT_KPIS_RAW_ROOT": str(raw),
        "AGENT_KPIS_DUCKDB": str(warehouse),
        "AGENT_KPIS_TEMP_DIR": str(warehouse.parent / "tmp"),
    }


def _dbt(name: str, args: list[str], raw: Path, warehouse: Path) -> Step:
    target = warehouse.parent / "target"
    cmd = [str(BIN / "dbt"), *args, "--target-path", str(target), "--log-path", str(warehouse.parent / "logs")]
    return _run(name, cmd, _env(raw, warehouse), spill=warehouse.parent / "tmp")


def _link_files(files: list[Path], source: Path, target: Path) -> None:
    for path in files:
        dest = target / path.relative_to(source)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if not dest.exists():
            os.link(path, dest)


def _split_last_day(raw: Path, last_day: date, out: Path) -> tuple[list[Path], list[Path], list[Path]]:
    """(files before the last day, first-hour files, rest-of-day files) of a Parquet raw root."""
    before, hour, rest = [], [], []
    cut = datetime(last_day.year, last_day.month, last_day.day, 1, tzinfo=UTC)
    for table in TABLES:
        for path in sorted((raw / table).glob("*.parquet")):
            if not path.name.endswith(f"{last_day.isoformat()}.parquet"):
                before.append(path)
                continue
            data = pq.read_table(path)
            early = pc.less(data["_emitted_at"], cut)
            for part, mask, bucket in (("h00", early, hour), ("h01-23", pc.invert(early), rest)):
                dest = out / table / f"{path.stem}-{part}.parquet"
                dest.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(data.filter(mask), dest)
                bucket.append(dest)
    return before, hour, rest


def _floor(raw: Path, workdir: Path) -> Step:
    # the paths go inside the script's quoted globs: quotes doubled, glob characters escaped
    sql = (PROJECT_DIR / "bench" / "floor.sql").read_text()
    sql = sql.replace("{raw}", glob_escape(str(raw)).replace("'", "''"))
    sql = sql.replace("{seeds}", glob_escape(str(PROJECT_DIR / "seeds")).replace("'", "''"))
    script = workdir / "floor_run.sql"
    script.write_text(sql)
    config = {
        "memory_limit": os.environ.get("AGENT_KPIS_MEMORY_LIMIT", "8GB"),
        "threads": 2,
        "temp_directory": str(workdir / "floor_tmp"),
    }
    code = (
        "import duckdb, json, sys\n"
        "con = duckdb.connect(config=json.loads(sys.argv[2]))\n"
        "con.execute(\"set TimeZone = 'UTC'\")\n"
        "statements = [s for s in open(sys.argv[1]).read().split(';') if s.strip()]\n"
        "for s in statements[:-1]:\n    con.execute(s)\n"
        "print(json.dumps(dict(con.execute(statements[-1]).fetchall())))\n"
    )
    cmd = [sys.executable, "-c", code, str(script), json.dumps(config)]
    return _run(FLOOR, cmd, dict(os.environ))


def _scan(raw: Path) -> Step:
    """Every column of every raw table read once (max of each column), the I/O floor."""
    code = (
        "import duckdb, sys, pathlib\n"
        "con = duckdb.connect(config={'threads': 2})\n"
        "for folder in sorted(pathlib.Path(sys.argv[1]).iterdir()):\n"
        "    files = sorted(str(p) for p in folder.glob('*.parquet'))\n"
        "    if files:\n"
        "        con.execute('select max(columns(*)) from read_parquet(?, union_by_name = true)', [files]).fetchall()\n"
    )
    return _run(SCAN, [sys.executable, "-c", code, str(raw)], dict(os.environ))


def _notebook(raw: Path) -> Step:
    cmd = [sys.executable, str(PROJECT_DIR / "bench" / "notebook.py"), str(raw), str(PROJECT_DIR / "seeds")]
    return _run(NOTEBOOK, cmd, dict(os.environ))


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= 1e-9 * max(1.0, abs(b))


def check_baselines(warehouse: Path, floor: Step, notebook: Step) -> str:
    """The floor's and the notebook's KPIs against kpi_scorecard; raises on any difference."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        marts = {
            (kpi, grain, str(start) if start else None): value
            for kpi, grain, start, value in con.execute(
                "select kpi_name, period_grain, period_start, value from marts.kpi_scorecard"
            ).fetchall()
        }
    finally:
        con.close()
    computed = json.loads(notebook.output.strip().splitlines()[-1])
    pairs = [(f"notebook {kpi} all", v, marts.get((kpi, "all", None))) for kpi, v in computed["all"].items()]
    pairs += [
        (f"notebook {kpi} week {week}", v, marts.get((kpi, "week", week)))
        for week, values in computed["week"].items()
        for kpi, v in values.items()
    ]
    floor_values = json.loads(floor.output.strip().splitlines()[-1])
    pairs += [(f"floor {kpi} all", v, marts.get((kpi, "all", None))) for kpi, v in floor_values.items()]
    wrong = [f"{label}: {got} != marts {want}" for label, got, want in pairs if not _same(got, want)]
    if wrong:
        raise RuntimeError("a baseline computes other numbers than the marts:\n" + "\n".join(wrong[:20]))
    in_notebook = len(pairs) - len(floor_values)
    return f"{len(pairs)} values equal to kpi_scorecard (floor {len(floor_values)}, notebook {in_notebook})"


def _generate_lines(tasks: int, days: int, seed: int, end: date, fmt: str, out: Path, id_prefix: str = "") -> int:
    faults = FaultRates.none()
    config = GeneratorConfig(tasks, days, seed, end, fmt, faults, id_prefix)  # type: ignore[arg-type]
    return generate(config, out).total_lines


def _in_fresh_process(args: tuple[Any, ...]) -> int:
    """_generate_lines(*args) in a fresh process: a child's peak memory starts from its
    parent's, so the bench process stays small and each step's peak stays its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return int(pool.apply(_generate_lines, args))


def _generate(tasks: int, days: int, seed: int, end: date, fmt: str, out: Path) -> int:
    return _in_fresh_process((tasks, days, seed, end, fmt, out))


def _generate_in_parts(tasks: int, days: int, seed: int, end: date, out: Path) -> int:
    """A Parquet feed of more tasks than the generator holds in memory at once: parts of
    PART_TASKS tasks, each with its own seed and id prefix (so the parts never share a
    task, call or event; releases are the same events in every part), each generated in a
    fresh process, their files side by side (`<table>-p<i>-<day>.parquet`)."""
    lines = 0
    for part in range(-(-tasks // PART_TASKS)):
        size = min(PART_TASKS, tasks - part * PART_TASKS)
        folder = out.parent / f"{out.name}-part"
        shutil.rmtree(folder, ignore_errors=True)
        lines += _in_fresh_process((size, days, seed + part, end, "parquet", folder, f"p{part}-"))
        for path in folder.glob("*/*.parquet"):
            table, day = path.parent.name, path.name.removeprefix(f"{path.parent.name}-")
            (out / table).mkdir(parents=True, exist_ok=True)
            path.rename(out / table / f"{table}-p{part}-{day}")
        shutil.rmtree(folder)
        print(f"  part {part + 1}: {size:,} tasks, {lines:,} rows so far", flush=True)
    return lines


def run_bench(scale: int, days: int, workdir: Path, seed: int = 42) -> list[Step]:
    end = datetime.now(UTC).date()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    raw = workdir / "raw_all"
    print(f"benchmark at {scale:,} tasks over {days} days (Parquet) in {workdir}", flush=True)
    t0 = time.perf_counter()
    lines = _generate(scale, days, seed, end, "parquet", raw)
    print(f"  generated {lines:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
    last_day = end - timedelta(days=1)
    before, hour, rest = _split_last_day(raw, last_day, workdir / "split")

    full_raw = workdir / "full" / "raw"
    _link_files(before, raw, full_raw)
    _link_files(hour + rest, workdir / "split", full_raw)
    full_wh = workdir / "full" / "wh" / "agent_kpis.duckdb"
    steps = [
        _dbt(FULL_BUILD, ["build", "--full-refresh"], full_raw, full_wh),
        _dbt(FULL_RUN, ["run", "--full-refresh"], full_raw, full_wh),
        _scan(full_raw),
    ]
    floor, notebook = _floor(full_raw, workdir), _notebook(full_raw)
    steps += [floor, notebook]
    checked = check_baselines(full_wh, floor, notebook)
    print(f"  baselines: {checked}", flush=True)

    # the trace route: the same world as OpenTelemetry traces plus what traces cannot carry
    trace_raw = workdir / "trace" / "raw"
    t0 = time.perf_counter()
    _generate(scale, days, seed, end, "otlp", trace_raw)
    print(f"  generated the trace route's files in {time.perf_counter() - t0:.1f} s", flush=True)
    trace_wh = workdir / "trace" / "wh" / "agent_kpis.duckdb"
    steps.append(_dbt(TRACE_STEP, ["build", "--full-refresh"], trace_raw, trace_wh))

    base_raw = workdir / "inc" / "raw"
    _link_files(before, raw, base_raw)
    base_wh = workdir / "inc" / "wh" / "agent_kpis.duckdb"
    _dbt("(setup) build up to the last day", ["build", "--full-refresh"], base_raw, base_wh)
    snapshot = workdir / "inc" / "snapshot.duckdb"
    shutil.copy(base_wh, snapshot)
    # The hour/day runs use the default lookback (0: exact arrival tracking). Everything above
    # was loaded minutes ago, so a 72 h margin re-derives every task: one run shows its cost
    # in this worst case.
    margin = ["--vars", '{"incremental_lookback_hours": 72}']
    for label, files in (("hour", hour), ("day", hour + rest)):
        _link_files(files, workdir / "split", base_raw)
        shutil.copy(snapshot, base_wh)
        steps.append(_dbt(f"incremental dbt build, one new {label}", ["build"], base_raw, base_wh))
        shutil.copy(snapshot, base_wh)
        steps.append(_dbt(f"incremental dbt run, one new {label}", ["run"], base_raw, base_wh))
        if label == "day":
            shutil.copy(snapshot, base_wh)
            steps.append(_dbt("incremental dbt run, new day, 72 h lookback", ["run", *margin], base_raw, base_wh))
        for path in files:  # reset to "up to the last day" for the next label
            (base_raw / path.relative_to(workdir / "split")).unlink()
    return steps


def run_at_scale(scale: int, days: int, workdir: Path, seed: int = 42) -> list[Step]:
    """The scale goal only: a full `dbt run` of every day but the last, then the last day as
    an incremental run, under the profile's memory limit (the baselines and the test
    builds are what the smaller scales measure)."""
    end = datetime.now(UTC).date()
    raw, marker = workdir / "raw_all", workdir / "feed.json"
    feed = json.dumps({"tasks": scale, "days": days, "seed": seed, "end": end.isoformat()})
    print(f"scale benchmark at {scale:,} tasks over {days} days (Parquet, parts of {PART_TASKS:,})", flush=True)
    if marker.exists() and marker.read_text() == feed:  # the same feed, generated before: kept
        lines = sum(pq.ParquetFile(p).metadata.num_rows for p in raw.glob("*/*.parquet"))
        print(f"  reusing the feed generated before: {lines:,} rows", flush=True)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        t0 = time.perf_counter()
        lines = _generate_in_parts(scale, days, seed, end, raw)
        marker.write_text(feed)
        print(f"  generated {lines:,} rows in {time.perf_counter() - t0:.1f} s", flush=True)
    for stale in (workdir / "split", workdir / "inc"):
        shutil.rmtree(stale, ignore_errors=True)
    before, hour, rest = _split_last_day(raw, end - timedelta(days=1), workdir / "split")
    base_raw, warehouse = workdir / "inc" / "raw", workdir / "inc" / "wh" / "agent_kpis.duckdb"
    _link_files(before, raw, base_raw)
    # one model at a time: two large models side by side share one memory limit, and at 10M
    # tasks fct_tasks and a KPI model together ran out of it (docs/decisions.md, "Engine settings")
    one = ["--threads", "1"]
    _dbt("(setup) dbt seed", ["seed"], base_raw, warehouse)
    steps = [_dbt(SCALE_RUN, ["run", "--full-refresh", *one], base_raw, warehouse)]
    _link_files(hour + rest, workdir / "split", base_raw)
    steps.append(_dbt(SCALE_DAY, ["run", *one], base_raw, warehouse))
    size = warehouse.stat().st_size / 2**30
    print(f"  {lines:,} raw rows; warehouse {size:.1f} GiB", flush=True)
    return steps


JOB_STAGES = ("landing_validation", "dbt_build", "publishing_validation", "publish")


def _job(name: str, raw: Path, warehouse: Path, full_refresh: bool) -> dict[str, dict[str, Any]]:
    """`agent-kpis run` as a scheduler starts it, in its own process: its stage records
    (seconds, peak MB of the job and of dbt) and the whole run as `total`."""
    runs = warehouse.parent / "runs"
    env = {**_env(raw, warehouse), "AGENT_KPIS_DEMO": "1", "AGENT_KPIS_PUBLISH_DIR": str(warehouse.parent / "pub")}
    cmd = [str(BIN / "agent-kpis"), "run", "--raw-root", str(raw), "--duckdb", str(warehouse),
           "--runs-dir", str(runs), *(["--full-refresh"] if full_refresh else [])]  # fmt: skip
    step = _run(name, cmd, env)
    latest = sorted(p for p in runs.iterdir() if p.is_dir())[-1]
    records = [json.loads(line) for line in (latest / "run.jsonl").read_text().splitlines()]
    stages = {r["step"]: r for r in records if r["step"] in JOB_STAGES and r["status"] == "ok"}
    stages["total"] = {"seconds": step.seconds, "peak_mb": step.peak_mb}
    return stages


def _keep(warehouse: Path, into: Path) -> None:
    """The warehouse with the job's side files (saved parse, code fingerprint)."""
    into.mkdir(parents=True, exist_ok=True)
    for path in warehouse.parent.glob(f"*{warehouse.name}*"):
        if path.is_file() and not path.name.endswith(".lock"):
            shutil.copy(path, into / path.name)


def run_job_bench(scale: int, days: int, workdir: Path, seed: int = 42) -> dict[str, dict[str, dict[str, Any]]]:
    """The job a scheduler runs: `agent-kpis run --full-refresh` on every file, and
    `agent-kpis run` on a warehouse built up to the last day given its first hour, or the
    whole day (default settings)."""
    end = datetime.now(UTC).date()
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    raw = workdir / "raw_all"
    print(f"job benchmark at {scale:,} tasks over {days} days (Parquet) in {workdir}", flush=True)
    _generate(scale, days, seed, end, "parquet", raw)
    before, hour, rest = _split_last_day(raw, end - timedelta(days=1), workdir / "split")
    full_raw = workdir / "full" / "raw"
    _link_files(before, raw, full_raw)
    _link_files(hour + rest, workdir / "split", full_raw)
    results = {"full": _job("agent-kpis run --full-refresh", full_raw, workdir / "full" / "wh" / "w.duckdb", True)}
    base_raw, base_wh = workdir / "inc" / "raw", workdir / "inc" / "wh" / "w.duckdb"
    _link_files(before, raw, base_raw)
    _job("(setup) the job up to the last day", base_raw, base_wh, True)
    _keep(base_wh, workdir / "inc" / "snapshot")
    for label, files in (("hour", hour), ("day", hour + rest)):
        _link_files(files, workdir / "split", base_raw)
        for path in (workdir / "inc" / "snapshot").iterdir():
            shutil.copy(path, base_wh.parent / path.name)
        results[label] = _job(f"agent-kpis run, one new {label}", base_raw, base_wh, False)
        for path in files:
            (base_raw / path.relative_to(workdir / "split")).unlink()
    return results


def job_table(scale: int, results: dict[str, dict[str, dict[str, Any]]]) -> str:
    """stage x (full, hour, day): seconds and peak MB (dbt's own for the build)."""
    rows = []
    for stage in (*JOB_STAGES, "total"):
        cells = []
        for run in ("full", "hour", "day"):
            record = results[run].get(stage, {})
            peak = record.get("dbt_peak_mb", record.get("peak_mb"))
            cells += [f"{record.get('seconds', 0):.1f}", f"{peak or 0:,.0f}"]
        rows.append(f"| {scale:,} | {stage} | " + " | ".join(cells) + " |")
    full = results["full"]["total"]["seconds"]
    shares = [f"{100 * results[r]['total']['seconds'] / full:.0f}%" for r in ("hour", "day")]
    goal = "share of the full job (goal hour ≤ 10%, day ≤ 15%)"
    rows.append(f"| {scale:,} | {goal} | | | {shares[0]} | | {shares[1]} | |")
    return "\n".join(rows)


JOB_TABLE_HEAD = (
    "| tasks | stage | full s | full peak MB | hour s | hour peak MB | day s | day peak MB |\n"
    "|---:|---|---:|---:|---:|---:|---:|---:|\n"
)


def _row(scale: int, step: Step) -> str:
    spill = f"{step.spill_mb:,.0f}" if step.spill_mb is not None else ""
    return f"| {scale:,} | {step.name} | {step.seconds:.1f} | {step.peak_mb:,.0f} | {spill} |"


def results_table(scale: int, steps: list[Step]) -> str:
    by = {s.name: s for s in steps}
    rows = [_row(scale, s) for s in steps]
    if SCALE_RUN in by:
        share = 100 * by[SCALE_DAY].seconds / by[SCALE_RUN].seconds
        return "\n".join([*rows, f"| {scale:,} | ratio incremental day / full run | {share:.0f}% | | |"])
    full, run, floor, notebook = by[FULL_BUILD], by[FULL_RUN], by[FLOOR], by[NOTEBOOK]
    ratios = [
        f"| {scale:,} | ratio full run / floor (goal ≤ 5x) | {run.seconds / floor.seconds:.1f}x | | |",
        f"| {scale:,} | ratio full run / notebook (goal < 1x) | {run.seconds / notebook.seconds:.2f}x | | |",
        f"| {scale:,} | ratio full build / floor (goal ≤ 10x) | {full.seconds / floor.seconds:.1f}x | | |",
        f"| {scale:,} | ratio trace route / contract route, full build"
        f" | {by[TRACE_STEP].seconds / full.seconds:.2f}x | | |",
        *(
            f"| {scale:,} | ratio {name.replace('incremental dbt ', '')} / full build"
            f"{INCREMENTAL_GOALS.get(name, '')} | {100 * by[name].seconds / full.seconds:.0f}% | | |"
            for name in by
            if name.startswith("incremental")
        ),
    ]
    return "\n".join(rows + ratios)


TABLE_HEAD = "| tasks | step | seconds | peak MB | spill MB |\n|---:|---|---:|---:|---:|\n"


def main(scale: int, days: int, workdir: Path, job: bool = False) -> int:
    if job:
        head, table = JOB_TABLE_HEAD, job_table(scale, run_job_bench(scale, days, workdir))
    else:
        steps = run_at_scale(scale, days, workdir) if scale >= LARGE_SCALE else run_bench(scale, days, workdir)
        head, table = TABLE_HEAD, results_table(scale, steps)
    print("\n" + head + table)
    doc = PROJECT_DIR / "docs" / "benchmarks.md"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with doc.open("a") as fh:
        fh.write(f"\n### {'the job, ' if job else ''}{scale:,} tasks, {days} days — measured {stamp}\n\n")
        fh.write(head + table + "\n")
    print(f"\nappended to {doc}")
    return 0
