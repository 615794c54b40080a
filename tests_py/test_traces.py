"""Real agents' traces in (issues 9 and 23): OTLP/JSON written by ten agent frameworks' own
instrumentation, run offline by scripts/trace_fixtures/<framework>/run.py, give the tasks,
outcomes, model calls and errors, tokens, tool attempts, logical calls, retries, guardrails,
evaluations and cohorts the frameworks themselves reported (expected.json: the conformance
matrix, tests_py/trace_conformance.py), joined with contract verifications on the same task
ids; incremental runs equal a full refresh even when children arrive before their parents;
broken spans are quarantined with a reason; a feed of traces alone publishes."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from agent_kpis.privacy import DEMO_PII_SALT
from agent_kpis.validation import validate_publishing

from conftest import END_DATE, PROJECT_DIR, columns, query, run_dbt
from trace_conformance import compared, expected, matrix_markdown, mismatches

FIXTURES = Path(__file__).with_name("fixtures") / "otel"
FRAMEWORKS = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").exists())
STRICT = ["--vars", '{"incremental_lookback_hours": 0}']
# a run whose agent span the instrumentation never ends (smolagents' raised runs) leaves its
# steps waiting for a parent until the wait is over: here it is over at once
WAITED = ["--vars", '{"incremental_lookback_hours": 0, "otel_missing_parent_wait_hours": 0}']
# the contract tables still carry what traces cannot: checks against systems of record
VERIFICATIONS = [
    ("pa-1", "ticket_closed", "passed"),
    ("pa-2", "refund_issued", "passed"),
    ("pa-2", "ticket_closed", "failed"),
    ("oa-1", "refund_issued", "passed"),
    ("oa-1", "ticket_closed", "passed"),
]
EXPECTED_OUTCOME = {"pa-1": "verified_success", "pa-2": "verification_failed", "oa-1": "verified_success"}


def _runs() -> list[dict[str, Any]]:
    return [run for fw in FRAMEWORKS for run in expected(fw)["runs"]]


def _trace_lines() -> list[str]:
    return [
        line
        for fw in FRAMEWORKS
        for path in sorted((FIXTURES / fw / "raw" / "otel_traces").glob("*.jsonl"))
        for line in path.read_text().splitlines()
    ]


def _write_verifications(raw: Path) -> None:
    rows = [
        {"event_id": f"v-{i}", "task_id": task, "check_name": check, "status": status, "verified_at": "2026-01-01"}
        for i, (task, check, status) in enumerate(VERIFICATIONS)
    ]
    (raw / "verifications").mkdir(parents=True, exist_ok=True)
    (raw / "verifications" / "checks.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("traces")
    raw, warehouse = base / "raw", base / "wh" / "w.duckdb"
    (warehouse.parent / "tmp").mkdir(parents=True)
    for fw in FRAMEWORKS:
        shutil.copytree(FIXTURES / fw / "raw", raw, dirs_exist_ok=True)
    _write_verifications(raw)
    run_dbt(["build", "--full-refresh", *WAITED], raw, warehouse)
    return warehouse


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_figure_is_the_frameworks_own(built: Path, framework: str) -> None:
    """One row of the conformance matrix: every run of the framework is one task whose figures
    equal the framework's own, except what its instrumentation cannot carry (not_carried)."""
    document = expected(framework)
    assert len(document["runs"]) >= 6
    assert mismatches(framework, built, DEMO_PII_SALT) == []


@pytest.mark.parametrize(("doc", "table_only"), [("docs/frameworks.md", False), ("README.md", True)])
def test_the_docs_show_the_matrix_the_fixtures_make(doc: str, table_only: bool) -> None:
    """The matrix is made from the fixtures (make it with `python tests_py/trace_conformance.py
    --markdown [--table]`): a fixture written again changes it."""
    text = (PROJECT_DIR / doc).read_text()
    begin = text.index("<!-- conformance matrix:")
    start, end = text.index("\n", begin) + 1, text.index("<!-- end -->", begin)
    assert text[start:end] == matrix_markdown(table_only=table_only)


def test_contract_verifications_join_the_trace_tasks(built: Path) -> None:
    outcomes = dict(query(built, "select task_id, outcome from marts.fct_tasks"))
    assert {t: outcomes[t] for t in EXPECTED_OUTCOME} == EXPECTED_OUTCOME
    # every task came from traces: no contract task events
    assert query(built, "select count(*) from staging.stg_telemetry__task_events") == [(0,)]


