"""The job and its hourly schedule over the assets, with the dbt resource."""

import sys
from pathlib import Path

from dagster import Definitions, ScheduleDefinition, define_asset_job
from dagster_dbt import DbtCliResource

from agent_kpis.orchestration.assets import _dbt_models, _published_marts, parse_manifest, raw_telemetry, scorecard_page
from agent_kpis.settings import PROJECT_DIR

JOB_NAME = "agent_kpis_job"
SCHEDULE_NAME = "hourly_agent_kpis"
HOURLY = "0 * * * *"


def build_definitions(project_dir: Path = PROJECT_DIR, target_path: Path | None = None) -> Definitions:
    manifest = parse_manifest(project_dir, target_path or project_dir / "target" / "dagster")
    dbt_models, marts = _dbt_models(manifest)
    job = define_asset_job(JOB_NAME, description="landing -> dbt build -> publish -> scorecard page")
    return Definitions(
        assets=[raw_telemetry, dbt_models, _published_marts(marts), scorecard_page],
        jobs=[job],
        schedules=[ScheduleDefinition(name=SCHEDULE_NAME, job=job, cron_schedule=HOURLY, execution_timezone="UTC")],
        resources={
            "dbt": DbtCliResource(
                project_dir=str(project_dir),
                profiles_dir=str(project_dir),
                dbt_executable=str(Path(sys.executable).with_name("dbt")),
            )
        },
    )
