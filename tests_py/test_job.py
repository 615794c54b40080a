"""`agent-kpis run`: exit codes a scheduler can route, structured logs, kept artifacts."""

from __future__ import annotations

import json
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


def test_a_good_run_exits_0_and_keeps_its_artifacts(raw: Path, tmp_path: Path) -> None:
    warehouse, runs = tmp_path / "wh" / "w.duckdb", tmp_path / "runs"
    code = job.run_job(PROJECT_DIR, raw, warehouse, full_refresh=True, runs_dir=runs)
    assert code == job.EXIT_OK
    steps = _steps(runs)
    assert [s["step"] for s in steps] == [
        "start",
        "landing_validation",
        "dbt_build",
        "publishing_validation",
        "publish",
        "stop_the_line",
        "end",
    ]
    run_dir = next(runs.iterdir())
    assert (run_dir / "run_results.json").exists() and (run_dir / "summary.md").exists()
    assert query(warehouse, "select count(*) from marts.fct_tasks")[0][0] > 0


def test_stop_the_line_exits_4_when_the_operator_asks(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse, runs = tmp_path / "wh" / "w.duckdb", tmp_path / "runs"
    every_day = '{"alert_current_days": 100000}'
    assert job.run_job(PROJECT_DIR, raw, warehouse, full_refresh=True, dbt_vars=every_day, runs_dir=runs) == 0
    assert query(warehouse, "select count(*) from marts.kpi_alerts where is_current")[0][0] > 0
    monkeypatch.setenv("AGENT_KPIS_STOP_THE_LINE_SEVERITY", "error")
    assert job.run_job(PROJECT_DIR, raw, warehouse, dbt_vars=every_day, runs_dir=runs) == job.EXIT_STOP_THE_LINE


def test_a_broken_feed_exits_2_before_dbt_runs(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    generate(
        GeneratorConfig(tasks=500, days=5, seed=2, end_date=END_DATE, faults=FaultRates(missing_required=0.3)), raw
    )
    runs = tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, raw, tmp_path / "w.duckdb", runs_dir=runs) == job.EXIT_FEED
    assert "dbt_build" not in [s["step"] for s in _steps(runs)]
    assert not (tmp_path / "w.duckdb").exists()


def test_a_failed_build_exits_3(raw: Path, tmp_path: Path) -> None:
    broken_project = '{"raw_tables": 5}'  # the landing hook and models cannot compile
    runs = tmp_path / "runs"
    code = job.run_job(PROJECT_DIR, raw, tmp_path / "w.duckdb", dbt_vars=broken_project, runs_dir=runs)
    assert code == job.EXIT_BUILD
    assert [s["status"] for s in _steps(runs) if s["step"] == "dbt_build"] == ["failed"]


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