def _price(model: str) -> dict[str, Decimal] | None:
    with (PROJECT_DIR / "seeds" / "model_prices.csv").open() as fh:
        rows = [r for r in csv.DictReader(fh) if r["model"] == model]
    if not rows:
        return None
    latest = max(rows, key=lambda r: r["valid_from"])  # the fixtures run in 2026: the newest price
    return {k: Decimal(latest[k]) for k in ("input_usd_per_1m_tokens", "cached_input_usd_per_1m_tokens",
                                            "output_usd_per_1m_tokens")}  # fmt: skip


def test_model_cost_is_the_tokens_at_the_seed_price(built: Path) -> None:
    costs = dict(query(built, "select task_id, model_cost_usd from marts.fct_tasks"))
    models = dict(query(built, "select task_id, any_value(model) from marts.fct_llm_calls group by 1"))
    priced = 0
    runs = [(fw, run) for fw in FRAMEWORKS for run in expected(fw)["runs"]]
    for framework, run in runs:
        if {"input_tokens", "output_tokens", "cached_input_tokens"} - set(compared(framework, run["task_id"])):
            continue  # tokens the instrumentation cannot carry cannot be priced
        price = _price(str(models.get(run["task_id"])))
        want = Decimal(0)
        if price:
            for call in run["calls"]:
                fresh = call["input_tokens"] - call["cached_input_tokens"]
                usd = (
                    fresh * price["input_usd_per_1m_tokens"]
                    + call["cached_input_tokens"] * price["cached_input_usd_per_1m_tokens"]
                    + call["output_tokens"] * price["output_usd_per_1m_tokens"]
                )
                want += usd / Decimal(1_000_000)
            priced += bool(run["calls"])
        assert abs(Decimal(costs[run["task_id"]]) - want) < Decimal("1e-9"), run["task_id"]
    assert priced >= 10  # the runs on gpt-4o-mini and gpt-4.1-mini are priced; scripted models are not


def test_failed_attempts_get_their_error_category(built: Path) -> None:
    categories = dict(
        ((task, tool), category)
        for task, tool, category in query(
            built, "select task_id, tool_name, error_category from marts.fct_tool_calls where status <> 'success'"
        )
    )
    assert categories[("pa-4", "cancel_order")] == "policy_deny"  # PermissionError, via otel_error_categories
    assert categories[("pa-1", "lookup_order")] == "validation_failure"  # a retry request (ToolRetryError)
    assert categories[("ad-3", "check_inventory")] == "dependency_outage"  # ConnectionError in the recorded result


def test_the_model_call_error_rate_counts_every_failed_request(built: Path) -> None:
    rate = query(built, "select numerator, denominator from marts.kpi_scorecard"
                        " where kpi_name = 'model_call_error_rate' and period_grain = 'all'")  # fmt: skip
    runs = _runs()
    assert rate == [(float(sum(r["model_errors"] for r in runs)), float(sum(r["model_calls"] for r in runs)))]


def test_nothing_is_lost_at_the_line_and_span_grains(built: Path) -> None:
    lines = _trace_lines()
    spans = sum(len(s["spans"]) for line in lines for rs in json.loads(line)["resourceSpans"] for s in rs["scopeSpans"])
    summary = query(
        built,
        "select lines_read, lines_parsed, spans_unnested, spans_staged, spans_waiting_for_parent, trace_tasks,"
        " traces_without_task, is_reconciled from marts.dq_trace_ingestion_summary",
    )
    assert summary == [(len(lines), len(lines), spans, spans, 0, len(_runs()), 0, True)]


def test_a_feed_of_traces_alone_publishes(built: Path, tmp_path: Path) -> None:
    """No contract task events, every day of the feed in the backlog (0 included): the
    publishing checks pass."""
    raw = tmp_path / "raw"
    for fw in FRAMEWORKS:
        shutil.copytree(FIXTURES / fw / "raw", raw, dirs_exist_ok=True)
    report = validate_publishing(tmp_path, built)
    assert report.success, [f.line() for f in report.failures]
    days = query(built, "select count(*), count(distinct backlog_date), min(open_tasks) from marts.kpi_backlog_daily")
    span = query(built, "select datediff('day', min(created_date), max(coalesce(resolved_date, created_date))) + 1"
                        " from marts.fct_tasks")  # fmt: skip
    assert days[0][:2] == (span[0][0], span[0][0]) and days[0][2] == 0


