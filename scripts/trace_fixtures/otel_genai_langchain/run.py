"""LangChain 1.5 `create_agent`, traced by the OFFICIAL OpenTelemetry GenAI instrumentation, offline.

    .venv-traces/otel_genai_langchain/bin/python scripts/trace_fixtures/otel_genai_langchain/run.py

`opentelemetry-instrumentation-genai-langchain` (built on `opentelemetry-util-genai`) hooks
LangChain's callback manager and emits `invoke_agent` / `chat` / `execute_tool` spans in the
newest GenAI conventions (`OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` is set as
the brief asks, although these packages emit the newest keys unconditionally); message content
is captured on the spans (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY`).

A NAMED agent (`create_agent(..., name="support-agent")`) over a real `ChatOpenAI` whose OpenAI
client (openai>=3 is built on `httpx2`) talks to an `httpx2.MockTransport`: the transport is the
scripted model. It answers Chat Completions requests from the run's plan with tool calls or text
and a `usage` block (cached prompt tokens and reasoning tokens on some calls), or with an HTTP
429 that the OpenAI SDK raises as `openai.RateLimitError` (SDK retries off: one HTTP request is
one model request). LangChain's own middleware: `PIIMiddleware` (credit cards, "block": the
guardrail), `ModelRetryMiddleware` (one retry of a failed model request), `ToolErrorMiddleware`
(cancel_order's PermissionError goes back to the model), `ToolRetryMiddleware` (check_inventory,
two retries, then an error `ToolMessage`); send_email's `ToolException` is handled by the tool
itself (`handle_tool_error=True`).

The task id is LangChain's documented `config={"configurable": {"thread_id": task}}` (the
instrumentation reads `thread_id` as `gen_ai.conversation.id`); the cohorts go in
`config={"metadata": {...}}`.

Ground truth: the outcome is what `agent.invoke` did (returned / raised), token totals come from
LangChain's own `get_usage_metadata_callback()` and must agree with what the transport returned,
and every tool records its own execution under the tool call id LangChain injected
(`ToolRuntime.tool_call_id`).
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
from langchain_core.tools import ToolException
from langchain_openai import ChatOpenAI
from opentelemetry.instrumentation.genai.langchain import LangChainInstrumentor

import fixture_kit

NAME = "otel_genai_langchain"
AGENT = "support-agent"
MODEL = "gpt-4o-mini"
PII_GUARDRAIL = "PIIMiddleware[credit_card]"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.1.0")
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
    body = {
        "id": f"chatcmpl-{run['task_id']}-{g}",
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

T, X = "tools", "text"
# task -> (scenario, prompt, plan, check_inventory failures, cohorts)
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], int, dict[str, str]]] = {
    "og-1": (
        "several_tools",
        "Where is order A1? Email me the status.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("send_email", {"to": "c1@example.com", "subject": "Order A1 shipped"})]),
            (X, "Order A1 has shipped; I emailed you the details."),
        ],
        0,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-201"},
    ),
    "og-2": (
        "parallel_tools",
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-202"},
    ),
    "og-3": (
        "tool_retried",
        "Is SKU-4 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-4"})]), (X, "Yes, 14 units of SKU-4.")],
        2,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-203"},
    ),
    "og-4": (
        "retries_exhausted",
        "Is SKU-5 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-5"})]), (X, "The inventory service is down; try later.")],
        3,
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-204"},
    ),
    "og-5": (
        "tool_error_handled",
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-205"},
    ),
    "og-6": (
        "model_error",
        "Refund 20 on order D4.",
        [("rate_limit",), (T, [("issue_refund", {"order_id": "D4", "amount": 20.0})]), (X, "Refunded 20.00.")],
        0,
        {"task_type": "refund_request", "channel": "email", "customer_tier": "pro", "customer_id": "cust-206"},
    ),
    "og-7": (
        "model_error",
        "Where is order E5?",
        [("rate_limit",), ("rate_limit",)],
        0,
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-207"},
    ),
    "og-8": (
        "run_raises",
        "Nobody answers me, escalate this.",
        [(T, [("escalate_ticket", {"reason": "customer waited 3 days"})]), (X, "never reached")],
        0,
        {"task_type": "complaint", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-208"},
    ),
    "og-9": (
        "guardrail_tripped",
        "Refund order F6 to my card 4111 1111 1111 1111 please.",
        [(X, "never reached")],
        0,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "free", "customer_id": "cust-209"},
    ),
    "og-10": (
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-210"},
    ),
    "og-11": (
        "several_tools",
        "Order G7 arrived broken: refund it and confirm by email.",
        [
            (T, [("lookup_order", {"order_id": "G7"})]),
            (T, [("issue_refund", {"order_id": "G7", "amount": 35.5})]),
            (T, [("send_email", {"to": "c11@example.com", "subject": "Refund for G7"})]),
            (X, "Refunded 35.50 on G7 and emailed you."),
        ],
        0,
        {"task_type": "refund_request", "channel": "api", "customer_tier": "pro", "customer_id": "cust-211"},
    ),
    "og-12": (
        "tool_error_handled",
        "Email me the invoice for order H8.",
        [
            (T, [("send_email", {"to": "c12@example.com", "subject": "Invoice H8"})]),
            (X, "Your mailbox is full, so I could not send the invoice."),
        ],
        0,
        {"task_type": "billing", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-212"},
    ),
}
MAILBOX_FULL = {"og-12"}


def main() -> None:
    runs = []
    for task, (scenario, prompt, plan, inventory_failures, cohorts) in PLANS.items():
        run = fixture_kit.new_run(task, scenario, AGENT, **cohorts)
        STATE.update(
            run=run,
            plan=list(plan),
            inventory_failures=inventory_failures,
            call_seq=0,
            mailbox_full=task in MAILBOX_FULL,
        )
        config = {"configurable": {"thread_id": task}, "metadata": dict(cohorts)}
        with get_usage_metadata_callback() as usage_cb:
            try:
                agent.invoke({"messages": [{"role": "user", "content": prompt}]}, config=config)
                run.update(outcome="completed", error_type=None)
            except Exception as exc:  # the run raised: the framework's own verdict
                run.update(outcome="failed", error_type=type(exc).__name__)
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
            assert not run["calls"], task
        runs.append(run)
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "opentelemetry_genai",
        runs,
        distributions=[
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
            "guardrails": "no guardrail span, attribute or event: PIIMiddleware runs in the agent's graph nodes "
            "(PIIMiddleware.before_model ...), chain runs the instrumentation classifies as neither agent nor "
            "workflow and so gives no span; a passed check leaves "
            "nothing, a trip (og-9) only the invoke_agent span's ERROR status, error.type "
            "langchain.agents.middleware._redaction.PIIDetectionError, and no chat span",
            "tool_attempts": {
                "reason": "a ToolException handled by the tool itself (handle_tool_error=True) ends the "
                "execute_tool span UNSET, no error.type, with the error text as gen_ai.tool.call.result: the "
                "failed execution looks like a success (ToolErrorMiddleware's handled error, og-5, does end ERROR)",
                "runs": ["og-12"],
            },
        },
        unsupported_scenarios={
            "evaluated": "nothing in these packages emits gen_ai.evaluation.result: opentelemetry-util-genai 1.3b0 "
            "has no evaluation API (no EvaluationResult type, no evaluation emitter, handler method or event; "
            "TelemetryHandler offers only inference / embedding / retrieval / fetch_response / tool / "
            "invoke_local_agent / invoke_remote_agent / workflow), nor do opentelemetry-instrumentation-genai-"
            "langchain, -openai or -openai-agents 1.3b0; only the gen_ai.evaluation.* attribute-name constants "
            "exist (opentelemetry-semantic-conventions 0.66b2), so an event would be hand-written, not emitted "
            "by OpenTelemetry code; LangChain's own evaluations live in LangSmith, outside the trace",
        },
    )


if __name__ == "__main__":
    main()
