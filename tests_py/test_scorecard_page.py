"""The scorecard page in a real headless browser (Debian's chromium): loads offline without
console errors and shows the published marts' numbers."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent_kpis.kpi_catalog import fmt_value
from agent_kpis.publish import publish
from agent_kpis.report import HEATMAP_KPIS, TREND_KPIS, write_report
from agent_kpis.scorecard import scorecard_week

from conftest import PROJECT_DIR, query

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Debian chromium, offline: no first-run, background or update traffic (see STACK_NOTES / the machine notes)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page_file(demo: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    published = tmp_path_factory.mktemp("report") / "published"
    publication = publish(demo[1], published, allow_demo_salt=True)  # demo data
    return write_report(publication.duckdb_path, published.parent / "index.html"), publication.duckdb_path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: `make browser` installs Debian's package")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def loaded(browser: Any, page_file: tuple[Path, Path]) -> Iterator[tuple[Any, list[str], list[str]]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file[0].as_uri(), wait_until="load")
    yield page, problems, requests
    page.close()


def test_page_loads_offline_without_console_errors(loaded: tuple[Any, list[str], list[str]]) -> None:
    page, problems, requests = loaded
    assert problems == []
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []  # self-contained
    assert page.title().startswith("Agent KPIs scorecard")


def test_headline_cards_show_the_scorecard_week(loaded: tuple[Any, list[str], list[str]], page_file: Any) -> None:
    page = loaded[0]
    published = page_file[1]
    import duckdb

    con = duckdb.connect(str(published), read_only=True)
    try:
        week = scorecard_week(con)[0]  # type: ignore[index]
    finally:
        con.close()
    expected = query(
        published,
        "select kpi_name, value, status from marts.kpi_scorecard"
        f" where period_grain = 'week' and period_start = '{week}'"
        " and kpi_name in ('task_success_rate', 'cost_per_successful_task_usd', 'escalation_rate', 'nps')",
    )
    assert len(expected) == 4
    for kpi, value, status in expected:
        card = page.locator(f'#headline .kpi[data-kpi="{kpi}"]')
        assert card.locator(".value").inner_text() == fmt_value(str(kpi), value)  # type: ignore[arg-type]
        assert card.get_attribute("data-status") == status
        assert float(card.get_attribute("data-value")) == pytest.approx(value, rel=1e-12)
    assert f"Week of {week}" in page.locator("header").inner_text()


def test_trends_heatmap_alerts_taxonomy_and_maturity(loaded: tuple[Any, list[str], list[str]], page_file: Any) -> None:
    page, published = loaded[0], page_file[1]
    assert page.locator("svg.trend").count() == len(TREND_KPIS)
    (first, last) = query(published, "select min(period_start), max(period_start) from marts.kpi_scorecard"
                          " where period_grain = 'day'")[0]  # fmt: skip
    releases = query(
        published, f"select count(*) from marts.dim_releases where deployed_date between '{first}' and '{last}'"
    )
    assert page.locator('svg.trend[data-kpi="task_success_rate"] .release-marker').count() == releases[0][0] > 0

    week = page.locator("header").inner_text().split("Week of ")[1][:10]

    def cohorts(dimension: str) -> int:
        return int(
            query(
                published,
                "select count(distinct cohort_value) from marts.kpi_by_cohort"
                f" where cohort_dimension = '{dimension}' and period_grain = 'week' and period_start = '{week}'",
            )[0][0]  # type: ignore[arg-type]
        )

    agents = cohorts("agent_id")
    assert agents >= 4  # the demo's four agents (plus '(missing)' where the created event is missing)
    assert page.locator("#heatmap tbody tr").count() == agents
    assert page.locator("#heatmap tbody td").count() == agents * len(HEATMAP_KPIS)
    page.select_option("#cohort-dimension", "task_type")
    task_types = cohorts("task_type")
    assert task_types >= 7 and page.locator("#heatmap tbody tr").count() == task_types
    assert page.inner_text("#heatmap-count") == f"{task_types} cohorts"
    cell = page.locator('#heatmap tbody tr[data-cohort="password_reset"] td[data-kpi="task_success_rate"]')
    value, status = query(
        published,
        "select value, status from marts.kpi_by_cohort where cohort_dimension = 'task_type'"
        f" and cohort_value = 'password_reset' and kpi_name = 'task_success_rate'"
        f" and period_grain = 'week' and period_start = '{week}'",
    )[0]
    assert cell.inner_text() == fmt_value("task_success_rate", value) and cell.get_attribute("class") == status  # type: ignore[arg-type]

    current = query(published, "select count(*) from marts.kpi_alerts where is_current")[0][0]
    assert f"Stop-the-line alerts ({current} on the latest day)" in page.inner_text("#alerts-section")
    assert page.locator("#alerts tbody tr").count() == current  # the latest day; earlier alerts are folded
    failed = query(published, "select count(*) from marts.fct_tool_calls where status <> 'success'")[0][0]
    shown = sum(int(c.replace(",", "")) for c in page.locator("#taxonomy tbody td:nth-child(3)").all_inner_texts())
    assert shown == failed
    assert page.locator("#maturity tbody tr").count() == 7


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_screenshot_is_kept_and_not_blank(loaded: tuple[Any, list[str], list[str]], browser: Any) -> None:
    page = loaded[0]
    shot = page.screenshot(full_page=True)
    width, height = _png_size(shot)
    assert width == 1280 and height > 2000  # every section rendered, one under the other
    blank = browser.new_page(viewport={"width": 1280, "height": height})
    blank.set_content("<html><body style='background:#f6f7f9'></body></html>")
    empty = blank.screenshot(full_page=True)
    blank.close()
    assert len(shot) > 20 * len(empty)  # charts, tables and text, not an empty canvas
    out = PROJECT_DIR / "reports" / "scorecard"
    out.mkdir(parents=True, exist_ok=True)
    (out / "screenshot-test.png").write_bytes(shot)


def test_trend_charts_have_a_y_axis_and_release_labels_that_never_overlap(
    loaded: tuple[Any, list[str], list[str]],
) -> None:
    page = loaded[0]
    for chart in page.locator("svg.trend").all():
        assert chart.locator("text.tick").count() == 3
        boxes = [label.bounding_box() for label in chart.locator("text.release-label").all()]
        boxes = [b for b in boxes if b]
        assert len(boxes) >= 2
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                apart_x = a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                apart_y = a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"]
                assert apart_x or apart_y, (a, b)
    header = page.locator("#heatmap thead").inner_text()
    assert "Verified task success" in header and "task_success_rate" not in header
