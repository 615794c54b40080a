"""`agent-kpis run`: the job a scheduler runs every hour.

landing validation -> dbt build (incremental) -> publishing validation -> publish (atomic swap
of the marts BI tools read, see publish.py) -> stop-the-line check. The exit code says what
failed, so a scheduler can route it:

    0 ok · 2 feed (landing validation) · 3 build (dbt) · 4 stop-the-line · 5 publish (publishing
    validation failed or the snapshot could not be written; the previous snapshot stays published)

Stop-the-line is checked after publishing: the alerts are facts about the agents, not about the
data, so dashboards must show them.

Each step is logged as one JSON line (stdout and reports/runs/<run_id>/run.jsonl); dbt's
run_results.json and manifest.json and the validation summary are kept beside it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

EXIT_OK, EXIT_FEED, EXIT_BUILD, EXIT_STOP_THE_LINE, EXIT_PUBLISH = 0, 2, 3, 4, 5


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


def current_alerts_in(path: Path) -> list[tuple[Any, ...]]:
    """The stop-the-line alerts on the latest day, read from a warehouse or a published file."""
    from agent_kpis.scorecard import current_alerts

    con = duckdb.connect(str(path), read_only=True)
    try:
        return current_alerts(con)
    finally:
        con.close()


def run_job(
    project_dir: Path,
    raw_root: Path,
    warehouse: Path,
    full_refresh: bool = False,
    dbt_vars: str | None = None,
    runs_dir: Path | None = None,
    publish_dir: Path | None = None,
) -> int:
    from agent_kpis.publish import PublishError, publish
    from agent_kpis.validation import validate_landing, validate_publishing, write_summary

    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = (runs_dir or project_dir / "reports" / "runs") / run_id
    run_dir.mkdir(parents=True, exist_ok=True)
    log = _Log(run_dir, run_id)
    severity = os.environ.get("AGENT_KPIS_STOP_THE_LINE_SEVERITY", "warn")
    log("start", "ok", raw_root=str(raw_root), warehouse=str(warehouse), full_refresh=full_refresh)

    landing = validate_landing(project_dir, raw_root)
    log("landing_validation", "ok" if landing.success else "failed", expectations=landing.expectations,
        failures=[f.line() for f in landing.failures], seconds=round(landing.seconds, 1))  # fmt: skip
    if not landing.success:
        write_summary([landing], run_dir, project_dir)
        return EXIT_FEED

    target = run_dir / "target"
    env = {
        **os.environ,
        "AGENT_KPIS_RAW_ROOT": str(raw_root),
        "AGENT_KPIS_DUCKDB": str(warehouse),
        "DBT_PROFILES_DIR": str(project_dir),
        "DO_NOT_TRACK": "1",
        # the job decides on stop-the-line itself, after publishing validation
        "AGENT_KPIS_STOP_THE_LINE_SEVERITY": "warn",
    }
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    Path(env.get("AGENT_KPIS_TEMP_DIR", project_dir / "data" / "tmp")).mkdir(parents=True, exist_ok=True)
    cmd = [str(Path(sys.executable).with_name("dbt")), "build", "--target-path", str(target),
           "--log-path", str(run_dir / "logs")]  # fmt: skip
    if full_refresh:
        cmd.append("--full-refresh")
    if dbt_vars:
        cmd += ["--vars", dbt_vars]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=project_dir, env=env, capture_output=True, text=True, check=False)
    (run_dir / "dbt_build.log").write_text(proc.stdout + proc.stderr)
    for artifact in ("run_results.json", "manifest.json"):
        if (target / artifact).exists():
            shutil.copy(target / artifact, run_dir / artifact)
    shutil.rmtree(target, ignore_errors=True)
    log("dbt_build", "ok" if proc.returncode == 0 else "failed", returncode=proc.returncode,
        seconds=round(time.perf_counter() - started, 1))  # fmt: skip
    if proc.returncode != 0:
        return EXIT_BUILD

    publishing = validate_publishing(project_dir, raw_root, warehouse)
    write_summary([landing, publishing], run_dir, project_dir)
    log("publishing_validation", "ok" if publishing.success else "failed", expectations=publishing.expectations,
        failures=[f.line() for f in publishing.failures], seconds=round(publishing.seconds, 1))  # fmt: skip
    if not publishing.success:
        return EXIT_PUBLISH

    publish_dir = publish_dir or Path(os.environ.get("AGENT_KPIS_PUBLISH_DIR", project_dir / "data" / "published"))
    try:
        publication = publish(warehouse, publish_dir, run_id=run_id)
    except PublishError as exc:
        log("publish", "failed", error=str(exc))
        return EXIT_PUBLISH
    log("publish", "ok", **publication.as_dict())

    alerts = current_alerts_in(warehouse)
    stop = bool(alerts) and severity == "error"
    log("stop_the_line", "stopped" if stop else "ok", severity=severity, current_alerts=len(alerts),
        alerts=[list(a) for a in alerts])  # fmt: skip
    if stop:
        return EXIT_STOP_THE_LINE
    log("end", "ok")
    return EXIT_OK
