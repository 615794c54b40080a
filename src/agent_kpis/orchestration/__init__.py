"""Dagster definitions for the hourly job: the same steps as `agent-kpis run`, as assets.

    raw telemetry (10 source assets, Great Expectations landing checks, blocking)
      -> every dbt model (dagster-dbt; each dbt test is an asset check)
      -> published_marts (GX publishing check, blocking; atomic publish; stop-the-line check)
      -> scorecard_page

Modules: `assets` (the four steps as assets), `jobs` (job, schedule, resources).
`build_definitions()` returns the Definitions with the job `agent_kpis_job` and the schedule
`hourly_agent_kpis` (minute 0 of every hour, UTC). Load it in Dagster with
`dagster dev -m agent_kpis.orchestration.definitions`. Paths come from the same environment
variables as the CLI (AGENT_KPIS_RAW_ROOT, AGENT_KPIS_DUCKDB, AGENT_KPIS_PUBLISH_DIR).
"""

from agent_kpis.orchestration.assets import RAW_TABLES, raw_asset_key
from agent_kpis.orchestration.jobs import HOURLY, JOB_NAME, SCHEDULE_NAME, build_definitions

__all__ = ["HOURLY", "JOB_NAME", "RAW_TABLES", "SCHEDULE_NAME", "build_definitions", "raw_asset_key"]
