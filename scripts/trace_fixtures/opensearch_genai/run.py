"""Evaluation results as `gen_ai.evaluation.result` SPAN EVENTS, emitted by the OpenSearch GenAI SDK, offline.

    .venv-traces/opensearch_genai/bin/python scripts/trace_fixtures/opensearch_genai/run.py

The agent: LangChain 1.5 `create_agent` (named "support-agent") over a real `ChatOpenAI` whose
OpenAI client (openai>=3 is built on `httpx2`) talks to an `httpx2.MockTransport`, traced by the
OFFICIAL OpenTelemetry GenAI instrumentation (`opentelemetry-instrumentation-genai-langchain`,
`invoke_agent` / `chat` / `execute_tool` spans; `OTEL_SEMCONV_STABILITY_OPT_IN=
gen_ai_latest_experimental` set as the brief asks; message content on the spans). Same agent,
tools, middleware and scripted model as scripts/trace_fixtures/otel_genai_langchain.

The evaluations: `opensearch-genai-observability-sdk-py` (the OpenSearch project's "OTel-native
tracing and scoring" SDK), used the three ways its README documents, with deterministic scorers
that need no network:

* `score(name, value, trace_id=, span_id=, label=, explanation=, response_id=)` after the run
  (online scoring): the SDK starts a span `evaluation <name>` (gen_ai.operation.name=evaluation) as a
  CHILD of the evaluated span, in the evaluated trace, and adds one `gen_ai.evaluation.result` span
  event to it (gen_ai.evaluation.name, .score.value (double), .score.label, .explanation,
  gen_ai.response.id). The evaluated span is found the way the SDK's `OpenSearchTraceRetriever`
  finds it in OpenSearch (by `gen_ai.conversation.id`): here an in-process trace store (an
  InMemorySpanExporter beside the fixture's file exporter) stands in for the OpenSearch index.
  The evaluated span is the run's `invoke_agent` span, or (sg-12) its last `chat` span.
* `evaluate(name, task=, data=, scores=[...])` (offline benchmark): one `test_suite_run <name>`
  root span, one `test_case` span per case with the agent's run as its child, and one
  `gen_ai.evaluation.result` event per score ON THE test_case SPAN (only .name and .score.value:
  evaluate() drops EvalScore.label and .explanation). Both cases (sg-13, sg-14) share one trace.
* `Benchmark(name).log(input=, output=, scores={name: value}, trace_id=, span_id=)` (uploading a
  result computed elsewhere, sg-15): a `test_suite_run` / `test_case` pair in the benchmark's OWN
  trace; the test_case span holds the events (.name, .score.value) and a span LINK to the run's
  `invoke_agent` span.

Splunk's `splunk-otel-util-genai(-evals)` was the brief's first candidate: it emits
`gen_ai.evaluation.result` only as OpenTelemetry LOG records (Logs API), never as span events, so
it is not used here: its EvaluationEventsEmitter builds an SDK LogRecord (event_name
gen_ai.evaluation.result, trace/span id of the evaluated span) for the Logs API, and no emitter of
it or of its plugins calls span.add_event.

The task id is LangChain's documented `config={"configurable": {"thread_id": task}}` (the
instrumentation reads `thread_id` as `gen_ai.conversation.id`); the cohorts go in
`config={"metadata": {...}}`.

Ground truth: the outcome is what `agent.invoke` did (returned / raised), token totals come from
LangChain's own `get_usage_metadata_callback()` and must agree with what the transport returned,
every tool records its own execution under the tool call id LangChain injected
(`ToolRuntime.tool_call_id`), and every evaluation is recorded as the scorer returned it
(name, value, label; passed = the scorer's label is "pass").

The support desk (tools, middleware, agent), the Chat Completions answers and the run loop are
scripts/trace_fixtures/langchain_kit.py's; this script keeps its transport, its instrumentation,
its scorers and evaluation calls and its plans.
"""

from __future__ import annotations

import os

os.environ.setdefault("LANGSMITH_TRACING", "false")  # LangSmith's own tracing off (no phone-home)
os.environ.setdefault("LANGCHAIN_TRACING_V2", "false")
os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "SPAN_ONLY"

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx2
from langchain_core.messages import AIMessage, ToolMessage
from opensearch_genai_observability_sdk_py import Benchmark, EvalScore, evaluate, score
from opentelemetry import trace
from opentelemetry.instrumentation.genai.langchain import LangChainInstrumentor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import fixture_kit
import langchain_kit

