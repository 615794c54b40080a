"""The assets of the hourly job: raw telemetry (landing checks), every dbt model (dbt tests as
asset checks), the published marts (publishing checks, stop-the-line) and the scorecard page."""

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    Failure,
    MaterializeResult,
    asset,
    multi_asset,
)
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from agent_kpis.contract import TABLES, TRACE_TABLES
from agent_kpis.settings import PROJECT_DIR, publish_dir, raw_root, required_tables, warehouse_path

RAW_TABLES = (*TABLES, *TRACE_TABLES)

SOURCE_NAME = "telemetry"


def _paths() -> tuple[Path, Path, Path]:
    """Raw root, warehouse and publish folder, read at run time (the CLI's settings)."""
    return raw_root(), warehouse_path(), publish_dir()


def raw_asset_key(table: str) -> AssetKey:
    """The key dagster-dbt gives the dbt source `telemetry.<table>`, so dbt models depend on it."""
    return AssetKey([SOURCE_NAME, table])


def parse_manifest(project_dir: Path, target_path: Path) -> Path:
    """`dbt parse` into target_path; returns manifest.json (what @dbt_assets reads)."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(project_dir), "DO_NOT_TRACK": "1"}
    cmd = [str(Path(sys.executable).with_name("dbt")), "parse", "--quiet", "--target-path", str(target_path)]
    proc = subprocess.run(cmd, cwd=project_dir, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"dbt parse failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    return target_path / "manifest.json"


class _Translator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        # staging / intermediate / marts: the layer is the group in the Dagster UI
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if dbt_resource_props.get("resource_type") == "model" and len(fqn) > 2 else "dbt"


@multi_asset(
    specs=[AssetSpec(raw_asset_key(t), group_name="landing", description=f"Raw {t} files") for t in RAW_TABLES],
    check_specs=[
        AssetCheckSpec(
            "landing_expectations",
            asset=raw_asset_key(t),
            blocking=True,
            description="Great Expectations landing suite for this table",
        )
        for t in RAW_TABLES
    ],
)
def raw_telemetry(context: AssetExecutionContext) -> Iterator[Any]:
    """Validates what landed (Great Expectations landing suite); a failed table blocks the build.
    Refuses the public demo PII salt unless AGENT_KPIS_DEMO=1, like `agent-kpis run`."""
    from agent_kpis.privacy import SaltRefused, check_salt
    from agent_kpis.validation import FeedError, validate_landing

    raw, warehouse, _ = _paths()
    try:
        check_salt()
        report = validate_landing(PROJECT_DIR, raw, warehouse)
    except (SaltRefused, FeedError) as exc:
        raise Failure(description=str(exc)) from exc
    context.log.info(f"landing: {report.expectations} expectations, {len(report.failures)} failures")
    required = {t for group in required_tables() for t in group}
    for table in RAW_TABLES:
        # an empty required group (task_events|otel_traces) fails the check of each of its tables
        failures = [
            f.line()
            for f in report.failures
            if f.table == table or (f.table == "required_tables" and table in required)
        ]
        yield MaterializeResult(asset_key=raw_asset_key(table), metadata={"raw_root": str(raw / table)})
        yield AssetCheckResult(
            asset_key=raw_asset_key(table),
            check_name="landing_expectations",
            passed=not failures,
            severity=AssetCheckSeverity.ERROR,
            metadata={"failures": "\n".join(failures) or "none"},
        )


def _dbt_models(manifest: Path) -> tuple[Any, list[AssetKey]]:
    @dbt_assets(manifest=manifest, dagster_dbt_translator=_Translator(), name="agent_kpis_dbt")
    def agent_kpis_dbt(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
        """`dbt build` (incremental): every model, seed and test; tests report as asset checks."""
        yield from dbt.cli(["build"], context=context).stream()

    # dagster-dbt keys a model by [schema, name]: the marts are the keys under "marts"
    marts = sorted((k for k in agent_kpis_dbt.keys if k.path[0] == "marts"), key=lambda k: k.path)
    return agent_kpis_dbt, marts


def _published_marts(marts: list[AssetKey]) -> Any:
    @asset(
        deps=marts,
        group_name="publishing",
        check_specs=[
            AssetCheckSpec(
                "publishing_expectations",
                asset="published_marts",
                blocking=True,
                description="Great Expectations publishing suite over the marts",
            ),
            AssetCheckSpec(
                "no_stop_the_line_alert",
                asset="published_marts",
                description="No KPI crossed its stop-the-line threshold on the latest day",
            ),
        ],
    )
    def published_marts(context: AssetExecutionContext) -> MaterializeResult:
        """Validates the marts, then swaps a new snapshot in for BI tools (DuckDB file + Parquet)."""
        from agent_kpis.job import current_alerts_in
        from agent_kpis.publish import publish
        from agent_kpis.validation import validate_publishing

        _, warehouse, published = _paths()
        report = validate_publishing(PROJECT_DIR, warehouse)
        if not report.success:
            raise Failure(
                description="publishing validation failed: the previous snapshot stays published",
                metadata={"failures": "\n".join(f.line() for f in report.failures)},
            )
        publication = publish(warehouse, published, run_id=context.run_id)
        alerts = [f"{kpi} {scope}" for _, kpi, scope, _, _ in current_alerts_in(publication.duckdb_path)]
        return MaterializeResult(
            metadata={
                "run_id": publication.run_id,
                "duckdb_path": str(publication.duckdb_path),
                "fct_tasks_rows": publication.row_counts.get("fct_tasks", 0),
            },
            check_results=[
                AssetCheckResult(
                    check_name="publishing_expectations", passed=True, metadata={"expectations": report.expectations}
                ),
                AssetCheckResult(
                    check_name="no_stop_the_line_alert",
                    passed=not alerts,
                    severity=AssetCheckSeverity.WARN,
                    metadata={"current_alerts": "\n".join(alerts) or "none"},
                ),
            ],
        )

    return published_marts


@asset(deps=["published_marts"], group_name="publishing")
def scorecard_page() -> MaterializeResult:
    """The self-contained HTML scorecard page, from the published marts."""
    from agent_kpis.publish import PUBLISHED_FILE
    from agent_kpis.report import write_report

    _, _, published = _paths()
    out = write_report(published / PUBLISHED_FILE, published / "scorecard" / "index.html")
    return MaterializeResult(metadata={"path": str(out)})
