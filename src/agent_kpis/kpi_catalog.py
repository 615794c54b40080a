"""The KPI catalog as the Python side reads it: seeds/kpi_targets.csv, the one home of the KPI
list (name, label, domain, unit, direction, headline, scorecard rank, target, threshold).

docs/kpis.md says how each KPI is computed; macros/kpis/kpi_definitions.sql computes them; a test
(tests_py/test_one_home.py) checks that the three name the same KPIs.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from agent_kpis.settings import PROJECT_DIR

CATALOG_CSV = PROJECT_DIR / "seeds" / "kpi_targets.csv"
# KPIs published at the day grain only (kpi_backlog_daily), not in the cohort x period grid
DAILY_ONLY = ("backlog_open_tasks",)


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    domain: str
    owner: str
    unit: str
    direction: str
    is_headline: bool
    summary_rank: int | None
    target: float | None
    stop_the_line: float | None
    description: str

    @property
    def is_share(self) -> bool:
        return self.unit == "share"


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def catalog() -> tuple[Kpi, ...]:
    with CATALOG_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(
            Kpi(
                name=row["kpi_name"],
                label=row["label"],
                domain=row["domain"],
                owner=row["owner"],
                unit=row["unit"],
                direction=row["direction"],
                is_headline=row["is_headline"].strip().lower() == "true",
                summary_rank=int(row["summary_rank"]) if row["summary_rank"].strip() else None,
                target=_number(row["target"]),
                stop_the_line=_number(row["stop_the_line"]),
                description=row["description"],
            )
            for row in csv.DictReader(handle)
        )


@cache
def by_name() -> dict[str, Kpi]:
    return {kpi.name: kpi for kpi in catalog()}


def names() -> tuple[str, ...]:
    return tuple(kpi.name for kpi in catalog())


def gridded() -> tuple[str, ...]:
    """KPIs published for every cohort and period grain (kpi_scorecard, kpi_by_cohort)."""
    return tuple(kpi.name for kpi in catalog() if kpi.name not in DAILY_ONLY)


def shares() -> tuple[str, ...]:
    return tuple(kpi.name for kpi in catalog() if kpi.is_share)


def headline() -> tuple[str, ...]:
    return tuple(kpi.name for kpi in catalog() if kpi.is_headline)


def summary() -> tuple[str, ...]:
    """The KPIs of the printed scorecard and the page's headline table, in order."""
    ranked = sorted((kpi for kpi in catalog() if kpi.summary_rank is not None), key=lambda k: k.summary_rank or 0)
    return tuple(kpi.name for kpi in ranked)


def label(name: str) -> str:
    kpi = by_name().get(name)
    return kpi.label if kpi else name


def unit_of(name: str) -> str:
    kpi = by_name().get(name)
    return kpi.unit if kpi else ""


def fmt_value(name: str, value: float | None, unit: str | None = None) -> str:
    """A KPI value for people: shares as percentages, dollars, whole counts."""
    if value is None:
        return "-"
    unit = unit or unit_of(name)
    if unit == "share":
        return f"{100 * value:.1f}%"
    if unit == "usd":
        return f"${value:,.2f}"
    if unit in ("count", "tokens"):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def fmt_delta(name: str, delta: float | None) -> str:
    if delta is None:
        return "-"
    if unit_of(name) == "share":
        return f"{100 * delta:+.1f} pp"
    return f"{delta:+,.2f}"


def status_display(status: str, target: float | None) -> str:
    """The mart's status for people: a KPI without a target shows "no target", not "on_track"."""
    return "no target" if target is None and status == "on_track" else status
