"""The scorecard page: one self-contained HTML file built from the published marts.

No network at view time: CSS, the charts (inline SVG drawn here) and the little script that
redraws the cohort heatmap are all inside the file, with the data as embedded JSON. Sections:
headline KPIs (target, status, delta) of the scorecard week (the latest complete ISO week
with data, else the week so far), daily trends with release markers, a cohort heatmap
(dimension chosen in the page), the tool failure taxonomy, stop-the-line alerts,
measurement maturity and the releases with a significant effect.
"""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from agent_kpis.kpi_catalog import fmt_delta, fmt_value, headline, label, status_display, summary
from agent_kpis.scorecard import scorecard_week

# the catalog's headline KPIs (seeds/kpi_targets.csv, is_headline) get a trend and a heatmap column
TREND_KPIS = headline()
HEATMAP_KPIS = headline()
COHORT_DIMENSIONS = ("agent_id", "agent_version", "task_type", "channel", "region", "product_line", "customer_tier")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def collect(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Everything the page shows, read from the published marts."""
    shown = scorecard_week(con)
    if shown is None:
        raise ValueError("kpi_scorecard is empty: nothing to report")
    week = shown[0]
    snapshot = _rows(con, "select run_id, cast(published_at as varchar) as published_at from publication.snapshot")
    by_kpi = {
        r["kpi_name"]: r
        for r in _rows(
            con,
            "select kpi_name, value, target, status, delta from marts.kpi_scorecard"
            " where period_grain = 'week' and period_start = ?",
            [week],
        )
    }
    cards = []
    for kpi in summary():
        r = by_kpi.get(kpi, {"value": None, "target": None, "status": "no_data", "delta": None})
        cards.append({
            "kpi": kpi, "label": label(kpi), "value": r["value"], "status": r["status"],
            "status_display": status_display(r["status"], r["target"]), "display": fmt_value(kpi, r["value"]),
            "target_display": "no target" if r["target"] is None else fmt_value(kpi, r["target"]),
            "delta_display": fmt_delta(kpi, r["delta"]),
        })  # fmt: skip
    daily = _rows(
        con,
        "select kpi_name, period_start, value, target from marts.kpi_scorecard"
        " where period_grain = 'day' and kpi_name in (select unnest(?)) order by period_start",
        [list(TREND_KPIS)],
    )
    first_day = min((r["period_start"] for r in daily), default=week)
    last_day = max((r["period_start"] for r in daily), default=week)
    trends = {
        kpi: {
            "points": [(r["period_start"].isoformat(), r["value"]) for r in daily if r["kpi_name"] == kpi],
            "target": next((r["target"] for r in daily if r["kpi_name"] == kpi), None),
        }
        for kpi in TREND_KPIS
    }
    releases = _rows(
        con,
        "select release_id, coalesce(agent_id, 'all agents') as scope, component, component_name, version,"
        " deployed_date from marts.dim_releases where deployed_date between ? and ? order by deployed_at",
        [first_day, last_day],
    )
    for r in releases:
        r["deployed_date"] = r["deployed_date"].isoformat()
    cells: dict[str, dict[str, dict[str, Any]]] = {dim: {} for dim in COHORT_DIMENSIONS}
    for r in _rows(
        con,
        "select cohort_dimension, cohort_value, kpi_name, value, status from marts.kpi_by_cohort"
        " where period_grain = 'week' and period_start = ? and kpi_name in (select unnest(?))"
        " order by cohort_dimension, cohort_value",
        [week, list(HEATMAP_KPIS)],
    ):
        row = cells.setdefault(r["cohort_dimension"], {}).setdefault(r["cohort_value"], {})
        row[r["kpi_name"]] = {"display": fmt_value(r["kpi_name"], r["value"]), "status": r["status"]}
    taxonomy = _rows(
        con,
        "select coalesce(error_category, '(none)') as error_category, coalesce(error_class, '(none)') as error_class,"
        " count(*) as attempts, count(distinct tool_name) as tools from marts.fct_tool_calls"
        " where status <> 'success' group by 1, 2 order by attempts desc, 1, 2",
    )
    alerts = _rows(
        con,
        "select alert_date, kpi_name, coalesce(agent_id, 'all agents') as scope, kpi_value, stop_the_line,"
        " is_current from marts.kpi_alerts where alert_date >= ? order by alert_date desc, kpi_name, scope",
        [last_day.fromordinal(last_day.toordinal() - 6)],
    )
    for a in alerts:
        a["alert_date"] = a["alert_date"].isoformat()
        a["value_display"] = fmt_value(a["kpi_name"], a.pop("kpi_value"))
        a["threshold_display"] = fmt_value(a["kpi_name"], a.pop("stop_the_line"))
    maturity = _rows(
        con,
        "select domain, coverage_value, coverage_threshold, maturity_level, coverage_definition"
        " from marts.kpi_measurement_maturity order by domain",
    )
    effects = _rows(
        con,
        "select release_id, kpi_name, coalesce(agent_id, 'all agents') as scope, before_value, after_value, p_value"
        " from marts.kpi_release_impact where is_significant order by deployed_at, kpi_name",
    )
    return {
        "week": week.isoformat(),
        "first_day": first_day.isoformat(),
        "last_day": last_day.isoformat(),
        "snapshot": snapshot[0] if snapshot else {"run_id": "-", "published_at": "-"},
        "headline": cards,
        "trends": trends,
        "releases": releases,
        "cohorts": {dim: [{"cohort": c, "cells": v} for c, v in cells[dim].items()] for dim in COHORT_DIMENSIONS},
        "heatmap_kpis": list(HEATMAP_KPIS),
        "kpi_labels": {kpi: label(kpi) for kpi in HEATMAP_KPIS},
        "taxonomy": taxonomy,
        "alerts": alerts,
        "maturity": maturity,
        "effects": [
            {
                **e,
                "before": fmt_value(e["kpi_name"], e["before_value"]),
                "after": fmt_value(e["kpi_name"], e["after_value"]),
            }
            for e in effects
        ],
    }


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _trend_svg(kpi: str, trend: dict[str, Any], releases: list[dict[str, Any]], first: date, last: date) -> str:
    width, height, pad = 560, 190, 54
    points = [(date.fromisoformat(d), v) for d, v in trend["points"] if v is not None]
    values = [v for _, v in points] + ([trend["target"]] if trend["target"] is not None else [])
    if not points:
        return f'<p class="empty">No {_e(kpi)} data.</p>'
    low, high = min(values), max(values)
    floor = 0.0 if low >= 0 else float("-inf")  # rates, costs and counts never drawn below zero
    low, high = (low - 0.5, high + 0.5) if high == low else (low - (high - low) * 0.1, high + (high - low) * 0.1)
    low = max(low, floor)
    span = max(1, (last - first).days)

    def x(d: date) -> float:
        return pad + (width - 2 * pad) * (d - first).days / span

    def y(v: float) -> float:
        return height - pad + (2 * pad - height) * (v - low) / (high - low)

    path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    parts = [
        f'<svg class="trend" data-kpi="{_e(kpi)}" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="{_e(kpi)} per day">',
        f'<text x="{pad}" y="{height - 4}" class="axis">{first} to {last}</text>',
    ]
    for tick in (low, (low + high) / 2, high):  # a y axis of three ticks, with light gridlines
        ty = y(tick)
        parts.append(f'<line class="grid" x1="{pad}" x2="{width - pad}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
        parts.append(f'<text x="{pad - 3}" y="{ty + 3:.1f}" class="axis tick">{_e(fmt_value(kpi, tick))}</text>')
    if trend["target"] is not None:
        ty = y(trend["target"])
        parts.append(f'<line class="target" x1="{pad}" x2="{width - pad}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
        parts.append(f'<text x="{width - pad + 2}" y="{ty + 4:.1f}" class="axis">target</text>')
    row_ends: list[float] = []  # right edge of the last label in each row of release labels
    for r in releases:
        rx = x(date.fromisoformat(r["deployed_date"]))
        label_width = 6.5 * len(str(r["release_id"])) + 6
        row = next((i for i, end in enumerate(row_ends) if end < rx), len(row_ends))
        row_ends[row : row + 1] = [rx + 2 + label_width]
        label_y = pad - 14 - 13 * row
        parts.append(
            f'<line class="release-marker" data-release="{_e(r["release_id"])}" x1="{rx:.1f}" x2="{rx:.1f}"'
            f' y1="{pad - 12}" y2="{height - pad}"><title>{_e(r["release_id"])}: {_e(r["component_name"])}'
            f" {_e(r['version'])} ({_e(r['scope'])}) on {_e(r['deployed_date'])}</title></line>"
            f'<text x="{rx + 2:.1f}" y="{label_y}" class="release-label">{_e(r["release_id"])}</text>'
        )
    parts.append(f'<polyline class="series" points="{path}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _table(headers: list[str], rows: list[list[str]], table_id: str, empty: str) -> str:
    if not rows:
        return f'<p class="empty" id="{table_id}-empty">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


CSS = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f6f7f9;color:#1f2328}
header{background:#1f2937;color:#fff;padding:16px 28px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cbd5e1}main{padding:20px 28px;display:grid;gap:20px}
section{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:16px}
h2{margin:0 0 12px;font-size:16px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px}
.kpi{border-radius:6px;padding:10px;border-left:6px solid #8c959f;background:#f6f8fa}
.kpi .name{font-size:12px;color:#57606a}.kpi .value{font-size:22px;font-weight:600}
.kpi .meta{font-size:12px;color:#57606a}
.on_track{border-color:#1a7f37}.off_track{border-color:#bf8700}.stop_the_line{border-color:#cf222e}
td.on_track{background:#dafbe1}td.off_track{background:#fff8c5}td.stop_the_line{background:#ffebe9}
td.no_data{background:#f6f8fa;color:#8c959f}
.trends{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:14px}
.trend{width:100%;height:auto;background:#fbfcfd;border:1px solid #eaeef2}
.series{fill:none;stroke:#0969da;stroke-width:2}.target{stroke:#1a7f37;stroke-dasharray:5 4}
.release-marker{stroke:#8250df;stroke-width:1.5;stroke-dasharray:2 2}.release-label{font-size:10px;fill:#8250df}
.axis{font-size:10px;fill:#57606a}.tick{text-anchor:end}.grid{stroke:#eaeef2}.note{font-size:12px;color:#57606a}table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaeef2;font-variant-numeric:tabular-nums}
th{background:#f6f8fa;font-weight:600}.bar{background:#cf222e;height:10px;border-radius:2px}
.empty{color:#57606a}select{font:inherit;padding:2px 6px}
"""

SCRIPT = """
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var select = document.getElementById('cohort-dimension');
  var table = document.getElementById('heatmap');
  function cell(tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) { el.className = cls; }
    return el;
  }
  function draw() {
    var rows = data.cohorts[select.value] || [];
    table.innerHTML = '';
    var head = document.createElement('tr');
    head.appendChild(cell('th', select.value));
    data.heatmap_kpis.forEach(function (kpi) { head.appendChild(cell('th', data.kpi_labels[kpi] || kpi)); });
    var thead = document.createElement('thead');
    thead.appendChild(head);
    table.appendChild(thead);
    var body = document.createElement('tbody');
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-cohort', row.cohort);
      tr.appendChild(cell('th', row.cohort));
      data.heatmap_kpis.forEach(function (kpi) {
        var c = row.cells[kpi] || {display: '-', status: 'no_data'};
        var td = cell('td', c.display, c.status);
        td.setAttribute('data-kpi', kpi);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    document.getElementById('heatmap-count').textContent = rows.length + ' cohorts';
  }
  select.addEventListener('change', draw);
  draw();
})();
"""


def render(data: dict[str, Any]) -> str:
    first, last = date.fromisoformat(data["first_day"]), date.fromisoformat(data["last_day"])
    cards = "".join(
        f'<div class="kpi {_e(h["status"])}" data-kpi="{_e(h["kpi"])}" data-status="{_e(h["status"])}"'
        f' data-value="{"" if h["value"] is None else repr(float(h["value"]))}">'
        f'<div class="name">{_e(h["label"])}</div><div class="value">{_e(h["display"])}</div>'
        f'<div class="meta">target {_e(h["target_display"])} · {_e(h["status_display"])}'
        f" · Δ {_e(h['delta_display'])}</div></div>"
        for h in data["headline"]
    )
    trends = "".join(
        f"<figure><figcaption>{_e(label(kpi))}</figcaption>{_trend_svg(kpi, t, data['releases'], first, last)}</figure>"
        for kpi, t in data["trends"].items()
    )
    options = "".join(f'<option value="{_e(d)}">{_e(d)}</option>' for d in data["cohorts"])
    most = max((t["attempts"] for t in data["taxonomy"]), default=1)
    taxonomy = _table(
        ["error category", "error class", "failed attempts", "tools", ""],
        [
            [
                _e(t["error_category"]),
                _e(t["error_class"]),
                f"{t['attempts']:,}",
                str(t["tools"]),
                f'<div class="bar" style="width:{160 * t["attempts"] / most:.0f}px"></div>',
            ]
            for t in data["taxonomy"]
        ],
        "taxonomy",
        "No failed tool-call attempts.",
    )
    alert_headers = ["date", "KPI", "scope", "value", "stop-the-line threshold"]

    def alert_rows(current: bool) -> list[list[str]]:
        return [
            [_e(a["alert_date"]), _e(label(a["kpi_name"])), _e(a["scope"]), _e(a["value_display"]),
             _e(a["threshold_display"])]
            for a in data["alerts"]
            if bool(a["is_current"]) == current
        ]  # fmt: skip

    alerts = _table(alert_headers, alert_rows(True), "alerts", "No stop-the-line alert on the latest day.")
    earlier = alert_rows(False)
    if earlier:
        alerts += (
            f"<details><summary>{len(earlier)} earlier alerts in the last 7 days</summary>"
            + _table(alert_headers, earlier, "alerts-earlier", "")
            + "</details>"
        )
    maturity = _table(
        ["domain", "coverage", "needs", "level", "coverage measured as"],
        [
            [
                _e(m["domain"]),
                _e(fmt_value("coverage", m["coverage_value"], unit="share")),
                _e(fmt_value("coverage", m["coverage_threshold"], unit="share")),
                _e(m["maturity_level"]),
                _e(m["coverage_definition"]),
            ]
            for m in data["maturity"]
        ],
        "maturity",
        "No maturity rows.",
    )
    effects = _table(
        ["release", "KPI", "scope", "before", "after", "p-value"],
        [
            [
                _e(e["release_id"]),
                _e(label(e["kpi_name"])),
                _e(e["scope"]),
                _e(e["before"]),
                _e(e["after"]),
                f"{e['p_value']:.2g}",
            ]
            for e in data["effects"]
        ],
        "effects",
        "No release moved a headline KPI significantly.",
    )
    current = sum(1 for a in data["alerts"] if a["is_current"])
    payload = json.dumps(data, default=str).replace("</", "<\\/")
    snap = data["snapshot"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agent KPIs scorecard: week of {_e(data["week"])}</title>
<style>{CSS}</style></head>
<body>
<header><h1>Agent KPIs scorecard</h1>
<p>Week of {_e(data["week"])} (ISO week, UTC; Δ vs the week before) · data {_e(data["first_day"])} to
{_e(data["last_day"])} · snapshot {_e(snap["run_id"])} published {_e(snap["published_at"])}</p></header>
<main>
<section id="headline"><h2>Headline KPIs</h2><div class="cards">{cards}</div></section>
<section id="alerts-section"><h2>Stop-the-line alerts ({current} on the latest day)</h2>{alerts}</section>
<section id="trends-section"><h2>Daily trends (dashed green: target; purple: releases)</h2>
<div class="trends">{trends}</div></section>
<section id="heatmap-section"><h2>Cohort heatmap, week of {_e(data["week"])}</h2>
<p><label>Cohort <select id="cohort-dimension">{options}</select></label> <span id="heatmap-count"></span></p>
<table id="heatmap"></table><noscript>The heatmap needs JavaScript.</noscript></section>
<section id="taxonomy-section"><h2>Tool failure taxonomy (failed attempts, whole period)</h2>{taxonomy}
<p class="note">(none): the attempt failed (status error, timeout or denied) but reported no error category,
so it has no class either; a share of these lowers the tool_execution maturity level.</p></section>
<section id="effects-section"><h2>Releases with a significant effect (p &lt; 0.05)</h2>{effects}</section>
<section id="maturity-section"><h2>Measurement maturity</h2>{maturity}</section>
</main>
<script type="application/json" id="report-data">{payload}</script>
<script>{SCRIPT}</script>
</body></html>
"""


def write_report(published: Path, out: Path) -> Path:
    """Reads the published marts (read-only) and writes the page to `out`."""
    con = duckdb.connect(str(published), read_only=True)
    try:
        data = collect(con)
    finally:
        con.close()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(data), encoding="utf-8")
    return out
