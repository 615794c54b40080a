"""The trace rules where a real framework's traces cannot go (docs/decisions.md, "Traces"),
tried with hand-written spans as a hostile producer would write them: a parent that never
comes is given up at the first run after the wait, with the landing's clock (which a full
refresh keeps); parent cycles and chains deeper than any limit still belong to their task;
traces that share a task id are successive runs of one task, equal whether they arrive
together or one by one; a trace that disagrees with the contract is flagged; traces that
name operations but form no task fail the build with the seed row that would map them."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from conftest import query, run_dbt

NOW_NS = int((time.time() - 6 * 3600) * 1e9)
MINUTE_NS = 60 * 10**9
# the facts and the trace data-quality marts, with their tests (not the KPI layer); a later
# run of the same warehouse builds them without the tests (its seeds are there)
SELECT = ["--select", "+fct_tasks", "+dq_trace_ingestion_summary", "--indirect-selection", "cautious"]
LATER = ["--select", "+fct_tasks", "+dq_trace_ingestion_summary"]
TOKENS = {"llm.token_count.prompt": "10", "llm.token_count.completion": "2"}
DEFAULT = [*SELECT, "--vars", '{"incremental_lookback_hours": 0}']
NO_WAIT = [*LATER, "--vars", '{"incremental_lookback_hours": 0, "otel_missing_parent_wait_hours": 0}']
LATER_DEFAULT = [*LATER, "--vars", '{"incremental_lookback_hours": 0}']


def _span(trace: str, span: str, parent: str | None, name: str, kind: str, start: int, end: int,
          error: bool = False, **attributes: str) -> dict[str, Any]:  # fmt: skip
    """One OTLP/JSON span; kind is its OpenInference span kind (AGENT, LLM, TOOL, CHAIN)."""
    attrs = {"openinference.span.kind": kind, **attributes}
    out: dict[str, Any] = {
        "traceId": trace,
        "spanId": span,
        "name": name,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(end),
        "attributes": [{"key": k, "value": {"stringValue": v}} for k, v in attrs.items()],
        "status": {"code": 2 if error else 1},
    }
    if parent:
        out["parentSpanId"] = parent
    return out


def _write(raw: Path, name: str, spans: list[dict[str, Any]]) -> None:
    (raw / "otel_traces").mkdir(parents=True, exist_ok=True)
    export = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": spans}]}]}
    (raw / "otel_traces" / name).write_text(json.dumps(export) + "\n")


def _trace_id(n: int) -> str:
    return f"{n:032x}"


def _span_id(trace: int, n: int) -> str:
    return f"{trace:08x}{n:08x}"


def _run(trace: int, task: str, start: int, minutes: int, error: bool = False, parent: str | None = None,
         **attributes: str) -> list[dict[str, Any]]:  # fmt: skip
    """An agent run: an AGENT span (the task) with one model call inside."""
    t, agent = _trace_id(trace), _span_id(trace, 1)
    end = start + minutes * MINUTE_NS
    return [
        _span(t, agent, parent, "agent", "AGENT", start, end, error, **{"session.id": task, **attributes}),
        _span(t, _span_id(trace, 2), agent, "chat", "LLM", start + 1000, start + 2000, **TOKENS),
    ]


def _paths(tmp_path: Path) -> tuple[Path, Path]:
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "w.duckdb"
    (wh.parent / "tmp").mkdir(parents=True)
    return raw, wh


def _tasks(wh: Path) -> dict[str, tuple[Any, ...]]:
    rows = query(wh, "select task_id, outcome, is_reopened, resolution_minutes, llm_call_count, agent_id"
                     " from marts.fct_tasks")  # fmt: skip
    return {r[0]: r[1:] for r in rows}


def _findings(wh: Path) -> list[tuple[Any, ...]]:
    return query(wh, "select finding, coalesce(task_id, trace_id), detail from marts.dq_trace_findings order by all")


def test_a_parent_that_never_comes_is_given_up_at_the_first_run_after_the_wait(tmp_path: Path) -> None:
    raw, wh = _paths(tmp_path)
    _write(raw, "orphan.jsonl", _run(1, "orphan-task", NOW_NS, 5, parent=_span_id(1, 99)))
    run_dbt(["build", "--full-refresh", *DEFAULT], raw, wh)
    assert query(wh, "select count(*) from marts.fct_tasks") == [(0,)]
    assert query(wh, "select spans_waiting_for_parent from marts.dq_trace_ingestion_summary") == [(2,)]
    # no new file: the wait ends (here: a wait of 0 hours) and the next run decides the trace
    run_dbt(["run", *NO_WAIT], raw, wh)
    assert _tasks(wh)["orphan-task"][:1] == ("unverified_success",)
    assert [f[0] for f in _findings(wh)] == ["parent_given_up"]
    # the clock is the landing record's: a full refresh a day later does not restart it
    con = duckdb.connect(str(wh))
    try:
        con.execute("update raw.probed_files set first_seen_at = first_seen_at - interval 48 hour")
    finally:
        con.close()
    run_dbt(["run", "--full-refresh", *LATER_DEFAULT], raw, wh)
    assert set(_tasks(wh)) == {"orphan-task"}


HOUR_NS = 60 * MINUTE_NS


def _hostile_spans() -> dict[str, list[dict[str, Any]]]:
    """Hostile traces by name: parent cycles, a chain deeper than any unrolling, traces that
    share a task id (one after the other, and overlapping), a trace the contract contradicts."""
    start = NOW_NS
    a, b = _span_id(3, 1), _span_id(3, 2)
    depth = 150
    deep = [_span(_trace_id(4), _span_id(4, 0), None, "agent", "AGENT", start, start + MINUTE_NS,
                  **{"session.id": "deep"})]  # fmt: skip
    deep += [_span(_trace_id(4), _span_id(4, i), _span_id(4, i - 1), f"step {i}", "CHAIN", start + i, start + 10**6)
             for i in range(1, depth)]  # fmt: skip
    deep.append(_span(_trace_id(4), _span_id(4, depth), _span_id(4, depth - 1), "chat", "LLM", start + depth,
                      start + 10**6))  # fmt: skip
    return {
        # the agent span is its own parent
        "own_parent": _run(2, "own-parent", start, 3, parent=_span_id(2, 1)),
        "cycle": [
            _span(_trace_id(3), a, b, "agent", "AGENT", start, start + MINUTE_NS, **{"session.id": "in-a-cycle"}),
            _span(_trace_id(3), b, a, "step", "CHAIN", start, start + MINUTE_NS),
            _span(_trace_id(3), _span_id(3, 3), a, "chat", "LLM", start + 10, start + 20),
        ],
        "deep": deep,
        "first": _run(5, "shared", NOW_NS - 3 * HOUR_NS, 10),  # completed
        "later": _run(6, "shared", NOW_NS - 2 * HOUR_NS, 20, error=True),  # a later run of the same task fails
        "overlap_a": _run(7, "overlap", NOW_NS - 3 * HOUR_NS, 90),
        "overlap_b": _run(8, "overlap", NOW_NS - 3 * HOUR_NS + 30 * MINUTE_NS, 10),
        "conflict": _run(9, "conflict-1", NOW_NS, 5, **{"gen_ai.agent.name": "trace-agent"}),
    }


def _contract_created_event(raw: Path) -> None:
    (raw / "task_events").mkdir(parents=True, exist_ok=True)
    created = {"event_id": "c-1", "task_id": "conflict-1", "event_type": "created", "agent_id": "contract-agent",
               "occurred_at": "2026-01-01T00:00:00Z"}  # fmt: skip
    (raw / "task_events" / "events.jsonl").write_text(json.dumps(created) + "\n")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw, wh = _paths(tmp_path_factory.mktemp("hostile"))
    _write(raw, "hostile.jsonl", [span for spans in _hostile_spans().values() for span in spans])
    _contract_created_event(raw)
    run_dbt(["build", "--full-refresh", *DEFAULT], raw, wh)
    return wh


def test_cycles_and_deep_chains_still_belong_to_their_task(hostile: Path) -> None:
    tasks = _tasks(hostile)
    assert {t: tasks[t][3] for t in ("own-parent", "in-a-cycle", "deep")} == {"own-parent": 1, "in-a-cycle": 1,
                                                                            "deep": 1}  # fmt: skip
    spans = sum(len(v) for v in _hostile_spans().values())
    summary = query(hostile, "select spans_staged, spans_in_tasks, spans_waiting_for_parent, is_reconciled"
                             " from marts.dq_trace_ingestion_summary")  # fmt: skip
    assert summary == [(spans, spans, 0, True)]
    cycles = {f[1] for f in _findings(hostile) if f[0] == "parent_cycle"}
    assert cycles == {_trace_id(2), _trace_id(3)}


def test_traces_sharing_a_task_id_are_runs_of_one_task_however_they_arrive(hostile: Path, tmp_path: Path) -> None:
    tasks = _tasks(hostile)
    # the later run reopened the task and failed it: resolution runs to its end
    assert tasks["shared"][:3] == ("failed", True, 80.0)
    assert tasks["overlap"][:2] == ("unverified_success", False)
    runs = [(f[0], f[1]) for f in _findings(hostile) if f[0] in ("several_runs", "overlapping_runs")]
    assert runs == [("overlapping_runs", "overlap"), ("several_runs", "overlap"), ("several_runs", "shared")]
    # the runs arrive one hourly run at a time, the later first: the same facts
    spans = _hostile_spans()
    raw, wh = _paths(tmp_path)
    _write(raw, "1.jsonl", spans["later"] + spans["overlap_b"])
    run_dbt(["build", "--full-refresh", *DEFAULT], raw, wh)
    _write(raw, "2.jsonl", spans["first"] + spans["overlap_a"])
    run_dbt(["run", *LATER_DEFAULT], raw, wh)
    apart = _tasks(wh)
    assert {t: apart[t] for t in ("shared", "overlap")} == {t: tasks[t] for t in ("shared", "overlap")}
    assert [f for f in _findings(wh) if f[0] != "trace_contract_conflict"] == [
        f for f in _findings(hostile) if f[0] in ("several_runs", "overlapping_runs")
    ]


def test_a_trace_that_disagrees_with_the_contract_is_flagged_and_the_contract_wins(hostile: Path) -> None:
    assert _tasks(hostile)["conflict-1"][4] == "contract-agent"
    conflicts = [f for f in _findings(hostile) if f[0] == "trace_contract_conflict"]
    assert [(f[1], f[2].split(":")[0]) for f in conflicts] == [("conflict-1", "agent_id")]
    assert "contract-agent" in conflicts[0][2] and "trace-agent" in conflicts[0][2]


def test_traces_that_form_no_task_fail_the_build_naming_the_seed_row(tmp_path: Path) -> None:
    raw, wh = _paths(tmp_path)
    t = _trace_id(10)
    _write(raw, "pipeline.jsonl", [
        _span(t, _span_id(10, 1), None, "nightly pipeline", "CHAIN", NOW_NS, NOW_NS + MINUTE_NS),
        _span(t, _span_id(10, 2), _span_id(10, 1), "lookup", "TOOL", NOW_NS + 10, NOW_NS + 20),
    ])  # fmt: skip
    proc = run_dbt(["build", "--full-refresh", *DEFAULT], raw, wh, check=False)
    assert proc.returncode != 0
    assert "Failure in test assert_traces_form_tasks" in proc.stdout
    assert "forms no task: root span nightly pipeline (kind CHAIN)" in proc.stdout
    assert "span.name,nightly pipeline,agent" in proc.stdout
    assert query(wh, "select traces_without_task, unmapped_roots from marts.dq_trace_ingestion_summary") == [
        (1, "nightly pipeline (CHAIN) x1")
    ]
