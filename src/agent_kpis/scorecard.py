"""The executive scorecard printed at the end of `make demo`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb

from agent_kpis.kpi_catalog import fmt_delta, fmt_value, status_display, summary


def table_exists(con: duckdb.DuckDBPyConnection, name: str, schema: str = "marts") -> bool:
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, name]
    ).fetchone()
    return bool(row and row[0])


def current_alerts(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """Stop-the-line alerts on the latest day: (alert_date, kpi_name, scope, kpi_value, stop_the_line)."""
    return con.execute(
        "select alert_date, kpi_name, coalesce(agent_id, 'all agents') as scope, kpi_value, stop_the_line"
        " from marts.kpi_alerts where is_current order by kpi_name, scope"
    ).fetchall()


def scorecard_week(con: duckdb.DuckDBPyConnection) -> tuple[date, bool] | None:
    """Monday of the week the scorecard shows, and whether that week is complete: the latest
    ISO week whose seven days all lie within the data, when it has terminal tasks; else the
    latest week that has (the week so far: a feed of a few days)."""
    row = con.execute(
        "select max(period_start) from marts.kpi_scorecard where period_grain = 'day' and kpi_name = 'terminal_tasks'"
    ).fetchone()
    if not row or row[0] is None:
        return None
    last_day: date = row[0]
    monday = last_day - timedelta(days=last_day.weekday())
    complete = monday if last_day - monday >= timedelta(days=6) else monday - timedelta(days=7)
    weeks = [
        r[0]
        for r in con.execute(
            "select period_start from marts.kpi_scorecard where period_grain = 'week' and kpi_name = 'terminal_tasks'"
            " and value > 0 order by period_start desc"
        ).fetchall()
    ]
    if complete in weeks or not weeks:
        return complete, True
    return weeks[0], weeks[0] < complete


def print_scorecard(con: duckdb.DuckDBPyConnection) -> None:
    if not table_exists(con, "kpi_scorecard"):
        print("\n(no kpi_scorecard yet)")
        return
    shown = scorecard_week(con)
    if shown is None:
        print("\n(kpi_scorecard is empty)")
        return
    week, complete = shown
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "select kpi_name, value, target, status, delta from marts.kpi_scorecard"
            " where period_grain = 'week' and period_start = ?",
            [week],
        ).fetchall()
    }
    so_far = "" if complete else ", the week so far"
    print(f"\nExecutive scorecard: week of {week.isoformat()} (ISO week, UTC{so_far}; delta vs the week before)")
    print(f"  {'KPI':<30} {'value':>10} {'target':>10} {'status':<14} {'delta':>10}")
    for kpi in summary():
        value, target, status, delta = rows.get(kpi, (None, None, "no_data", None))
        flag = "!!" if status == "stop_the_line" else "  "
        print(
            f"{flag}{kpi:<30} {fmt_value(kpi, value):>10} {fmt_value(kpi, target):>10}"
            f" {status_display(status, target):<14} {fmt_delta(kpi, delta):>10}"
        )
    if table_exists(con, "kpi_alerts"):
        alerts = current_alerts(con)
        print(f"\nStop-the-line alerts on the latest day: {len(alerts)}")
        for day, kpi, scope, value, threshold in alerts:
            print(f"  {day} {kpi:<30} {scope:<16} {fmt_value(kpi, value):>10} (threshold {fmt_value(kpi, threshold)})")
    if table_exists(con, "kpi_measurement_maturity"):
        print("\nMeasurement maturity")
        for domain, coverage, threshold, level in con.execute(
            "select domain, coverage_value, coverage_threshold, maturity_level"
            " from marts.kpi_measurement_maturity order by domain"
        ).fetchall():
            cov = "-" if coverage is None else f"{100 * coverage:.1f}%"
            print(f"  {domain:<20} {cov:>7} (needs {100 * (threshold or 0):.0f}%)  {level}")
    if table_exists(con, "kpi_release_impact"):
        print("\nReleases with a significant effect on a headline KPI (p < 0.05)")
        for rel, kpi, before, after, p in con.execute(
            "select release_id, kpi_name, before_value, after_value, p_value from marts.kpi_release_impact"
            " where is_significant order by deployed_at, kpi_name"
        ).fetchall():
            print(f"  {rel:<10} {kpi:<26} {fmt_value(kpi, before):>8} -> {fmt_value(kpi, after):<8} p={p:.2g}")