NAME = "opensearch_genai"
MODEL = "gpt-4o-mini"
BENCHMARK = "support-desk-nightly"
REVIEW = "support-desk-weekly-review"
RATE_LIMITED = {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.2.0")
trace.set_tracer_provider(provider)  # score() / evaluate() use the global provider
TRACE_STORE = InMemorySpanExporter()  # stands in for the OpenSearch span index the retriever reads
provider.add_span_processor(SimpleSpanProcessor(TRACE_STORE))
LangChainInstrumentor().instrument(tracer_provider=provider)
STATE = langchain_kit.STATE


def scripted_openai(request: httpx2.Request) -> httpx2.Response:
    """The scripted model behind the OpenAI client: one Chat Completions answer per request."""
    assert request.url.path.endswith("/chat/completions"), request.url
    run, step = langchain_kit.next_step()
    if step[0] == "rate_limit":
        fixture_kit.model_error(run)
        return httpx2.Response(429, json={"error": RATE_LIMITED})
    body = langchain_kit.chat_completion(run, step, f"{MODEL}-2024-07-18")
    STATE["last_response_id"] = body["id"]
    return httpx2.Response(200, json=body)


client = httpx2.Client(transport=httpx2.MockTransport(scripted_openai))
# the support desk's six tools and all four middleware (langchain_kit.support_agent)
agent = langchain_kit.support_agent(langchain_kit.chat_openai(MODEL, "http://openai.invalid/v1", client))


# --- deterministic scorers (no network): they judge the agent's own result ----------------------


def task_completed(messages: list[Any]) -> EvalScore:
    """1.0 when the run ended on an assistant answer and no tool call came back as an error."""
    tool_errors = [m for m in messages if isinstance(m, ToolMessage) and m.status == "error"]
    answered = isinstance(messages[-1], AIMessage) and bool(messages[-1].content)
    ok = answered and not tool_errors
    why = "final answer given, every tool call succeeded" if ok else f"{len(tool_errors)} tool call(s) failed"
    return EvalScore(name="task_completed", value=1.0 if ok else 0.0, label="pass" if ok else "fail", explanation=why)


def answer_brevity(messages: list[Any], limit: int = 60) -> EvalScore:
    """Share of the length budget left (1.0 = very short); passes at 0.25 or more."""
    text = str(messages[-1].content)
    value = round(max(0.0, 1.0 - len(text) / limit), 4)
    label = "pass" if value >= 0.25 else "fail"
    return EvalScore(name="answer_brevity", value=value, label=label, explanation=f"{len(text)} of {limit} characters")


def mentions_order(messages: list[Any], order_id: str) -> EvalScore:
    """0.9 when the answer names the order it was asked about, else 0.2."""
    text = str(messages[-1].content)
    hit = order_id in text
    return EvalScore(
        name="answer_relevance",
        value=0.9 if hit else 0.2,
        label="pass" if hit else "fail",
        explanation=f"answer {'names' if hit else 'does not name'} order {order_id}",
    )


def find_span(task: str, operation: str) -> Any:
    """The run's span of one operation as the trace store holds it (by gen_ai.conversation.id, as the
    SDK's OpenSearchTraceRetriever.get_traces(conversation_id) queries OpenSearch); the last one ending."""
    spans = [
        s
        for s in TRACE_STORE.get_finished_spans()
        if s.attributes.get("gen_ai.conversation.id") == task and s.attributes.get("gen_ai.operation.name") == operation
    ]
    assert spans, (task, operation)
    return max(spans, key=lambda s: s.end_time)


def record(run: dict[str, Any], result: EvalScore) -> None:
    """What the scorer returned (passed: its label is "pass")."""
    fixture_kit.evaluation(run, result.name, result.value, result.label, result.label == "pass")


def submit_scores(run: dict[str, Any], target: str, results: list[EvalScore], response_id: str | None) -> None:
    """Online scoring, the README's way: score() on the evaluated span; record what the scorer said."""
    span = find_span(run["task_id"], target)
    for result in results:
        score(
            name=result.name,
            value=result.value,
            trace_id=format(span.context.trace_id, "032x"),
            span_id=format(span.context.span_id, "016x"),
            label=result.label,
            explanation=result.explanation,
            response_id=response_id,
        )
        record(run, result)


T, X = langchain_kit.TOOLS, langchain_kit.TEXT
# task -> (scenario, prompt, plan, check_inventory failures, cohorts)
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], int, dict[str, str]]] = {
    "sg-1": (
        "several_tools",
        "Where is order A1? Email me the status.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("send_email", {"to": "c1@example.com", "subject": "Order A1 shipped"})]),
            (X, "Order A1 has shipped; I emailed you the details."),
        ],
        0,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-301"},
    ),
    "sg-2": (
        "parallel_tools",
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-302"},
    ),
    "sg-3": (
        "tool_retried",
        "Is SKU-4 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-4"})]), (X, "Yes, 14 units of SKU-4.")],
        2,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-303"},
    ),
    "sg-4": (
        "retries_exhausted",
        "Is SKU-5 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-5"})]), (X, "The inventory service is down; try later.")],
        3,
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-304"},
    ),
    "sg-5": (
        "tool_error_handled",
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-305"},
    ),
    "sg-6": (
        "model_error",
        "Refund 20 on order D4.",
        [("rate_limit",), (T, [("issue_refund", {"order_id": "D4", "amount": 20.0})]), (X, "Refunded 20.00.")],
        0,
        {"task_type": "refund_request", "channel": "email", "customer_tier": "pro", "customer_id": "cust-306"},
    ),
    "sg-7": (
        "model_error",
        "Where is order E5?",
        [("rate_limit",), ("rate_limit",)],
        0,
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-307"},
    ),
    "sg-8": (
        "run_raises",
        "Nobody answers me, escalate this.",
        [(T, [("escalate_ticket", {"reason": "customer waited 3 days"})]), (X, "never reached")],
        0,
        {"task_type": "complaint", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-308"},
    ),
    "sg-9": (
        "guardrail_tripped",
        "Refund order F6 to my card 4111 1111 1111 1111 please.",
        [(X, "never reached")],
        0,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "free", "customer_id": "cust-309"},
    ),
    "sg-10": (
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-310"},
    ),
    "sg-11": (
        "evaluated",
        "Where is order G7?",
        [
            (T, [("lookup_order", {"order_id": "G7"})]),
            (X, "Order G7 has shipped and should arrive within two working days."),
        ],
        0,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-311"},
    ),
    "sg-12": (
        "evaluated",
        "Has my order H8 shipped?",
        [(T, [("lookup_order", {"order_id": "H8"})]), (X, "Yes, it has shipped.")],
        0,
        {"task_type": "order_status", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-312"},
    ),
    # scored afterwards through Benchmark.log(trace_id=, span_id=): the result goes in the benchmark's trace
    "sg-15": (
        "evaluated",
        "Refund 12.5 on order L2.",
        [(T, [("issue_refund", {"order_id": "L2", "amount": 12.5})]), (X, "Refunded 12.50 on L2.")],
        0,
        {"task_type": "refund_request", "channel": "email", "customer_tier": "free", "customer_id": "cust-315"},
    ),
    # run through evaluate() (benchmark): one test_suite_run trace holding both cases
    "sg-13": (
        "evaluated",
        "Is order J9 shipped?",
        [(T, [("lookup_order", {"order_id": "J9"})]), (X, "Order J9 has shipped.")],
        0,
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-313"},
    ),
    "sg-14": (
        "evaluated",
        "Is order K1 shipped?",
        [(T, [("lookup_order", {"order_id": "K1"})]), (X, "It is on its way.")],
        0,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-314"},
    ),
}
MAILBOX_FULL: set[str] = set()
# online scoring after the run: task -> (evaluated operation, scorers over the result messages)
ONLINE_SCORES: dict[str, tuple[str, list[Any]]] = {
    "sg-1": ("invoke_agent", [task_completed]),
    "sg-5": ("invoke_agent", [task_completed]),
    "sg-10": ("invoke_agent", [answer_brevity]),
    "sg-11": ("invoke_agent", [task_completed, answer_brevity]),
    "sg-12": ("chat", [lambda messages: mentions_order(messages, "H8")]),
}
BENCHMARK_CASES = ["sg-13", "sg-14"]
REVIEWED = ["sg-15"]  # Benchmark.log(..., trace_id=, span_id=) after the run
RUNS: dict[str, dict[str, Any]] = {}


