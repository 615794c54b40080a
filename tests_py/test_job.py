"""`agent-kpis run`: exit codes a scheduler can route, structured logs, kept artifacts."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent_kpis import job, validation
from agent_kpis.generator import FaultRates, GeneratorConfig, generate

from conftest import END_DATE, PROJECT_DIR, query


def _steps(runs: Path) -> list[dict[str, object]]:
    (run_dir,) = sorted(p for p in runs.iterdir() if p.is_dir())[-1:]
    return [json.loads(line) for line in (run_dir / "run.jsonl").read_text().splitlines()]


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("job") / "raw"
    generate(GeneratorConfig(tasks=1200, days=12, seed=9, end_date=END_DATE), out)
    return out


@pytest.fixture(scope="module")
def good_run(raw: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path, Path]:
    """One full run of the job over the module's feed: (exit code, warehouse, runs folder)."""
    base = tmp_path_factory.mktemp("good-run")
    warehouse, runs = base / "wh" / "w.duckdb", base / "runs"
    with pytest.MonkeyPatch.context() as mp:  # as conftest's _publish_dir does for each test
        mp.setenv("AGENT_KPIS_PUBLISH_DIR", str(base / "published"))
        mp.setenv("AGENT_KPIS_DEMO", "1")
        mp.delenv("DBT_ENV_SECRET_AGENT_KPIS_PII_SALT", raising=False)
        code = job.run_job(PROJECT_DIR, raw, warehouse, full_refresh=True, runs_dir=runs)
    return code, warehouse, runs


def test_a_good_run_exits_0_and_keeps_its_artifacts(good_run: tuple[int, Path, Path]) -> None:
    code, warehouse, runs = good_run
    assert code == job.EXIT_OK
    steps = _steps(runs)
    assert [(s["step"], s["status"]) for s in steps][:4] == [
        ("start", "ok"),
        ("landing_validation", "ok"),
        ("dbt_build", "started"),
        ("dbt_build", "ok"),
    ]
    assert [s["step"] for s in steps][4:] == [
        "publishing_validation",
        "publish",
        "stop_the_line",
        "end",
    ]
    run_dir = next(p for p in runs.iterdir() if p.is_dir())
    assert (run_dir / "run_results.json").exists() and (run_dir / "summary.md").exists()
    assert query(warehouse, "select count(*) from marts.fct_tasks")[0][0] > 0


def test_the_next_run_reuses_the_parse_the_last_one_saved(raw: Path, good_run: tuple[int, Path, Path]) -> None:
    _, warehouse, runs = good_run
    assert job.saved_parse(warehouse).exists()
    assert job.run_job(PROJECT_DIR, raw, warehouse, runs_dir=runs) == job.EXIT_OK
    (latest,) = sorted(p for p in runs.iterdir() if p.is_dir())[-1:]
    dbt_log = (latest / "logs" / "dbt.log").read_text()
    assert "Unable to do partial parsing" not in dbt_log and "Partial parsing enabled" in dbt_log


