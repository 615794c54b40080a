"""What every trace-fixture script shares (scripts/trace_fixtures/<framework>/run.py).

    make trace-fixtures                         every framework, each in its own venv
    make trace-fixtures TRACE_FRAMEWORKS=x      one

A script runs one agent framework offline, unmodified, with its own instrumentation, driven
by a scripted model (no network), and writes two things under
tests_py/fixtures/otel/<framework>/:

* raw/otel_traces/<framework>.jsonl: the spans, written by the OpenTelemetry SDK's OTLP JSON
  file exporter exactly as the README's snippet sets it up (a Resource with service.name
  and service.version; one ExportTraceServiceRequest per line);
* expected.json: what the framework itself reported for every run (its run result, usage
  totals, raised exception), what the scripted model returned call by call and what the
  tools saw of their own executions. Never read back from the spans: the conformance test
  (tests_py/test_trace_conformance.py) compares dbt's facts with this file.

A run record (one per task) has the keys of RUN_KEYS; `check_run` refuses any other shape.
"""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path
from typing import Any

from opentelemetry.exporter.otlp.json.file.trace_exporter import FileSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

OUT = Path(__file__).resolve().parents[2] / "tests_py" / "fixtures" / "otel"

# key -> (type(s), meaning); None allowed where the type tuple has type(None)
RUN_KEYS: dict[str, tuple[tuple[type, ...], str]] = {
    "task_id": ((str,), "the task id, set the framework's documented way (session, conversation, metadata)"),
    "scenario": ((str,), "what the run exercises: a name of SCENARIOS"),
    "agent_id": ((str,), "the agent's own name as the framework knows it (service.name where it has none)"),
    "agent_version": ((str, type(None)), "the agent's version where the run sets one"),
    "task_type": ((str, type(None)), "cohort: set the framework's documented way (run metadata, attributes)"),
    "channel": ((str, type(None)), "cohort"),
    "customer_tier": ((str, type(None)), "cohort"),
    "customer_id": ((str, type(None)), "cohort (personal data: hashed downstream)"),
    "outcome": ((str,), "completed: the framework's run returned; failed: it raised"),
    "error_type": ((str, type(None)), "short class name of the exception the run raised (null when completed)"),
    "model_calls": ((int,), "model requests, failed ones included (the framework's own count where it keeps one)"),
    "model_errors": ((int,), "model requests that raised"),
    "calls": ((list,), "per successful model request, what the scripted model returned: TOKEN_KEYS"),
    "tool_attempts": ((list,), "per execution of a tool function, in order: {tool, call, ok} (ATTEMPT_KEYS)"),
    "guardrails": ((list,), "per guardrail check the framework ran: {guardrail, triggered}"),
    "evaluations": ((list,), "per evaluation the instrumentation records: {name, score, label, passed}"),
}
TOKEN_KEYS = ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_output_tokens")
# call: the logical call this attempt belongs to, as the framework identifies it (the tool call id the
# model emitted; a framework retry keeps it). ok: the tool function returned (false: it raised)
ATTEMPT_KEYS = ("tool", "call", "ok")
SCENARIOS = {
    "several_tools": "two or more different tools, one after another",
    "parallel_tools": "one model response asks for two tool calls at once",
    "tool_retried": "a tool raises and the framework's own retry runs it again, then it succeeds",
    "retries_exhausted": "a tool keeps raising until the framework's retry gives up",
    "tool_error_handled": "a tool raises and the framework hands the error back to the model, which answers",
    "model_error": "a model request raises (e.g. 503 or rate limit)",
    "run_raises": "the run itself raises (an unhandled tool error, a step limit, ...)",
    "guardrail_tripped": "a guardrail the framework runs trips",
    "evaluated": "the instrumentation records an evaluation result",
    "plain": "the model answers without tools",
}


def tracer_provider(framework: str, service_name: str, service_version: str = "1.0.0") -> TracerProvider:
    """The README's snippet: a Resource naming the service, the OTLP JSON file exporter. A
    SimpleSpanProcessor (not the snippet's batch one) so every span is on disk at shutdown."""
    path = OUT / framework / "raw" / "otel_traces" / f"{framework}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    resource = Resource.create({"service.name": service_name, "service.version": service_version})
    provider = TracerProvider(resource=resource)
    provider.add_span_processor(SimpleSpanProcessor(FileSpanExporter(str(path))))
    return provider


def new_run(task_id: str, scenario: str, agent_id: str, **cohorts: str | None) -> dict[str, Any]:
    """An empty run record; the script fills in what the framework and the tools report."""
    run: dict[str, Any] = {key: None for key in RUN_KEYS}
    run.update(task_id=task_id, scenario=scenario, agent_id=agent_id, model_calls=0, model_errors=0,
               calls=[], tool_attempts=[], guardrails=[], evaluations=[])  # fmt: skip
    run.update(cohorts)
    return run