def test_the_summary_shows_the_latest_week_with_data(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A feed of a few days (the fixtures ran within one week): the printed scorecard shows the
    week so far, not an empty complete week before it."""
    from agent_kpis.summary import print_summary

    assert print_summary(built) == 0
    out = capsys.readouterr().out
    assert "the week so far" in out
    terminal = query(built, "select value from marts.kpi_scorecard where kpi_name = 'terminal_tasks'"
                            " and period_grain = 'week' order by period_start desc limit 1")  # fmt: skip
    line = next(line for line in out.splitlines() if line.strip().startswith("terminal_tasks"))
    assert f"{terminal[0][0]:,.0f}" in line


def _snapshot(wh: Path) -> dict[str, list[tuple[object, ...]]]:
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    try:
        out = {}
        for table in ("marts.fct_tasks", "marts.fct_tool_calls", "marts.fct_llm_calls", "marts.kpi_scorecard"):
            cols = ", ".join(f'"{c}"' for c in columns(con, table, {"last_loaded_at"}))
            out[table] = con.execute(f"select {cols} from {table} order by {cols}").fetchall()
        return out
    finally:
        con.close()


def test_children_before_parents_then_redelivery_equal_one_full_refresh(built: Path, tmp_path: Path) -> None:
    """Spans are exported as they end, children first: deliver every span but the roots, then
    the roots, then one file again once the wait for parents is over; the incremental
    warehouse equals the full refresh."""
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "w.duckdb"
    (wh.parent / "tmp").mkdir(parents=True)
    _write_verifications(raw)
    roots, children = [], []
    for line in _trace_lines():
        spans = [s for rs in json.loads(line)["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
        (roots if any(not s.get("parentSpanId") for s in spans) else children).append(line)
    assert roots and children
    (raw / "otel_traces").mkdir()
    (raw / "otel_traces" / "1-children.jsonl").write_text("\n".join(children) + "\n")
    run_dbt(["build", "--full-refresh", *STRICT], raw, wh)
    assert query(wh, "select count(*) from marts.fct_tasks") == [(0,)]
    waiting = query(wh, "select spans_waiting_for_parent, spans_staged from marts.dq_trace_ingestion_summary")
    assert waiting[0][0] == waiting[0][1] > 0  # nothing decided while the roots are missing
    (raw / "otel_traces" / "2-roots.jsonl").write_text("\n".join(roots) + "\n")
    run_dbt(["run", *STRICT], raw, wh)  # the tests ran with the first build
    waiting = query(wh, "select spans_waiting_for_parent from marts.dq_trace_ingestion_summary")[0][0]
    shutil.copy(raw / "otel_traces" / "2-roots.jsonl", raw / "otel_traces" / "3-roots-again.jsonl")
    run_dbt(["run", *WAITED], raw, wh)
    assert _snapshot(wh) == _snapshot(built)
    assert query(wh, "select duplicate_spans, spans_waiting_for_parent from marts.dq_trace_ingestion_summary") == [
        (len(roots), 0)
    ]
    # before the wait was over, only the spans of traces whose root never comes were waiting
    traces: dict[str, list[bool]] = {}
    for line in _trace_lines():
        for rs in json.loads(line)["resourceSpans"]:
            for ss in rs["scopeSpans"]:
                for span in ss["spans"]:
                    traces.setdefault(span["traceId"], []).append(not span.get("parentSpanId"))
    rootless = sum(len(is_root) for is_root in traces.values() if not any(is_root))
    assert waiting == rootless > 0


def test_broken_lines_and_spans_are_quarantined_with_their_reason(tmp_path: Path) -> None:
    """Hand-written spans, only for the broken cases."""
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "w.duckdb"
    (wh.parent / "tmp").mkdir(parents=True)
    good = _trace_lines()[:3]
    t, s = "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
    ns = "1795733582527350513"

    def export(**span: object) -> str:
        return json.dumps({"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]})

    broken = [
        "not json at all",
        json.dumps({"spans": []}),
        export(spanId=s, name="no trace", startTimeUnixNano=ns, endTimeUnixNano=ns),
        export(traceId=t, spanId="xyz", name="bad id", startTimeUnixNano=ns, endTimeUnixNano=ns),
        export(traceId=t, spanId=s, name="no end", startTimeUnixNano=ns),
        export(traceId=t, spanId="a7ad6b7169203331", name="backwards", startTimeUnixNano=ns, endTimeUnixNano="1"),
    ]
    (raw / "otel_traces").mkdir(parents=True)
    (raw / "otel_traces" / "mixed.jsonl").write_text("\n".join(good + broken) + "\n")
    select = ["--select", "+dq_quarantined_rows", "+dq_trace_ingestion_summary", "--indirect-selection", "cautious"]
    run_dbt(["build", "--full-refresh", *select], raw, wh)
    reasons = query(
        wh,
        "select reject_detail, count(*) from marts.dq_quarantined_rows where raw_table = 'otel_traces' group by 1",
    )
    assert dict(reasons) == {
        "not_json": 1,
        "not_a_trace_export": 1,
        "missing_required_field:trace_id": 1,
        "invalid_id:span_id": 1,
        "missing_required_field:end_time": 1,
        "end_before_start": 1,
    }
    summary = query(wh, "select lines_read, lines_rejected, spans_rejected, is_reconciled"
                        " from marts.dq_trace_ingestion_summary")  # fmt: skip
    assert summary == [(len(good) + len(broken), 2, 4, True)]


def _drop_reported_costs(raw: Path) -> None:
    """Traces carry no cost (model_prices prices their tokens): compare both routes that way."""
    for path in (raw / "llm_calls").glob("*.jsonl"):
        rows = [json.loads(line) for line in path.read_text().splitlines()]
        path.write_text("".join(json.dumps({**r, "cost_usd": None}) + "\n" for r in rows))


def test_the_demo_world_as_traces_equals_the_contract_route(tmp_path: Path) -> None:
    """The same simulated world written twice, as contract tables and as OTLP traces plus the
    contract tables traces cannot carry: the facts and KPIs are the same. Not compared: what
    traces cannot carry (side effects, idempotency keys, sensitive fields) and the model-call
    error rate (the contract's llm_calls report no status)."""
    from agent_kpis.generator import FaultRates, GeneratorConfig, generate

    warehouses = {}
    for fmt in ("jsonl", "otlp"):
        raw, wh = tmp_path / fmt / "raw", tmp_path / fmt / "wh" / "w.duckdb"
        (wh.parent / "tmp").mkdir(parents=True)
        generate(GeneratorConfig(tasks=600, days=6, seed=5, end_date=END_DATE, fmt=fmt, faults=FaultRates.none()), raw)  # type: ignore[arg-type]
        _drop_reported_costs(raw)
        run_dbt(["build", "--full-refresh", "--select", "+marts", "--indirect-selection", "cautious"], raw, wh)
        warehouses[fmt] = wh
    assert query(
        warehouses["otlp"], "select trace_tasks > 500, is_reconciled from marts.dq_trace_ingestion_summary"
    ) == [(True, True)]
    assert query(warehouses["otlp"], "select count(*) from staging.stg_telemetry__llm_calls")[0][0] < 100  # in flight
    not_carried = {
        # a failed task's reason: the contract's free text, the trace's error type
        "marts.fct_tasks": {"last_loaded_at", "has_sensitive_access", "failure_reason"},
        "marts.fct_tool_calls": {
            "event_id",
            "call_id",
            "last_loaded_at",
            "is_side_effecting",
            "has_idempotency_key",
            "is_duplicate_side_effect",
            "sensitive_field_count",
            "tool_version",
            "is_retryable",
            "error_class",
        },
        "marts.fct_llm_calls": {"event_id", "status", "error_type"},
    }
    for table, drop in not_carried.items():
        rows = [_rows(wh, table, drop) for wh in warehouses.values()]
        assert len(rows[0]) > 100 and rows[0] == rows[1], table
    not_comparable = ("duplicate_side_effects", "missing_idempotency_key_rate", "sensitive_access_rate",
                      "model_call_error_rate")  # fmt: skip
    kpis = f"kpi_name not in {not_comparable}"
    scorecards = [
        query(
            wh, f"select kpi_name, period_grain, period_start, value from marts.kpi_scorecard where {kpis} order by all"
        )
        for wh in warehouses.values()
    ]
    assert len(scorecards[0]) == len(scorecards[1]) > 300
    for a, b in zip(*scorecards, strict=True):
        assert a[:3] == b[:3] and (a[3] == b[3] or abs(a[3] - b[3]) <= 1e-9 * max(1.0, abs(a[3]))), (a, b)
    report = validate_publishing(tmp_path, warehouses["otlp"])
    assert report.success, [f.line() for f in report.failures]


def _rows(wh: Path, table: str, drop: set[str]) -> list[tuple[object, ...]]:
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    try:
        cols = ", ".join(f'"{c}"' for c in columns(con, table, drop))
        return con.execute(f"select {cols} from {table} order by {cols}").fetchall()
    finally:
        con.close()
