"""The conformance matrix: what dbt made of each framework's traces against what the framework
itself reported (tests_py/fixtures/otel/<framework>/expected.json, written by
scripts/trace_fixtures/<framework>/run.py, never read back from the spans).

`truth` and `measured` give the same figures per task, one from expected.json, one from the
warehouse; `mismatches` lists where they differ.

    python tests_py/trace_conformance.py <warehouse> <framework...>   the mismatches
    python tests_py/trace_conformance.py --markdown [--table]        docs/frameworks.md [README]

docs/frameworks.md and the README's matrix are made from the fixtures by `matrix_markdown`
(a test keeps them current).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

FIXTURES = Path(__file__).with_name("fixtures") / "otel"
COHORTS = ("agent_id", "task_type", "channel", "customer_tier")
TOKENS = ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_output_tokens")
FIGURES = (
    "outcome",
    *COHORTS,
    "customer_key",
    "model_calls",
    "model_errors",
    *TOKENS,
    "tool_attempts",
    "failed_tool_attempts",
    "tool_calls",
    "retried_tool_calls",
    "failed_tool_calls",
    "tool_names",
    "guardrail_checks",
    "guardrails_tripped",
    "evaluations",
    "evaluations_passed",
)


# the run-record field (expected.json) each figure is made of: a field the framework's
# instrumentation cannot carry (expected.json "not_carried") is not compared
SOURCE_FIELD = {
    **{f: "tool_attempts" for f in FIGURES if "tool" in f},
    "customer_key": "customer_id",
    "model_calls": "calls",
    "model_errors": "calls",
    "guardrail_checks": "guardrails",
    "guardrails_tripped": "guardrails",
    "evaluations_passed": "evaluations",
}


def compared(framework: str, task_id: str) -> tuple[str, ...]:
    """The figures compared for a run: all but those the framework's instrumentation cannot
    carry (not_carried: field -> reason for every run, or -> {reason, runs} for some)."""
    not_carried = {
        field: why for field, why in expected(framework)["not_carried"].items()
        if isinstance(why, str) or task_id in why["runs"]
    }  # fmt: skip
    return tuple(f for f in FIGURES if SOURCE_FIELD.get(f, f) not in not_carried)


def expected(framework: str) -> dict[str, Any]:
    return json.loads((FIXTURES / framework / "expected.json").read_text())


def customer_key(customer_id: str | None, salt: str) -> str | None:
    return hashlib.sha256(f"{salt}|{customer_id}".encode()).hexdigest() if customer_id else None


def truth(run: dict[str, Any], salt: str) -> dict[str, Any]:
    """The figures of one run as the framework, the scripted model and the tools reported them."""
    attempts = run["tool_attempts"]
    calls: dict[str, list[bool]] = {}
    for attempt in attempts:
        calls.setdefault(attempt["call"], []).append(attempt["ok"])
    figures: dict[str, Any] = {
        "outcome": run["outcome"],
        **{field: run[field] for field in COHORTS},
        "customer_key": customer_key(run["customer_id"], salt),
        "model_calls": run["model_calls"],
        "model_errors": run["model_errors"],
        **{key: sum(call[key] for call in run["calls"]) for key in TOKENS},
        "tool_attempts": len(attempts),
        "failed_tool_attempts": sum(not a["ok"] for a in attempts),
        "tool_calls": len(calls),
        "retried_tool_calls": sum(len(oks) > 1 for oks in calls.values()),
        "failed_tool_calls": sum(not oks[-1] for oks in calls.values()),
        "tool_names": dict(Counter(a["tool"] for a in attempts)),
        "guardrail_checks": len(run["guardrails"]),
        "guardrails_tripped": sum(g["triggered"] for g in run["guardrails"]),
        "evaluations": len(run["evaluations"]),
        "evaluations_passed": sum(bool(e["passed"]) for e in run["evaluations"]),
    }
    return figures


def measured(con: duckdb.DuckDBPyConnection, task_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The same figures per task, from the marts."""
    ids = [(t,) for t in task_ids]
    con.execute("create or replace temp table wanted (task_id varchar)")
    con.executemany("insert into wanted values (?)", ids)
    tasks = con.execute(
        f"""
        select task_id, terminal_event_type, {", ".join(COHORTS)}, customer_key, llm_call_count,
            {", ".join(TOKENS)}, tool_attempt_count, failed_tool_attempt_count, tool_call_count,
            policy_denial_count, evaluation_count, evaluation_passed_count
        from marts.fct_tasks where task_id in (select task_id from wanted)
        """
    ).fetchall()
    out: dict[str, dict[str, Any]] = {}
    for row in tasks:
        (task, outcome, *rest) = row
        cohorts, rest = rest[: len(COHORTS)], rest[len(COHORTS) :]
        key, llm_calls, *rest = rest
        tokens, rest = rest[: len(TOKENS)], rest[len(TOKENS) :]
        attempts, failed, calls, denials, evaluations, passed = rest
        out[task] = {
            "outcome": outcome,
            **dict(zip(COHORTS, cohorts, strict=True)),
            "customer_key": key,
            "model_calls": llm_calls,
            **dict(zip(TOKENS, tokens, strict=True)),
            "tool_attempts": attempts,
            "failed_tool_attempts": failed,
            "tool_calls": calls,
            "guardrails_tripped": denials,
            "evaluations": evaluations,
            "evaluations_passed": passed,
        }
    for task, errors in con.execute(
        "select task_id, count(case when status = 'error' then 1 end) from marts.fct_llm_calls"
        " where task_id in (select task_id from wanted) group by 1"
    ).fetchall():
        out.setdefault(task, {})["model_errors"] = errors
    per_call = con.execute(
        "select task_id, call_id, count(*), bool_or(is_final_attempt and status <> 'success')"
        " from marts.fct_tool_calls where task_id in (select task_id from wanted) group by 1, 2"
    ).fetchall()
    for task, _, n, failed_last in per_call:
        figures = out.setdefault(task, {})
        figures["retried_tool_calls"] = figures.get("retried_tool_calls", 0) + (n > 1)
        figures["failed_tool_calls"] = figures.get("failed_tool_calls", 0) + bool(failed_last)
    for task, tool, n in con.execute(
        "select task_id, tool_name, count(*) from marts.fct_tool_calls"
        " where task_id in (select task_id from wanted) group by 1, 2"
    ).fetchall():
        out.setdefault(task, {}).setdefault("tool_names", {})[tool] = n
    for task, n in con.execute(
        "select task_id, count(*) from intermediate.int_policy_events_unioned"
        " where task_id in (select task_id from wanted) group by 1"
    ).fetchall():
        out.setdefault(task, {})["guardrail_checks"] = n
    for figures in out.values():
        for name, empty in (("model_errors", 0), ("retried_tool_calls", 0), ("failed_tool_calls", 0),
                            ("tool_names", {}), ("guardrail_checks", 0)):  # fmt: skip
            figures.setdefault(name, empty)
    return out


