"""`agent-kpis run`: the job a scheduler runs every hour.

landing validation (of the files not landed yet) -> dbt build (incremental) -> publishing
validation -> publish (atomic swap of the marts BI tools read, see publish.py) ->
stop-the-line check. The exit code says what failed, so a scheduler can route it
(EXIT_MEANINGS), or 128 + signal when stopped by SIGTERM or SIGINT (forwarded to dbt first).

Stop-the-line is checked after publishing: the alerts are facts about the agents, not about the
data, so dashboards must show them.

Each step is logged as one JSON line (stdout and reports/runs/<run_id>/run.jsonl) with its
real seconds, CPU seconds and peak memory (resources.py; dbt's own peak as dbt_peak_mb), and
the last record is always `end`, with the exit code. dbt's run_results.json and manifest.json and
the validation summary are kept beside it; after a failed build, dbt's target folder too.
dbt's saved parse is kept beside the warehouse, so the next run parses only what changed, and
so is the fingerprint of the project's code: while it is unchanged, the build leaves out the
unit tests, the seeds and their tests (selector hourly_new_data), which a change of code or
seeds, a new warehouse and a full refresh run again (selector hourly_job).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from agent_kpis import settings
from agent_kpis.privacy import SaltRefused, check_salt
from agent_kpis.resources import child_peak_mb, measured, release_memory
from agent_kpis.runtime import Busy, Interrupted, SignalForwarder, run_lock

EXIT_MEANINGS = {
    "ok": "ok",
    "error": "internal error (a bug: the log's last record has it)",
    "feed": "the raw root is missing or unreadable, or landing validation failed; dbt did not run",
    "build": "dbt failed",
    "stop-the-line": "a current stop-the-line alert at severity error (the snapshot is published)",
    "publish": "publishing validation failed or the snapshot could not be written; the previous snapshot stays",
    "busy": "another run holds the warehouse; this one did nothing",
    "configuration": "the public demo PII salt outside a demo",
    "memory": "out of memory: dbt was killed by SIGKILL (the kernel's out-of-memory killer) or DuckDB or"
    " Python ran out of memory; give the job more memory, or DuckDB a lower AGENT_KPIS_MEMORY_LIMIT so it spills",
}
(EXIT_OK, EXIT_ERROR, EXIT_FEED, EXIT_BUILD, EXIT_STOP_THE_LINE, EXIT_PUBLISH, EXIT_BUSY, EXIT_CONFIG,
 EXIT_MEMORY) = range(len(EXIT_MEANINGS))  # fmt: skip
OUT_OF_MEMORY_MARKERS = ("Out of Memory Error", "MemoryError")  # DuckDB's and Python's, in dbt's errors
DBT_GRACE_SECONDS = 30  # after a forwarded signal, dbt gets this long before SIGKILL


class _Log:
    def __init__(self, run_dir: Path, run_id: str) -> None:
        self.path = run_dir / "run.jsonl"
        self.run_id = run_id

    def __call__(self, step: str, status: str, **fields: Any) -> None:
        record = {"at": datetime.now(UTC).isoformat(), "run_id": self.run_id, "step": step, "status": status, **fields}
        line = json.dumps(record, default=str)
        print(line, flush=True)
        with self.path.open("a") as fh:
            fh.write(line + "\n")


class _Exit(Exception):
    def __init__(self, code: int, status: str, message: str) -> None:
        super().__init__(message)
        self.code, self.status = code, status


def new_run_id() -> str:
    """Unique even for runs started in the same microsecond: time, then random hex."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def current_alerts_in(path: Path) -> list[tuple[Any, ...]]:
    """The stop-the-line alerts on the latest day, read from a warehouse or a published file."""
    from agent_kpis.scorecard import current_alerts

    con = duckdb.connect(str(path), read_only=True)
    try:
        return current_alerts(con)
    finally:
        con.close()


