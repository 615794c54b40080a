"""The semantic layer (MetricFlow) validates and gives the marts' numbers at every roll-up."""

from __future__ import annotations

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DBT, PROJECT_DIR, dbt_env, query

MF = str(Path(sys.executable).with_name("mf"))
HEADLINE = [
    "task_success_rate",
    "escalation_rate",
    "containment_rate",
    "sla_attainment_rate",
    "cost_per_successful_task_usd",
    "human_minutes_per_task",
    "policy_violation_rate",
    "csat_pct_satisfied",
    "nps",
    "business_value_usd",
    "terminal_tasks",
    "tokens_per_successful_task",
    "cache_hit_share",
]


def _run(cmd: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}"
    return proc


@pytest.fixture(scope="module")
def mf_env(demo: tuple[Path, Path]) -> dict[str, str]:
    env = dbt_env(*demo)
    _run([DBT, "parse", "--log-path", str(demo[1].parent / "logs")], env)  # writes target/semantic_manifest.json
    return env


def _mf_query(env: dict[str, str], metrics: list[str], group_by: str, out: Path) -> list[dict[str, str]]:
    _run([MF, "query", "--metrics", ",".join(metrics), "--group-by", group_by, "--csv", str(out)], env)
    with out.open() as fh:
        return list(csv.DictReader(fh))


def _close(a: object, b: object) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)  # type: ignore[arg-type]


def test_mf_validate_configs_passes_against_the_warehouse(mf_env: dict[str, str]) -> None:
    out = _run([MF, "validate-configs"], mf_env).stdout
    assert "ERRORS: 0" in out and "Successfully validated metrics against data warehouse" in out


def test_weekly_metrics_equal_the_scorecard(mf_env: dict[str, str], demo: tuple[Path, Path], tmp_path: Path) -> None:
    rows = _mf_query(mf_env, HEADLINE, "metric_time__week", tmp_path / "weekly.csv")
    mart = {
        (str(d), k): v
        for d, k, v in query(
            demo[1],
            "select period_start, kpi_name, value from marts.kpi_scorecard where period_grain = 'week'",
        )
    }
    compared = 0
    for row in rows:
        if not row["metric_time__week"]:
            continue  # open tasks: no resolved date, not attributed to a period
        week = row["metric_time__week"][:10]
        for kpi in HEADLINE:
            expected = mart.get((week, kpi))
            if kpi == "terminal_tasks" and expected is None:
                continue
            assert _close(row[kpi], expected), (week, kpi, row[kpi], expected)
            compared += 1
    assert compared >= 5 * len(HEADLINE)


def test_rollup_by_cohort_equals_kpi_by_cohort(mf_env: dict[str, str], demo: tuple[Path, Path], tmp_path: Path) -> None:
    metrics = ["task_success_rate", "cost_per_successful_task_usd", "tool_call_success_rate"]
    rows = _mf_query(mf_env, metrics[:2], "metric_time__month,task__task_type", tmp_path / "cohort.csv")
    mart = {
        (str(d), c, k): v
        for d, c, k, v in query(
            demo[1],
            "select period_start, cohort_value, kpi_name, value from marts.kpi_by_cohort"
            " where period_grain = 'month' and cohort_dimension = 'task_type'",
        )
    }
    compared = 0
    for row in rows:
        if not row["metric_time__month"]:
            continue
        for kpi in metrics[:2]:
            key = (row["metric_time__month"][:10], row["task__task_type"], kpi)
            assert _close(row[kpi], mart.get(key)), (key, row[kpi], mart.get(key))
            compared += 1
    assert compared >= 2 * 7
    tools = _mf_query(mf_env, metrics[2:], "metric_time__day", tmp_path / "tools.csv")
    daily = dict(
        query(
            demo[1],
            "select cast(period_start as varchar), value from marts.kpi_scorecard"
            " where period_grain = 'day' and kpi_name = 'tool_call_success_rate'",
        )
    )
    assert len(tools) >= 28
    for row in tools:
        assert _close(row["tool_call_success_rate"], daily.get(row["metric_time__day"][:10])), row