def mismatches(framework: str, warehouse: Path, salt: str) -> list[str]:
    """Every figure of every run where the warehouse differs from the framework's own report."""
    runs = expected(framework)["runs"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = measured(con, [run["task_id"] for run in runs])
    finally:
        con.close()
    wrong = []
    for run in runs:
        figures = compared(framework, run["task_id"])
        want, got = truth(run, salt), found.get(run["task_id"])
        if got is None:
            wrong.append(f"{framework} {run['task_id']} ({run['scenario']}): no task")
            continue
        for figure in figures:
            if want[figure] != got.get(figure):
                wrong.append(f"{framework} {run['task_id']} ({run['scenario']}) {figure}: {got.get(figure)!r}"
                             f" (framework: {want[figure]!r})")  # fmt: skip
    return wrong


# the matrix's columns: figures read together, and the scenario that exercises them
COLUMNS = {
    "outcome": ("outcome",),
    "agent, cohorts": ("agent_id", "task_type", "channel", "customer_tier", "customer_key"),
    "model calls, errors": ("model_calls", "model_errors"),
    "input, output tokens": ("input_tokens", "output_tokens"),
    "cached tokens": ("cached_input_tokens",),
    "reasoning tokens": ("reasoning_output_tokens",),
    "tool attempts": ("tool_attempts", "failed_tool_attempts", "tool_names"),
    "logical calls, retries": ("tool_calls", "retried_tool_calls", "failed_tool_calls"),
    "guardrails": ("guardrail_checks", "guardrails_tripped"),
    "evaluations": ("evaluations", "evaluations_passed"),
}
# packages a fixture records that are not the framework or its instrumentation
PLUMBING = {"opentelemetry-api", "opentelemetry-sdk", "opentelemetry-exporter-otlp-json-file",
            "opentelemetry-semantic-conventions", "opentelemetry-instrumentation", "openinference-instrumentation",
            "openinference-semantic-conventions", "langchain-core", "langgraph-prebuilt", "crewai-core", "openai",
            "httpx2", "mcp", "google-genai", "llama-index-workflows", "llama-index-instrumentation",
            "pydantic-graph", "autogen-core", "opentelemetry-util-genai", "opentelemetry-semantic-conventions-ai",
            "opentelemetry-instrumentation-threading"}  # fmt: skip
MATRIX_BEGIN, MATRIX_END = "<!-- conformance matrix: tests_py/trace_conformance.py --markdown -->", "<!-- end -->"


def _cell(framework: str, figures: tuple[str, ...], notes: list[str]) -> str:
    """exact (compared in every run, and not 0 in every run), partial (not carried in some
    runs), no (not carried), or - (no run exercises it); a note says why (one per reason)."""
    document = expected(framework)
    runs = document["runs"]
    skipped = [run["task_id"] for run in runs if not set(figures) <= set(compared(framework, run["task_id"]))]
    if skipped:
        fields = {SOURCE_FIELD.get(f, f) for f in figures}
        why = {k: (v if isinstance(v, str) else v["reason"]) for k, v in document["not_carried"].items() if k in fields}
        note = f"{framework}, {'/'.join(sorted(why))}: {'; '.join(dict.fromkeys(why.values()))}"
        if note not in notes:
            notes.append(note)
        return f"{'no' if len(skipped) == len(runs) else 'partial'} [{notes.index(note) + 1}]"
    seen = any(truth(run, "")[f] not in (0, {}, None) for run in runs for f in figures)
    return "exact" if seen else "-"


def matrix_markdown(table_only: bool = False) -> str:
    """The matrix as docs/frameworks.md shows it (the README: the table only): one row per
    framework fixture, then why each figure not carried is not, and the scenarios a
    framework does not have."""
    frameworks = sorted(p.name for p in FIXTURES.iterdir() if (p / "expected.json").exists())
    notes: list[str] = []
    head = ["framework (instrumentation)", "runs", *COLUMNS]
    rows = []
    for framework in frameworks:
        document = expected(framework)
        packages = ", ".join(f"{k} {v}" for k, v in document["packages"].items() if k not in PLUMBING)
        cells = [_cell(framework, figures, notes) for figures in COLUMNS.values()]
        rows.append([f"`{framework}` ({packages})", str(len(document["runs"])), *cells])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    if table_only:
        return "\n".join(lines) + "\n"
    lines += ["", "Not carried:", ""]
    lines += [f"{i}. {note}" for i, note in enumerate(notes, start=1)]
    lines += ["", "Scenarios a framework does not have:", ""]
    for framework in frameworks:
        for scenario, why in expected(framework)["unsupported_scenarios"].items():
            lines.append(f"- {framework}, {scenario}: {why}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    from agent_kpis.privacy import DEMO_PII_SALT

    if argv and argv[0] == "--markdown":
        print(matrix_markdown(table_only=argv[1:] == ["--table"]), end="")
        return 0

    warehouse, frameworks = Path(argv[0]), argv[1:]
    bad = 0
    for framework in frameworks:
        wrong = mismatches(framework, warehouse, DEMO_PII_SALT)
        runs = expected(framework)["runs"]
        print(f"{framework}: {len(runs)} runs, {len(wrong)} mismatches")
        for line in wrong:
            print("  " + line)
        bad += len(wrong)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
