"""The Dagster code location: `dagster dev -m agent_kpis.orchestration.definitions` (parses dbt on load)."""

from agent_kpis.orchestration.jobs import build_definitions

defs = build_definitions()