def dbt_failures(target: Path, output: str, limit: int = 20) -> list[dict[str, str]]:
    """The failing dbt nodes with their first error line (run_results.json), or, when dbt
    stopped before any node ran (a hook, the project), the first error lines of its output."""
    results = target / "run_results.json"
    if results.exists():
        failed = [
            {"node": r["unique_id"], "status": r["status"], "error": _first_line(r.get("message") or "")}
            for r in json.loads(results.read_text())["results"]
            if r["status"] in ("error", "fail", "runtime error")
        ]
        if failed:
            return failed[:limit]
    lines = [line.strip() for line in output.splitlines()]
    errors = [i for i, line in enumerate(lines) if "Error" in line and not line.startswith("Done.")]
    return [{"node": "dbt", "status": "error", "error": " ".join(lines[i : i + 2])[:500]} for i in errors[:3]]


def _first_line(message: str) -> str:
    """A message's first line, with the next one when the first only announces it ("...error:")."""
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].endswith(":"):
        return f"{lines[0]} {lines[1]}"
    return lines[0] if lines else ""


@dataclass
class _Run:
    project_dir: Path
    raw_root: Path
    warehouse: Path
    run_dir: Path
    run_id: str
    log: _Log
    signals: SignalForwarder
    full_refresh: bool
    dbt_vars: str | None
    publish_dir: Path


