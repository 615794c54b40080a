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


def test_a_good_run_exits_0_and_keeps_its_artifacts(raw: Path, good_run: tuple[int, Path, Path]) -> None:
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
    # each stage's real cost; a full refresh validates every file and builds everything
    for step in ("landing_validation", "publishing_validation", "publish"):
        (record,) = [s for s in steps if s["step"] == step]
        assert record["seconds"] > 0 and record["cpu_seconds"] > 0 and record["peak_mb"] > 50, record
    built = next(s for s in steps if s["step"] == "dbt_build" and s["status"] == "ok")
    assert built["selector"] == "hourly_job" and built["dbt_peak_mb"] > 100 and built["cpu_seconds"] > 1
    landing = next(s for s in steps if s["step"] == "landing_validation")
    assert landing["files"] == sum(1 for p in raw.rglob("*") if p.is_file())
    assert {"unit_test", "seed"} <= _resource_types(run_dir)


def _resource_types(run_dir: Path) -> set[str]:
    results = json.loads((run_dir / "run_results.json").read_text())["results"]
    return {r["unique_id"].split(".")[0] for r in results}


def test_the_next_run_reuses_the_parse_and_does_only_the_hours_work(
    raw: Path, good_run: tuple[int, Path, Path]
) -> None:
    """Same code, no new file: no file validated, no unit test, seed or test on a seed run;
    the data tests (one of them on a seed and a model) still do."""
    _, warehouse, runs = good_run
    assert job.saved_parse(warehouse).exists() and job.built_code(warehouse).exists()
    assert job.run_job(PROJECT_DIR, raw, warehouse, runs_dir=runs) == job.EXIT_OK
    (latest,) = sorted(p for p in runs.iterdir() if p.is_dir())[-1:]
    dbt_log = (latest / "logs" / "dbt.log").read_text()
    assert "Unable to do partial parsing" not in dbt_log and "Partial parsing enabled" in dbt_log
    steps = _steps(runs)
    assert next(s for s in steps if s["step"] == "landing_validation")["files"] == 0
    assert next(s for s in steps if s["step"] == "dbt_build" and s["status"] == "ok")["selector"] == "hourly_new_data"
    assert "test" in _resource_types(latest) and not _resource_types(latest) & {"unit_test", "seed"}
    results = json.loads((latest / "run_results.json").read_text())["results"]
    assert any(r["unique_id"].endswith("assert_verified_success_has_every_required_check_passed") for r in results)


def test_the_code_fingerprint_follows_code_seeds_and_vars(tmp_path: Path) -> None:
    for folder in ("models", "seeds", "docs"):
        (tmp_path / folder).mkdir()
    (tmp_path / "models" / "m.sql").write_text("select 1")
    (tmp_path / "seeds" / "s.csv").write_text("a\n1\n")
    first = job.code_fingerprint(tmp_path, None)
    (tmp_path / "docs" / "notes.md").write_text("not code")
    assert job.code_fingerprint(tmp_path, None) == first
    assert job.code_fingerprint(tmp_path, '{"x": 1}') != first
    (tmp_path / "seeds" / "s.csv").write_text("a\n2\n")
    assert job.code_fingerprint(tmp_path, None) != first


def test_an_hourly_run_validates_only_the_new_files(tmp_path: Path) -> None:
    """A new broken file stops the run, named; once it is gone, a new file of another table
    lands, and task_events (required) counts the rows the warehouse already holds."""
    raw, warehouse, runs = tmp_path / "raw", tmp_path / "wh" / "w.duckdb", tmp_path / "runs"
    generate(GeneratorConfig(tasks=300, days=4, seed=5, end_date=END_DATE), raw)
    assert job.run_job(PROJECT_DIR, raw, warehouse, full_refresh=True, runs_dir=runs) == job.EXIT_OK
    bad = raw / "task_events" / "late-bad.jsonl"
    bad.write_text("".join(json.dumps({"event_id": f"x{i}", "event_type": "created"}) + "\n" for i in range(50)))
    assert job.run_job(PROJECT_DIR, raw, warehouse, runs_dir=runs) == job.EXIT_FEED
    landing = next(s for s in _steps(runs) if s["step"] == "landing_validation")
    assert landing["files"] == 1 and f"most in {bad}" in str(landing["failures"])
    bad.unlink()
    other = tmp_path / "other"
    generate(GeneratorConfig(tasks=40, days=1, seed=6, end_date=END_DATE), other)
    (new,) = sorted((other / "feedback").glob("*.jsonl"))[:1]
    shutil.copy(new, raw / "feedback" / "late-feedback.jsonl")
    assert job.run_job(PROJECT_DIR, raw, warehouse, runs_dir=runs) == job.EXIT_OK
    landing = next(s for s in _steps(runs) if s["step"] == "landing_validation")
    assert landing["files"] == 1 and landing["status"] == "ok"


def test_dbt_killed_by_sigkill_exits_8(raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The kernel's out-of-memory killer sends SIGKILL: a dbt that dies of it is routed to its
    own exit code, not to a build failure."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dbt").write_text("#!/bin/sh\nkill -9 $$\n")
    (fake / "dbt").chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(fake / "python"))
    runs = tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, raw, tmp_path / "w.duckdb", full_refresh=True, runs_dir=runs) == job.EXIT_MEMORY
    end = _steps(runs)[-1]
    assert end["status"] == "memory" and "SIGKILL" in str(end["error"])


def test_duckdb_out_of_memory_exits_8(raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_KPIS_MEMORY_LIMIT", "1MB")
    runs = tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, raw, tmp_path / "w.duckdb", full_refresh=True, runs_dir=runs) == job.EXIT_MEMORY
    assert "Out of Memory" in str(_steps(runs)[-1]["error"])


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
