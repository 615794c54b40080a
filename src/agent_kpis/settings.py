"""Settings of the Python side, in one place: paths from the environment, and the dbt vars
that Python shares with the dbt project (read from dbt_project.yml, their one home)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PROJECT_ENV = "AGENT_KPIS_PROJECT_DIR"


def _find_project() -> Path:
    """The dbt project: $AGENT_KPIS_PROJECT_DIR, else the checkout this package sits in (an
    editable install), else the nearest folder with a dbt_project.yml from the working
    directory up (a regular install run inside the project)."""
    if os.environ.get(PROJECT_ENV):
        return Path(os.environ[PROJECT_ENV]).resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "dbt_project.yml").is_file():
        return checkout
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "dbt_project.yml").is_file():
            return folder
    return checkout


PROJECT_DIR = _find_project()

RAW_ROOT_ENV = "AGENT_KPIS_RAW_ROOT"
WAREHOUSE_ENV = "AGENT_KPIS_DUCKDB"
TEMP_DIR_ENV = "AGENT_KPIS_TEMP_DIR"
PUBLISH_DIR_ENV = "AGENT_KPIS_PUBLISH_DIR"
# dbt reads the salt only from this variable: dbt scrubs DBT_ENV_SECRET_* values from logs
PII_SALT_ENV = "DBT_ENV_SECRET_AGENT_KPIS_PII_SALT"
DEMO_ENV = "AGENT_KPIS_DEMO"  # "1": the public demo salt is allowed (demo data only)
# comma-separated groups of raw tables; in each group (a|b) at least one may not be empty
REQUIRED_TABLES_ENV = "AGENT_KPIS_REQUIRED_TABLES"
REQUIRED_TABLES_DEFAULT = "task_events|otel_traces"


def raw_root() -> Path:
    return Path(os.environ.get(RAW_ROOT_ENV, PROJECT_DIR / "data" / "raw"))


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV, PROJECT_DIR / "data" / "agent_kpis.duckdb"))


def temp_dir() -> Path:
    return Path(os.environ.get(TEMP_DIR_ENV, PROJECT_DIR / "data" / "tmp"))


def publish_dir() -> Path:
    return Path(os.environ.get(PUBLISH_DIR_ENV, PROJECT_DIR / "data" / "published"))


# where the project writes its own outputs (relative to the project; git-ignored)
def validation_report_dir() -> Path:
    return PROJECT_DIR / "reports" / "validation"


def runs_dir(project_dir: Path = PROJECT_DIR) -> Path:
    return project_dir / "reports" / "runs"


def scorecard_page() -> Path:
    return PROJECT_DIR / "reports" / "scorecard" / "index.html"


def dbt_manifest() -> Path:
    return PROJECT_DIR / "target" / "manifest.json"


def bench_dir() -> Path:
    return PROJECT_DIR / "data" / "bench"


def is_demo() -> bool:
    return os.environ.get(DEMO_ENV, "") == "1"


def required_tables() -> tuple[tuple[str, ...], ...]:
    """Groups of tables: each group needs at least one non-empty table (tasks come from task
    events or from traces)."""
    text = os.environ.get(REQUIRED_TABLES_ENV, REQUIRED_TABLES_DEFAULT)
    groups = (tuple(t.strip() for t in group.split("|") if t.strip()) for group in text.split(","))
    return tuple(g for g in groups if g)


@cache
def _project_vars() -> dict[str, Any]:
    config = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return dict(config.get("vars") or {})


def dbt_var(name: str, overrides: str | None = None) -> Any:
    """A dbt var as dbt_project.yml sets it, or as a `--vars` YAML string overrides it."""
    if overrides:
        given = yaml.safe_load(overrides) or {}
        if isinstance(given, dict) and name in given:
            return given[name]
    return _project_vars()[name]
