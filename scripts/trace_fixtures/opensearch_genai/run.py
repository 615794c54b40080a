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
"""

from __future__ import annotations

import os

os.environ.setdefault("LANGSMITH_TRACING", "false")  # LangSmith's own tracing off (no phone-home)
os.environ.setdefault("LANGCHAIN_TRACING_V2", "false")
os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "SPAN_ONLY"

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx2
from langchain.agents import create_agent
from langchain.agents.middleware import (
    ModelRetryMiddleware,
    PIIMiddleware,
    ToolErrorMiddleware,
    ToolRetryMiddleware,
)
from langchain.agents.middleware.pii import detect_credit_card
from langchain.tools import ToolRuntime, tool
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.tools import ToolException
from langchain_openai import ChatOpenAI
from opensearch_genai_observability_sdk_py import Benchmark, EvalScore, evaluate, score
from opentelemetry import trace
from opentelemetry.instrumentation.genai.langchain import LangChainInstrumentor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import fixture_kit

NAME = "opensearch_genai"
AGENT = "support-agent"
MODEL = "gpt-4o-mini"
PII_GUARDRAIL = "PIIMiddleware[credit_card]"
BENCHMARK = "support-desk-nightly"
REVIEW = "support-desk-weekly-review"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.2.0")
trace.set_tracer_provider(provider)  # score() / evaluate() use the global provider
TRACE_STORE = InMemorySpanExporter()  # stands in for the OpenSearch span index the retriever reads
provider.add_span_processor(SimpleSpanProcessor(TRACE_STORE))
LangChainInstrumentor().instrument(tracer_provider=provider)

STATE: dict[str, Any] = {"global_calls": 0}


def scripted_openai(request: httpx2.Request) -> httpx2.Response:
    """The scripted model behind the OpenAI client: one Chat Completions answer per request."""
    assert request.url.path.endswith("/chat/completions"), request.url
    run = STATE["run"]
    step = STATE["plan"].pop(0)
    if step[0] == "rate_limit":
        fixture_kit.model_error(run)
        error = {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}
        return httpx2.Response(429, json={"error": error})
    STATE["global_calls"] += 1
    g = STATE["global_calls"]
    input_tokens, output_tokens = 100 * g + 7, 10 + g
    cached = 32 + g if g % 2 == 0 else 0
    reasoning = 3 + g % 5 if g % 3 == 0 else 0
    fixture_kit.model_call(run, input_tokens, output_tokens, cached=cached, reasoning=reasoning)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if step[0] == "tools":
        STATE["call_seq"] += 1
        message["tool_calls"] = [
            {
                "id": f"{run['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            for i, (name, args) in enumerate(step[1])
        ]
        finish = "tool_calls"
    else:
        message["content"] = step[1]
        finish = "stop"
    response_id = f"chatcmpl-{run['task_id']}-{g}"
    STATE["last_response_id"] = response_id
    body = {
        "id": response_id,
        "object": "chat.completion",
        "created": 1767225600 + g,
        "model": f"{MODEL}-2024-07-18",
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": input_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": reasoning, "audio_tokens": 0},
        },
        "system_fingerprint": "fp_scripted",
    }
    return httpx2.Response(200, json=body)


model = ChatOpenAI(
    model=MODEL,
    api_key="sk-offline-fixture",
    base_url="http://openai.invalid/v1",
    http_client=httpx2.Client(transport=httpx2.MockTransport(scripted_openai)),
    max_retries=0,  # the OpenAI SDK's own retries off: LangChain's ModelRetryMiddleware retries
    temperature=0.0,
)


def attempt(tool_name: str, runtime: ToolRuntime, ok: bool) -> None:
    """What the tool saw of its own execution, under the call id LangChain injected."""
    fixture_kit.tool_attempt(STATE["run"], tool_name, runtime.tool_call_id, ok)


@tool
def lookup_order(order_id: str, runtime: ToolRuntime) -> str:
    """Look up an order's status."""
    attempt("lookup_order", runtime, True)
    return f"order {order_id}: shipped"


@tool
def check_inventory(sku: str, runtime: ToolRuntime) -> str:
    """Check stock for a SKU (a flaky service: ToolRetryMiddleware retries it)."""
    if STATE["inventory_failures"] > 0:
        STATE["inventory_failures"] -= 1
        attempt("check_inventory", runtime, False)
        raise ConnectionError("inventory service timed out")
    attempt("check_inventory", runtime, True)
    return f"{sku}: 14 in stock"


@tool
def issue_refund(order_id: str, amount: float, runtime: ToolRuntime) -> str:
    """Refund an amount on an order."""
    attempt("issue_refund", runtime, True)
    return f"refunded {amount:.2f} on {order_id}"


@tool
def cancel_order(order_id: str, runtime: ToolRuntime) -> str:
    """Cancel an order (its PermissionError is handed back to the model by ToolErrorMiddleware)."""
    attempt("cancel_order", runtime, False)
    raise PermissionError(f"order {order_id} is already with the carrier")