def model_call(run: dict[str, Any], input_tokens: int, output_tokens: int, cached: int = 0, reasoning: int = 0) -> None:
    """A successful model request, with the usage the scripted model returns for it."""
    run["model_calls"] += 1
    run["calls"].append(dict(zip(TOKEN_KEYS, (input_tokens, output_tokens, cached, reasoning), strict=True)))


def model_error(run: dict[str, Any]) -> None:
    """A model request that raised."""
    run["model_calls"] += 1
    run["model_errors"] += 1


def tool_attempt(run: dict[str, Any], tool: str, call: str, ok: bool) -> None:
    """One execution of a tool function, as the tool saw it."""
    run["tool_attempts"].append({"tool": tool, "call": call, "ok": ok})


def guardrail(run: dict[str, Any], name: str, triggered: bool) -> None:
    """One guardrail check the framework ran, and whether it tripped."""
    run["guardrails"].append({"guardrail": name, "triggered": triggered})


def evaluation(run: dict[str, Any], name: str, score: float, label: str | None, passed: bool) -> None:
    """One evaluation result, as the scorer returned it."""
    run["evaluations"].append({"name": name, "score": score, "label": label, "passed": passed})


def token_totals(run: dict[str, Any]) -> dict[str, int]:
    return {key: sum(call[key] for call in run["calls"]) for key in TOKEN_KEYS}


def agree(run: dict[str, Any], **framework_totals: int | None) -> None:
    """The framework's own usage totals must equal what the scripted model returned (a key the
    framework does not report is passed as None and skipped)."""
    totals = token_totals(run)
    for key, value in framework_totals.items():
        if value is not None:
            assert value == totals[key], (run["task_id"], key, value, totals[key])


def check_run(run: dict[str, Any]) -> None:
    assert set(run) == set(RUN_KEYS), (run.get("task_id"), set(run) ^ set(RUN_KEYS))
    for key, (types, _) in RUN_KEYS.items():
        assert isinstance(run[key], types), (run["task_id"], key, run[key])
    assert run["scenario"] in SCENARIOS, run["scenario"]
    assert run["outcome"] in ("completed", "failed"), run["outcome"]
    assert (run["error_type"] is None) == (run["outcome"] == "completed"), run["task_id"]
    assert run["model_calls"] == len(run["calls"]) + run["model_errors"], run["task_id"]
    for call in run["calls"]:
        assert set(call) == set(TOKEN_KEYS) and all(isinstance(v, int) for v in call.values()), call
    for attempt in run["tool_attempts"]:
        assert set(attempt) == set(ATTEMPT_KEYS) and isinstance(attempt["ok"], bool), attempt
    for guardrail in run["guardrails"]:
        assert set(guardrail) == {"guardrail", "triggered"}, guardrail
    for evaluation in run["evaluations"]:
        assert set(evaluation) == {"name", "score", "label", "passed"}, evaluation


def write_expected(
    framework: str,
    convention: str,
    runs: list[dict[str, Any]],
    *,
    distributions: list[str],
    not_carried: dict[str, Any],
    unsupported_scenarios: dict[str, str],
) -> None:
    """expected.json beside the trace file. distributions: the packages whose versions matter
    (recorded from the venv); not_carried: field -> why the instrumentation cannot carry it;
    unsupported_scenarios: scenario -> why the framework has no such thing. A not_carried value
    is the reason (every run), or {"reason": ..., "runs": [task ids]} when only some runs
    lose the field."""
    for run in runs:
        check_run(run)
    assert len({run["task_id"] for run in runs}) == len(runs), "one run per task id"
    covered = {run["scenario"] for run in runs}
    missing = set(SCENARIOS) - covered - set(unsupported_scenarios)
    assert not missing, f"scenarios neither run nor explained: {sorted(missing)}"
    ids = {run["task_id"] for run in runs}
    for why in not_carried.values():
        assert isinstance(why, str) or (set(why) == {"reason", "runs"} and set(why["runs"]) <= ids), why
    out = OUT / framework / "expected.json"
    document = {
        "framework": framework,
        "convention": convention,
        "packages": {name: metadata.version(name) for name in distributions},
        "not_carried": not_carried,
        "unsupported_scenarios": unsupported_scenarios,
        "runs": runs,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")
    lines = (OUT / framework / "raw" / "otel_traces" / f"{framework}.jsonl").read_text().splitlines()
    print(f"{framework}: {len(runs)} runs, {len(lines)} export lines -> {out.parent}")