def _run_dbt(run: _Run, cmd: list[str], env: dict[str, str]) -> tuple[int, int]:
    """dbt in its own process group, output to dbt_build.log; a forwarded signal gets
    DBT_GRACE_SECONDS before the group is killed. Returns dbt's exit code (minus the signal
    that killed it) and its peak memory in MB, from its own resource usage."""
    with (run.run_dir / "dbt_build.log").open("w") as out:
        proc = subprocess.Popen(cmd, cwd=run.project_dir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
        run.signals.child = proc
        run.log("dbt_build", "started", pid=proc.pid)
        try:
            forwarded_at = None
            while True:
                try:
                    pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                except ChildProcessError:  # reaped by the signal handler's poll(): no usage of its own
                    return (-1 if proc.returncode is None else proc.returncode), child_peak_mb(None)
                if pid:
                    proc.returncode = os.waitstatus_to_exitcode(status)
                    return proc.returncode, child_peak_mb(usage)
                time.sleep(0.1)
                if run.signals.received and forwarded_at is None:
                    forwarded_at = time.monotonic()
                if forwarded_at and time.monotonic() - forwarded_at > DBT_GRACE_SECONDS:
                    os.killpg(proc.pid, signal.SIGKILL)
        finally:
            run.signals.child = None


def _landing(run: _Run) -> Any:
    """A full refresh validates every file; an incremental run the files not landed yet."""
    from agent_kpis.validation import FeedError, validate_landing, write_summary

    with measured() as cost:
        try:
            landing = validate_landing(run.project_dir, run.raw_root, None if run.full_refresh else run.warehouse)
        except FeedError as exc:
            landing = exc
    release_memory()  # dbt runs next: the frames' memory goes back to the system
    if isinstance(landing, FeedError):
        run.log("landing_validation", "failed", error=str(landing), **cost)
        raise _Exit(EXIT_FEED, "feed", f"feed: {landing}") from landing
    run.log("landing_validation", "ok" if landing.success else "failed", files=landing.files,
            expectations=landing.expectations, quarantined_files=landing.quarantined_files,
            failures=[f.line() for f in landing.failures], gx_seconds=round(landing.seconds, 1), **cost)  # fmt: skip
    if not landing.success:
        write_summary([landing], run.run_dir, run.project_dir)
        first = landing.failures[0].line()
        more = f" (and {len(landing.failures) - 1} more)" if len(landing.failures) > 1 else ""
        raise _Exit(EXIT_FEED, "feed", f"feed: {first}{more}")
    return landing


SAVED_PARSE = "partial_parse.msgpack"


def saved_parse(warehouse: Path) -> Path:
    """Where the job keeps dbt's saved parse between runs: beside the warehouse (a parse is
    valid for one profile, and the profile names the warehouse). dbt checks it against the
    project files, the profile and the variables, and re-parses in full (about 6 s) only if
    one of them changed."""
    return warehouse.with_name(f".{warehouse.name}.{SAVED_PARSE}")


CODE_PATHS = ("models", "macros", "seeds", "tests", "analyses", "snapshots", "dbt_project.yml", "selectors.yml")


def code_fingerprint(project_dir: Path, dbt_vars: str | None) -> str:
    """A hash of the project's dbt code and seeds (every file under CODE_PATHS) and the run's
    --vars."""
    digest = hashlib.sha256((dbt_vars or "").encode())
    for top in CODE_PATHS:
        root = project_dir / top
        for path in sorted([root] if root.is_file() else root.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(project_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def built_code(warehouse: Path) -> Path:
    """Where the job keeps the fingerprint of the code its warehouse was last built with in
    full (unit tests, seeds and all tests): beside the warehouse, like the saved parse."""
    return warehouse.with_name(f".{warehouse.name}.built_code")


def _selector(run: _Run, fingerprint: str) -> str:
    """hourly_new_data while the warehouse was built in full with this very code; hourly_job
    (everything) for a full refresh, a new warehouse or changed code or seeds."""
    stored = built_code(run.warehouse)
    same = stored.exists() and stored.read_text().strip() == fingerprint
    return "hourly_new_data" if same and run.warehouse.exists() and not run.full_refresh else "hourly_job"


def _build(run: _Run) -> None:
    target = run.run_dir / "target"
    saved = saved_parse(run.warehouse)
    if saved.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(saved, target / SAVED_PARSE)
    env = {
        **os.environ,
        settings.RAW_ROOT_ENV: str(run.raw_root),
        settings.WAREHOUSE_ENV: str(run.warehouse),
        "DBT_PROFILES_DIR": str(run.project_dir),
        "DO_NOT_TRACK": "1",
        # the job decides on stop-the-line itself, after publishing validation
        "AGENT_KPIS_STOP_THE_LINE_SEVERITY": "warn",
    }
    run.warehouse.parent.mkdir(parents=True, exist_ok=True)
    Path(env.get(settings.TEMP_DIR_ENV, settings.temp_dir())).mkdir(parents=True, exist_ok=True)
    dbt = str(Path(sys.executable).with_name("dbt"))
    fingerprint = code_fingerprint(run.project_dir, run.dbt_vars)
    selector = _selector(run, fingerprint)
    cmd = [
        dbt,
        "build",
        "--selector",
        selector,
        "--target-path",
        str(target),
        "--log-path",
        str(run.run_dir / "logs"),
    ]
    if run.full_refresh:
        cmd.append("--full-refresh")
    if run.dbt_vars:
        cmd += ["--vars", run.dbt_vars]
    with measured() as cost:
        returncode, dbt_peak_mb = _run_dbt(run, cmd, env)
    cost.update(selector=selector, dbt_peak_mb=dbt_peak_mb)
    for artifact in ("run_results.json", "manifest.json"):
        if (target / artifact).exists():
            shutil.copy(target / artifact, run.run_dir / artifact)
    if (target / SAVED_PARSE).exists():
        partial = saved.with_name(saved.name + ".new")  # same folder: the replace is atomic
        shutil.copy(target / SAVED_PARSE, partial)
        os.replace(partial, saved)
    if run.signals.received:
        run.log("dbt_build", "interrupted", returncode=returncode, **cost)
        raise Interrupted(run.signals.received)
    stored = built_code(run.warehouse)
    if returncode == 0:
        shutil.rmtree(target, ignore_errors=True)
        if selector == "hourly_job":  # everything ran and passed with this code
            stored.with_name(stored.name + ".new").write_text(fingerprint)
            os.replace(stored.with_name(stored.name + ".new"), stored)
        run.log("dbt_build", "ok", **cost)
        return
    stored.unlink(missing_ok=True)  # the next run builds everything again
    output = (run.run_dir / "dbt_build.log").read_text(errors="replace")
    failures = dbt_failures(target, output)
    run.log("dbt_build", "failed", returncode=returncode, failures=failures,
            log=str(run.run_dir / "dbt_build.log"), target=str(target), **cost)  # fmt: skip
    if returncode == -signal.SIGKILL:
        raise _Exit(EXIT_MEMORY, "memory", f"memory: dbt was killed by SIGKILL at {dbt_peak_mb} MB (the kernel's"
                    " out-of-memory killer, most likely)")  # fmt: skip
    first = failures[0] if failures else {"node": "dbt", "error": f"exit code {returncode}"}
    if any(marker in output for marker in OUT_OF_MEMORY_MARKERS):
        oom = next((f for f in failures if any(m in f["error"] for m in OUT_OF_MEMORY_MARKERS)), first)
        raise _Exit(EXIT_MEMORY, "memory", f"memory: {oom['node']}: {oom['error']}")
    raise _Exit(EXIT_BUILD, "build", f"build: {first['node']}: {first['error']}")


def _steps(run: _Run) -> int:
    from agent_kpis.publish import PublishError, publish
    from agent_kpis.validation import validate_publishing, write_summary

    landing = _landing(run)
    _build(run)

    with measured() as cost:
        publishing = validate_publishing(run.project_dir, run.warehouse)
        write_summary([landing, publishing], run.run_dir, run.project_dir)
    release_memory()
    run.log("publishing_validation", "ok" if publishing.success else "failed",
            expectations=publishing.expectations, failures=[f.line() for f in publishing.failures],
            gx_seconds=round(publishing.seconds, 1), **cost)  # fmt: skip
    if not publishing.success:
        raise _Exit(EXIT_PUBLISH, "publish", f"publish: {publishing.failures[0].line()}")
    with measured() as cost:
        try:
            publication = publish(run.warehouse, run.publish_dir, run_id=run.run_id)
        except PublishError as exc:
            publication = exc
    if isinstance(publication, PublishError):
        run.log("publish", "failed", error=str(publication), **cost)
        raise _Exit(EXIT_PUBLISH, "publish", f"publish: {publication}") from publication
    run.log("publish", "ok", **{**publication.as_dict(), **cost})

    severity = os.environ.get("AGENT_KPIS_STOP_THE_LINE_SEVERITY", "warn")
    alerts = current_alerts_in(run.warehouse)
    stop = bool(alerts) and severity == "error"
    run.log("stop_the_line", "stopped" if stop else "ok", severity=severity, current_alerts=len(alerts),
            alerts=[list(a) for a in alerts])  # fmt: skip
    return EXIT_STOP_THE_LINE if stop else EXIT_OK


def run_job(
    project_dir: Path,
    raw_root: Path,
    warehouse: Path,
    full_refresh: bool = False,
    dbt_vars: str | None = None,
    runs_dir: Path | None = None,
    publish_dir: Path | None = None,
) -> int:
    run_id = new_run_id()
    run_dir = (runs_dir or settings.runs_dir(project_dir)) / run_id
    run_dir.mkdir(parents=True)
    log = _Log(run_dir, run_id)
    log("start", "ok", raw_root=str(raw_root), warehouse=str(warehouse), full_refresh=full_refresh)
    code, status, fields = EXIT_OK, "ok", {}
    try:
        check_salt()
        with run_lock(warehouse, run_id), SignalForwarder() as signals:
            run = _Run(project_dir, raw_root, warehouse, run_dir, run_id, log, signals, full_refresh, dbt_vars,
                       publish_dir or settings.publish_dir())  # fmt: skip
            code = _steps(run)
            status = "stopped" if code == EXIT_STOP_THE_LINE else "ok"
    except SaltRefused as exc:
        code, status, fields = EXIT_CONFIG, "configuration", {"error": str(exc)}
    except Busy as exc:
        code, status, fields = EXIT_BUSY, "busy", {"error": str(exc)}
    except _Exit as exc:
        code, status, fields = exc.code, exc.status, {"error": str(exc)}
    except Interrupted as exc:
        code, status, fields = 128 + exc.signum, "interrupted", {"signal": signal.Signals(exc.signum).name}
    except MemoryError:
        release_memory()
        code, status, fields = EXIT_MEMORY, "memory", {"error": "memory: the job ran out of memory (MemoryError)"}
    except Exception as exc:  # a bug: one line for the scheduler, the traceback in the run folder
        (run_dir / "traceback.txt").write_text(traceback.format_exc())
        first = str(exc).splitlines()[0] if str(exc) else ""
        code, status, fields = EXIT_ERROR, "error", {"error": f"{type(exc).__name__}: {first}"}
    if code not in (EXIT_OK, EXIT_STOP_THE_LINE) and "error" in fields:
        print(f"agent-kpis run: {fields['error']}", file=sys.stderr, flush=True)
    log("end", status, exit_code=code, **fields)
    return code