def start_run(task: str) -> tuple[dict[str, Any], str, dict[str, Any]]:
    run, prompt, cohorts = langchain_kit.start_support_run(task, PLANS[task], MAILBOX_FULL, last_response_id=None)
    RUNS[task] = run
    config = {"configurable": {"thread_id": task}, "metadata": dict(cohorts)}
    return run, prompt, config


def run_online(task: str) -> None:
    """A production run; some are scored afterwards with score() on the evaluated span."""
    run, prompt, config = start_run(task)
    result = langchain_kit.invoke(run, agent, prompt, config=config)
    if task in REVIEWED:
        review(run, prompt, result["messages"])
    if task in ONLINE_SCORES:
        assert result is not None, task
        target, scorers = ONLINE_SCORES[task]
        results = [scorer(result["messages"]) for scorer in scorers]
        submit_scores(run, target, results, STATE["last_response_id"] if target == "chat" else None)


def review(run: dict[str, Any], prompt: str, messages: list[Any]) -> None:
    """Upload a result computed elsewhere with Benchmark.log, linked to the run's invoke_agent span
    (the README's "Link to existing agent traces"): the test_case span, in the benchmark's OWN trace,
    carries the gen_ai.evaluation.result events and a span link to the evaluated span."""
    span = find_span(run["task_id"], "invoke_agent")
    results = [task_completed(messages), answer_brevity(messages)]
    with Benchmark(name=REVIEW) as bench:
        bench.log(
            input=prompt,
            output=str(messages[-1].content),
            scores={r.name: r.value for r in results},
            case_id=run["task_id"],
            trace_id=format(span.context.trace_id, "032x"),
            span_id=format(span.context.span_id, "016x"),
        )
    for r in results:
        record(run, r)