@tool
def send_email(to: str, subject: str, runtime: ToolRuntime) -> str:
    """Send the customer an email (a ToolException goes back to the model: handle_tool_error)."""
    if STATE["mailbox_full"]:
        attempt("send_email", runtime, False)
        raise ToolException(f"mailbox of {to} is full")
    attempt("send_email", runtime, True)
    return f"sent '{subject}'"


send_email.handle_tool_error = True  # the tool's own handled-error pattern (langchain_core BaseTool)


@tool
def escalate_ticket(reason: str, runtime: ToolRuntime) -> str:
    """Escalate to a human (its TimeoutError is not handled: the run raises)."""
    attempt("escalate_ticket", runtime, False)
    raise TimeoutError("ticketing system did not answer")


def pii_detector(content: str) -> list[Any]:
    """LangChain's own credit-card detector; records what the guardrail decided."""
    matches = detect_credit_card(content)
    STATE["run"]["guardrails"].append({"guardrail": PII_GUARDRAIL, "triggered": bool(matches)})
    return matches


def on_tool_error(exc: Exception, request: Any) -> str | None:
    """ToolErrorMiddleware's handler: permission problems go back to the model."""
    if isinstance(exc, PermissionError):
        return f"`{request.tool_call['name']}` failed with PermissionError: {exc}"
    return None


agent = create_agent(
    model,
    tools=[lookup_order, check_inventory, issue_refund, cancel_order, send_email, escalate_ticket],
    system_prompt="You are the support desk's agent. Use the tools.",
    middleware=[
        PIIMiddleware("credit_card", strategy="block", detector=pii_detector),
        ModelRetryMiddleware(max_retries=1, initial_delay=0.0, jitter=False, on_failure="error"),
        ToolErrorMiddleware(on_tool_error, tools=["cancel_order"]),
        ToolRetryMiddleware(max_retries=2, tools=["check_inventory"], initial_delay=0.0, jitter=False),
    ],
    name=AGENT,
)


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
        run["evaluations"].append(
            {"name": result.name, "score": result.value, "label": result.label, "passed": result.label == "pass"}
        )


T, X = "tools", "text"
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
        [(T, [("lookup_order", {"order_id": "G7"})]), (X, "Order G7 has shipped and should arrive within two working days.")],
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
    scenario, prompt, plan, inventory_failures, cohorts = PLANS[task]
    run = fixture_kit.new_run(task, scenario, AGENT, **cohorts)
    RUNS[task] = run
    STATE.update(
        run=run,
        plan=list(plan),
        inventory_failures=inventory_failures,
        call_seq=0,
        mailbox_full=task in MAILBOX_FULL,
        last_response_id=None,
    )
    config = {"configurable": {"thread_id": task}, "metadata": dict(cohorts)}
    return run, prompt, config


def check_usage(run: dict[str, Any], usage_cb: Any) -> None:
    totals = list(usage_cb.usage_metadata.values())  # LangChain's own totals, per response model
    if totals:
        assert len(totals) == 1, usage_cb.usage_metadata
        usage = totals[0]
        fixture_kit.agree(
            run,
            input_tokens=usage["input_tokens"],
            output_tokens=usage["output_tokens"],
            cached_input_tokens=usage.get("input_token_details", {}).get("cache_read", 0),
            reasoning_output_tokens=usage.get("output_token_details", {}).get("reasoning", 0),
        )
    else:
        assert not run["calls"], run["task_id"]


def run_online(task: str) -> None:
    """A production run; some are scored afterwards with score() on the evaluated span."""
    run, prompt, config = start_run(task)
    result = None
    with get_usage_metadata_callback() as usage_cb:
        try:
            result = agent.invoke({"messages": [{"role": "user", "content": prompt}]}, config=config)
            run.update(outcome="completed", error_type=None)
        except Exception as exc:  # the run raised: the framework's own verdict
            run.update(outcome="failed", error_type=type(exc).__name__)
    check_usage(run, usage_cb)
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
        run["evaluations"].append({"name": r.name, "score": r.value, "label": r.label, "passed": r.label == "pass"})


def benchmark_task(case_input: dict[str, str]) -> str:
    """evaluate()'s task: one agent run per case, inside the case span evaluate() opened."""
    task = case_input["task"]
    run, prompt, config = start_run(task)
    with get_usage_metadata_callback() as usage_cb:
        try:
            result = agent.invoke({"messages": [{"role": "user", "content": prompt}]}, config=config)
            run.update(outcome="completed", error_type=None)
        except Exception as exc:
            run.update(outcome="failed", error_type=type(exc).__name__)
            check_usage(run, usage_cb)
            raise  # evaluate() records the case as failed and runs no scorer
    check_usage(run, usage_cb)
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
    RUNS[case_input["task"]]["evaluations"].append(
        {"name": result.name, "score": result.value, "label": result.label, "passed": result.label == "pass"}
    )
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
