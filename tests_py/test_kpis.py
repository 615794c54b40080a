"""KPI marts on demo data: planted release effects are found, the control is not, the
z-test agrees with an independent computation, and stop-the-line severity is the operator's."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from agent_kpis import catalog, kpi_catalog
from agent_kpis.summary import print_summary

from conftest import query, run_dbt

# release -> (headline KPI the generator moves, sign of the planted change)
PLANTED = {
    "rel-101": ("escalation_rate", -1),
    "rel-102": ("task_success_rate", +1),
    "rel-103": ("tool_call_success_rate", -1),
    "rel-104": ("policy_violation_rate", -1),
}
CONTROL = "rel-105"


def test_planted_release_effects_are_found_in_the_right_direction(demo: tuple[Path, Path]) -> None:
    _, wh = demo
    assert {r.release_id for r in catalog.RELEASES if r.planted_effect != "none"} >= set(PLANTED)
    for release, (kpi, sign) in PLANTED.items():
        rows = query(
            wh,
            f"select delta, p_value, is_significant from marts.kpi_release_impact"
            f" where release_id = '{release}' and kpi_name = '{kpi}'",
        )
        assert len(rows) == 1, (release, kpi)
        delta, p_value, significant = rows[0]
        assert p_value is not None and p_value < 0.05, (release, kpi, p_value)
        assert significant
        assert math.copysign(1, delta) == sign, (release, kpi, delta)


def test_release_planted_with_no_effect_moves_no_headline_rate(demo: tuple[Path, Path]) -> None:
    _, wh = demo
    assert catalog.RELEASE_BY_ID[CONTROL].planted_effect == "none"
    rows = query(
        wh,
        f"select kpi_name, p_value from marts.kpi_release_impact"
        f" where release_id = '{CONTROL}' and p_value is not null",
    )
    assert len(rows) == len(set(kpi_catalog.headline()) & set(kpi_catalog.shares()))  # the headline shares
    assert all(p >= 0.05 for _, p in rows), rows


def test_scorecard_has_every_kpi_for_every_grain(demo: tuple[Path, Path]) -> None:
    _, wh = demo
    grains = dict(query(wh, "select period_grain, count(distinct kpi_name) from marts.kpi_scorecard group by 1"))
    gridded = len(kpi_catalog.gridded())  # the catalog minus backlog_open_tasks, which is daily only
    assert grains == {"day": len(kpi_catalog.names()), "week": gridded, "month": gridded, "all": gridded}
    nulls = query(wh, "select kpi_name from marts.kpi_scorecard where period_grain = 'all' and value is null")
    # the contract's llm_calls report no status, so on a feed without traces the model-call
    # error rate has no denominator (docs/kpis.md section 11); every other KPI has a value
    with_status = query(wh, "select count(status) from marts.fct_llm_calls")[0][0]
    assert nulls == ([] if with_status else [("model_call_error_rate",)])


def _macro_p_values(wh: Path, raw: Path, cases: list[tuple[int, int, int, int]]) -> list[float]:
    columns = ", ".join(
        f"{{{{ agent_kpis.two_proportion_p_value({x1}, {n1}, {x2}, {n2}) }}}} as p{i}"
        for i, (x1, n1, x2, n2) in enumerate(cases)
    )
    proc = run_dbt(["show", "--inline", f"select {columns}", "--output", "json", "--log-format", "text"], raw, wh)
    match = re.search(r"\{\s*\"show\".*\}", proc.stdout, re.S)
    assert match, proc.stdout
    row = json.loads(match.group(0))["show"][0]
    return [float(row[f"p{i}"]) for i in range(len(cases))]


def _independent_p_value(x1: int, n1: int, x2: int, n2: int) -> float:
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    z = abs(p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    return math.erfc(z / math.sqrt(2))  # two-sided normal tail


def test_two_proportion_p_value_matches_an_independent_computation(demo: tuple[Path, Path]) -> None:
    raw, wh = demo
    cases = [(30, 100, 45, 100), (216, 500, 264, 514), (5, 40, 6, 40), (120, 1000, 60, 1000), (48, 100, 52, 100)]
    got = _macro_p_values(wh, raw, cases)
    for case, p in zip(cases, got, strict=True):
        assert p == pytest.approx(_independent_p_value(*case), abs=2e-7), case


def test_stop_the_line_test_severity_is_set_by_the_operator(demo: tuple[Path, Path]) -> None:
    raw, wh = demo
    historical = query(wh, "select count(*) from marts.kpi_alerts")[0][0]
    assert historical > 0  # the demo plants days past thresholds (violations before rel-104)
    every_day = '{"alert_current_days": 100000}'
    warn = run_dbt(["test", "--select", "assert_no_current_stop_the_line_alerts", "--vars", every_day], raw, wh)
    assert "WARN" in warn.stdout
    error = run_dbt(
        [
            "test",
            "--select",
            "assert_no_current_stop_the_line_alerts",
            "--vars",
            '{"alert_current_days": 100000, "stop_the_line_severity": "error"}',
        ],
        raw,
        wh,
        check=False,
    )
    assert error.returncode != 0 and "FAIL" in error.stdout


def test_summary_prints_the_executive_scorecard(demo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, wh = demo
    assert print_summary(wh) == 0
    out = capsys.readouterr().out
    assert "Executive scorecard: week of" in out
    assert "task_success_rate" in out and "Measurement maturity" in out
    assert "rel-104" in out  # a significant release shows up


def test_analyses_compile_and_answer_on_demo_data(demo: tuple[Path, Path]) -> None:
    raw, wh = demo
    run_dbt(["compile", "--select", "resource_type:analysis"], raw, wh)
    compiled = sorted((wh.parent / "target" / "compiled" / "agent_kpis" / "analyses").glob("*.sql"))
    assert {p.stem for p in compiled} >= {
        "where_the_agent_fails_most",
        "top_failure_causes",
        "release_post_mortem",
        "human_minutes_by_task_type",
    }
    for path in compiled:
        assert query(wh, path.read_text()), path.stem


# measures model -> (its input relation, the percentile KPIs and the expression they read)
PERCENTILES = {
    "kpi_task_measures": (
        "kpi_terminal_tasks_by_cohort",
        "case when terminal_event_type = 'completed' then resolution_minutes end",
        {"ttr_p50_minutes": 0.5, "ttr_p90_minutes": 0.9},
    ),
    "kpi_tool_measures": (
        "kpi_tool_attempts_by_cohort",
        "duration_ms",
        {"tool_latency_p50_ms": 0.5, "tool_latency_p95_ms": 0.95},
    ),
    "kpi_llm_measures": (
        "kpi_llm_calls_by_cohort",
        "duration_ms",
        {"model_latency_p50_ms": 0.5, "model_latency_p95_ms": 0.95},
    ),
}


@pytest.mark.parametrize("measures", sorted(PERCENTILES))
def test_two_pass_percentiles_equal_percentile_cont(demo: tuple[Path, Path], measures: str) -> None:
    """kpi_measures finds percentiles in two passes (whole-unit counts, then the values of the
    units holding the wanted ranks); each must equal DuckDB's percentile_cont over the same
    rows for every cohort and period (to 1e-9), ties (timeouts at whole milliseconds) included."""
    _, wh = demo
    relation, of, fractions = PERCENTILES[measures]
    by_grain = " union all ".join(
        f"select cohort_dimension, cohort_value, '{grain}' as period_grain,"
        f" {'cast(null as date)' if grain == 'all' else 'period_' + grain} as period_start,"
        f" {', '.join(f'percentile_cont({f}) within group (order by {of}) as {k}' for k, f in fractions.items())}"
        f" from kpi_computation.{relation} group by all"
        for grain in ("day", "week", "month", "all")
    )
    # DuckDB interpolates with a fused multiply-add, which SQL cannot write: the last bit may differ
    checks = ", ".join(
        f"count(*) filter (where (m.{k}__value is null) <> (e.{k} is null)"
        f" or abs(m.{k}__value - e.{k}) > 1e-9 * greatest(1, abs(e.{k})))"
        for k in fractions
    )
    rows = query(
        wh,
        f"with expected as ({by_grain}) select count(*), count(e.cohort_value), {checks}"
        f" from kpi_computation.{measures} as m left join expected as e"
        " on m.cohort_dimension = e.cohort_dimension and m.cohort_value = e.cohort_value"
        " and m.period_grain = e.period_grain and m.period_start is not distinct from e.period_start",
    )
    total, matched, *differing = rows[0]
    assert total > 100 and matched == total, (total, matched)
    assert differing == [0] * len(fractions), dict(zip(fractions, differing, strict=True))
    with_values = query(wh, f"select count({next(iter(fractions))}__value) from kpi_computation.{measures}")[0][0]
    assert with_values > 100