def benchmark_task(case_input: dict[str, str]) -> str:
    """evaluate()'s task: one agent run per case, inside the case span evaluate() opened."""
    task = case_input["task"]
    run, prompt, config = start_run(task)
    # a raise goes on to evaluate(), which records the case as failed and runs no scorer
    result = langchain_kit.invoke(run, agent, prompt, config=config, reraise=True)
    return str(result["messages"][-1].content)


def order_named(case_input: dict[str, str], output: str, expected: str) -> EvalScore:
    """evaluate()'s scorer: does the answer name the order? (recorded as returned)"""
    hit = expected in output
    result = EvalScore(
        name="answer_relevance",
        value=0.9 if hit else 0.2,
        label="pass" if hit else "fail",
        explanation=f"answer {'names' if hit else 'does not name'} order {expected}",
    )
    record(RUNS[case_input["task"]], result)
    return result


def main() -> None:
    for task in PLANS:
        if task not in BENCHMARK_CASES:
            run_online(task)
    benchmark = evaluate(
        name=BENCHMARK,
        task=benchmark_task,
        data=[
            {"input": {"task": task}, "expected": PLANS[task][1].split()[2], "case_id": task}
            for task in BENCHMARK_CASES
        ],
        scores=[order_named],
        metadata={"agent.version": "3.2.0"},
    )
    for case in benchmark.cases:  # the SDK's own per-case result must match what the scorer returned
        assert case.scores == {e["name"]: e["score"] for e in RUNS[case.case_id]["evaluations"]}, case
    provider.shutdown()
    runs = [RUNS[task] for task in PLANS]
    fixture_kit.write_expected(
        NAME,
        "opentelemetry_genai",
        runs,
        distributions=[
            "opensearch-genai-observability-sdk-py",
            "langchain",
            "langchain-core",
            "langchain-openai",
            "langgraph",
            "openai",
            "httpx2",
            "opentelemetry-instrumentation-genai-langchain",
            "opentelemetry-util-genai",
            "opentelemetry-semantic-conventions",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            **{
                cohort: "config['metadata'] reaches the instrumentation's callbacks but no span attribute: "
                "opentelemetry-instrumentation-genai-langchain reads only thread_id / session_id / conversation_id "
                "(gen_ai.conversation.id), agent_name / agent_type / agent_description, workflow_name, prompt_name, "
                "its otel_* switches and LangChain's ls_* / lc_* keys, and copies no other metadata"
                for cohort in ("task_type", "channel", "customer_tier", "customer_id")
            },
            "guardrails": "no guardrail span, attribute or event: PIIMiddleware runs in the agent's graph nodes, "
            "which the instrumentation gives no span; a passed check leaves nothing, a trip (sg-9) only the "
            "invoke_agent span's ERROR status, error.type langchain.agents.middleware._redaction.PIIDetectionError, "
            "and no chat span",
            "evaluations": {
                "reason": "the gen_ai.evaluation.result events of evaluate() (sg-13, sg-14) and Benchmark.log "
                "(sg-15) carry only gen_ai.evaluation.name and gen_ai.evaluation.score.value: the scorer's "
                "EvalScore.label (and so passed) and .explanation are dropped, and test.case.result.status is "
                "'pass' whenever the task and the scorers did not raise, whatever the score. evaluate() puts the "
                "events on the test_case span, the PARENT of the run's invoke_agent span (both cases in one "
                "trace, under one test_suite_run root); Benchmark.log puts them on a test_case span in the "
                "benchmark's OWN trace, tied to the run only by a span link to its invoke_agent span",
                "runs": BENCHMARK_CASES + REVIEWED,
            },
        },
        unsupported_scenarios={},
    )


if __name__ == "__main__":
    main()
