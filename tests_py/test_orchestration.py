"""The Dagster definition, materialised in-process on demo data (no daemon, no webserver)."""

import json
from pathlib import Path

import pytest
from dagster import AssetCheckSeverity, AssetKey, DagsterInstance

from agent_kpis.generator import FaultRates, GeneratorConfig, generate
from agent_kpis.orchestration import HOURLY, JOB_NAME, SCHEDULE_NAME, build_definitions, raw_asset_key

from conftest import END_DATE, PROJECT_DIR, query


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dagster") / "target"


@pytest.fixture(scope="module")
def defs(target: Path):  # type: ignore[no-untyped-def]
    return build_definitions(PROJECT_DIR, target_path=target)


def _dbt_checks_on_marts(manifest: Path) -> int:
    """dbt tests dagster-dbt turns into asset checks on marts: generic tests attached to a mart,
    and singular tests that depend on one mart only."""
    nodes = json.loads(manifest.read_text())["nodes"]

    def is_mart(unique_id: str | None) -> bool:
        node = nodes.get(unique_id or "")
        return bool(node) and node["resource_type"] == "model" and node["config"].get("schema") == "marts"

    tests = [n for n in nodes.values() if n["resource_type"] == "test"]
    generic = sum(1 for n in tests if n.get("test_metadata") and is_mart(n.get("attached_node")))
    singular = sum(
        1 for n in tests if not n.get("test_metadata") and len(n["depends_on"]["nodes"]) == 1
        and is_mart(n["depends_on"]["nodes"][0])
    )  # fmt: skip
    return generic + singular


def _env(monkeypatch: pytest.MonkeyPatch, base: Path) -> tuple[Path, Path, Path]:
    raw, warehouse, published = base / "raw", base / "wh" / "w.duckdb", base / "published"
    warehouse.parent.mkdir(parents=True)
    (warehouse.parent / "tmp").mkdir()
    monkeypatch.setenv("AGENT_KPIS_RAW_ROOT", str(raw))
    monkeypatch.setenv("AGENT_KPIS_DUCKDB", str(warehouse))
    monkeypatch.setenv("AGENT_KPIS_TEMP_DIR", str(warehouse.parent / "tmp"))
    monkeypatch.setenv("AGENT_KPIS_PUBLISH_DIR", str(published))
    monkeypatch.setenv("AGENT_KPIS_RULE_SEVERITY", "error")
    return raw, warehouse, published


def test_the_job_runs_hourly_over_every_asset(defs, target: Path) -> None:  # type: ignore[no-untyped-def]
    (schedule,) = defs.schedules
    assert schedule.name == SCHEDULE_NAME and schedule.cron_schedule == HOURLY == "0 * * * *"
    assert schedule.execution_timezone == "UTC" and schedule.job_name == JOB_NAME
    graph = defs.resolve_asset_graph()
    keys = graph.get_all_asset_keys()
    assert {raw_asset_key("task_events"), AssetKey(["marts", "kpi_scorecard"]), AssetKey("published_marts")} <= keys
    # dbt models hang off the raw telemetry assets, and publishing off every mart
    assert raw_asset_key("task_events") in graph.get(AssetKey(["staging", "base_telemetry__task_events"])).parent_keys
    marts = {k for k in keys if k.path[0] == "marts"}
    assert len(marts) >= 20 and marts <= graph.get(AssetKey("published_marts")).parent_keys
    checks = {c.name for c in graph.asset_check_keys}
    assert {"landing_expectations", "publishing_expectations", "no_stop_the_line_alert"} <= checks
    mart_checks = sum(1 for c in graph.asset_check_keys if c.asset_key.path[0] == "marts")
    assert mart_checks == _dbt_checks_on_marts(target / "manifest.json") > 0  # every dbt test on a mart


def test_materialising_the_job_publishes_checked_marts(defs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    raw, warehouse, published = _env(monkeypatch, tmp_path)
    generate(GeneratorConfig(tasks=900, days=10, seed=11), raw)  # ends today: recency tests pass
    result = defs.resolve_job_def(JOB_NAME).execute_in_process(instance=DagsterInstance.ephemeral())
    assert result.success
    materialized = {m.asset_key for m in result.get_asset_materialization_events()}
    assert {raw_asset_key("tool_calls"), AssetKey(["marts", "fct_tasks"]), AssetKey("published_marts"),
            AssetKey("scorecard_page")} <= materialized  # fmt: skip
    evaluations = list(result.get_asset_check_evaluations())
    failed = [(e.asset_key.to_user_string(), e.check_name, e.severity) for e in evaluations if not e.passed]
    # only stop-the-line checks may fail, and only as warnings (AGENT_KPIS_STOP_THE_LINE_SEVERITY=warn)
    assert all("stop_the_line" in name and severity == AssetCheckSeverity.WARN for _, name, severity in failed), failed
    assert sum(1 for e in evaluations if e.check_name == "landing_expectations") == 11  # 10 tables + traces
    # every check was evaluated: GX landing, every dbt test, GX publishing, stop-the-line
    assert len(evaluations) == len(defs.resolve_asset_graph().asset_check_keys)
    assert query(published / "agent_kpis.duckdb", "select count(*) from marts.fct_tasks") == [(900,)]
    assert query(warehouse, "select count(*) from marts.fct_tasks") == [(900,)]
    assert (published / "scorecard" / "index.html").stat().st_size > 10_000


def test_a_broken_feed_blocks_dbt_and_publishing(defs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    raw, warehouse, published = _env(monkeypatch, tmp_path)
    generate(
        GeneratorConfig(tasks=400, days=5, seed=2, end_date=END_DATE, faults=FaultRates(missing_required=0.3)), raw
    )
    result = defs.resolve_job_def(JOB_NAME).execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    evaluations = list(result.get_asset_check_evaluations())
    assert any(e.check_name == "landing_expectations" and not e.passed for e in evaluations)
    materialized = {m.asset_key for m in result.get_asset_materialization_events()}
    assert AssetKey(["marts", "fct_tasks"]) not in materialized and AssetKey("published_marts") not in materialized
    assert not warehouse.exists() and not published.exists()


def test_the_job_refuses_the_public_demo_salt_outside_a_demo(
    defs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    raw, warehouse, published = _env(monkeypatch, tmp_path)
    monkeypatch.delenv("AGENT_KPIS_DEMO")
    generate(GeneratorConfig(tasks=200, days=3, seed=2, end_date=END_DATE), raw)
    result = defs.resolve_job_def(JOB_NAME).execute_in_process(
        instance=DagsterInstance.ephemeral(), raise_on_error=False
    )
    assert not result.success
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert "refusing the public demo PII salt" in str(failure.event_specific_data.error)  # type: ignore[union-attr]
    assert not result.get_asset_materialization_events()
    assert not warehouse.exists() and not published.exists()