def test_stop_the_line_exits_4_when_the_operator_asks(
    raw: Path, good_run: tuple[int, Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a copy of a built warehouse: every alert day current, stop-the-line at severity error."""
    warehouse, runs = tmp_path / "wh" / "w.duckdb", tmp_path / "runs"
    warehouse.parent.mkdir()
    shutil.copy(good_run[1], warehouse)
    monkeypatch.setenv("AGENT_KPIS_STOP_THE_LINE_SEVERITY", "error")
    every_day = '{"alert_current_days": 100000}'
    assert job.run_job(PROJECT_DIR, raw, warehouse, dbt_vars=every_day, runs_dir=runs) == job.EXIT_STOP_THE_LINE
    assert query(warehouse, "select count(*) from marts.kpi_alerts where is_current")[0][0] > 0


def test_a_broken_feed_exits_2_before_dbt_runs_naming_table_and_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    generate(
        GeneratorConfig(tasks=500, days=5, seed=2, end_date=END_DATE, faults=FaultRates(missing_required=0.3)), raw
    )
    runs = tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, raw, tmp_path / "w.duckdb", runs_dir=runs) == job.EXIT_FEED
    steps = _steps(runs)
    assert "dbt_build" not in [s["step"] for s in steps]
    assert not (tmp_path / "w.duckdb").exists()
    end = steps[-1]
    assert (end["step"], end["status"], end["exit_code"]) == ("end", "feed", 2)
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert message.startswith("agent-kpis run: feed: [landing] ") and f"most in {raw}/" in message
    assert "Traceback" not in message


def test_a_missing_raw_root_exits_2_with_a_one_line_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = tmp_path / "runs"
    missing = tmp_path / "no such root"
    assert job.run_job(PROJECT_DIR, missing, tmp_path / "w.duckdb", runs_dir=runs) == job.EXIT_FEED
    assert capsys.readouterr().err.strip() == f"agent-kpis run: feed: raw root {missing} does not exist"
    assert not (tmp_path / "w.duckdb").exists()


def test_a_failed_build_exits_3_and_names_the_failing_node(raw: Path, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    code = job.run_job(PROJECT_DIR, raw, tmp_path / "w.duckdb", full_refresh=True, runs_dir=runs,
                       dbt_vars='{"alert_min_terminal_tasks": "not a number"}')  # fmt: skip
    assert code == job.EXIT_BUILD
    (failed,) = [s for s in _steps(runs) if s["step"] == "dbt_build" and s["status"] == "failed"]
    nodes = {f["node"] for f in failed["failures"]}  # type: ignore[union-attr]
    assert nodes and all(n.startswith(("model.", "test.")) for n in nodes)
    assert all(f["error"] for f in failed["failures"])  # type: ignore[union-attr]
    assert Path(str(failed["target"])).is_dir()  # kept for the compiled SQL the error points to
    assert _steps(runs)[-1]["error"].startswith("build: ")


def test_the_public_demo_salt_is_refused_outside_a_demo(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENT_KPIS_DEMO")
    runs = tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, raw, tmp_path / "w.duckdb", runs_dir=runs) == job.EXIT_CONFIG
    assert "DBT_ENV_SECRET_AGENT_KPIS_PII_SALT" in str(_steps(runs)[-1]["error"])
    assert not (tmp_path / "w.duckdb").exists()


def test_a_second_run_exits_busy_and_sigterm_stops_dbt_with_a_final_record(raw: Path, tmp_path: Path) -> None:
    warehouse, runs = tmp_path / "wh" / "w.duckdb", tmp_path / "runs"
    env = {**os.environ, "AGENT_KPIS_DEMO": "1"}
    cmd = [str(Path(sys.executable).with_name("agent-kpis")), "run", "--raw-root", str(raw), "--duckdb",
           str(warehouse), "--full-refresh", "--runs-dir", str(runs)]  # fmt: skip
    first = subprocess.Popen(cmd, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    dbt_pid = None
    for _ in range(600):
        started = [s for s in _all_steps(runs) if s["step"] == "dbt_build" and s["status"] == "started"]
        if started:
            dbt_pid = int(started[0]["pid"])  # type: ignore[arg-type]
            break
        time.sleep(0.1)
    assert dbt_pid is not None, first.communicate(timeout=60)

    second = job.run_job(PROJECT_DIR, raw, warehouse, runs_dir=runs)
    assert second == job.EXIT_BUSY
    run_dirs = sorted(p.name for p in runs.iterdir() if p.is_dir())
    assert len(run_dirs) == 2 and run_dirs[0] != run_dirs[1]

    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=120) == 128 + signal.SIGTERM
    records = [s for s in _all_steps(runs) if s["run_id"] != _busy_run(runs)]
    assert records[-1]["step"] == "end" and records[-1]["status"] == "interrupted"
    assert records[-1]["signal"] == "SIGTERM"
    with pytest.raises(ProcessLookupError):
        os.kill(dbt_pid, 0)  # dbt went down with the job: no orphan


def _all_steps(runs: Path) -> list[dict[str, object]]:
    out = []
    for run_dir in sorted(runs.glob("*")) if runs.exists() else []:
        if (run_dir / "run.jsonl").exists():
            out += [json.loads(line) for line in (run_dir / "run.jsonl").read_text().splitlines()]
    return out


def _busy_run(runs: Path) -> str:
    return next(str(s["run_id"]) for s in _all_steps(runs) if s["step"] == "end" and s["status"] == "busy")


def test_a_failed_publishing_validation_exits_5(raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = validation.validate_publishing

    def broken(*args: object, **kwargs: object) -> validation.ValidationReport:
        report = real(*args, **kwargs)  # type: ignore[arg-type]
        report.failures.append(validation.Failure("publishing", "kpi_scorecard", "expect_x", "value", 1, 10))
        return report

    monkeypatch.setattr(validation, "validate_publishing", broken)
    code = job.run_job(PROJECT_DIR, raw, tmp_path / "wh" / "w.duckdb", full_refresh=True, runs_dir=tmp_path / "r")
    assert code == job.EXIT_PUBLISH


def test_a_failed_publication_exits_5_and_keeps_the_previous_snapshot(raw: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "published"
    blocked.write_text("a file where the publish folder should be")
    runs = tmp_path / "runs"
    code = job.run_job(PROJECT_DIR, raw, tmp_path / "wh" / "w.duckdb", full_refresh=True, runs_dir=runs,
                       publish_dir=blocked)  # fmt: skip
    assert code == job.EXIT_PUBLISH
    (failed,) = [s for s in _steps(runs) if s["step"] == "publish"]
    assert failed["status"] == "failed" and "cannot write" in str(failed["error"])
