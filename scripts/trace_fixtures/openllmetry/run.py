"""LangChain 1.5 `create_agent` over `ChatOpenAI`, traced by OpenLLMetry's instrumentors, run offline.

    .venv-traces/openllmetry/bin/python scripts/trace_fixtures/openllmetry/run.py

The support desk of scripts/trace_fixtures/langgraph (a NAMED agent, six tools, LangChain's own
middleware: `PIIMiddleware` as the guardrail, `ModelRetryMiddleware`, `ToolErrorMiddleware`,
`ToolRetryMiddleware`, and a tool with `handle_tool_error=True`), but the model is a real
`langchain_openai.ChatOpenAI` whose OpenAI client talks to an `httpx.MockTransport` answering the
Chat Completions API from a script: responses carry `usage.prompt_tokens_details.cached_tokens`
and `usage.completion_tokens_details.reasoning_tokens`; a model error is an HTTP 429 / 503 answer.
The client has `max_retries=0`, so one HTTP request is one model request; the retry is
LangChain's `ModelRetryMiddleware`.

Traced by OpenLLMetry's `opentelemetry-instrumentation-langchain` and
`opentelemetry-instrumentation-openai` (no traceloop-sdk), both given the README's tracer
provider. The OpenAI instrumentor writes nothing here: the langchain instrumentor suppresses it
under its own LLM span (`suppress_language_model_instrumentation`), so nothing is counted twice.
The task id and the cohorts are LangChain run metadata (`config={"metadata": {...}}`), which the
langchain instrumentor writes as `traceloop.association.properties.<key>` (its
`metadata_key_prefix`); the task id is also LangGraph's `configurable.thread_id`, which it writes
as `gen_ai.conversation.id` on the root `invoke_agent` span.

Ground truth: the outcome is what `agent.invoke` did (returned / raised), token totals come
from LangChain's own `get_usage_metadata_callback()` and must agree with what the scripted
HTTP answers carried, and every tool records its own execution under the tool call id LangChain
injected (`ToolRuntime.tool_call_id`).
"""

from __future__ import annotations

import os

os.environ.setdefault("TRACELOOP_TELEMETRY", "false")  # OpenLLMetry's phone-home off
os.environ.setdefault("LANGSMITH_TRACING", "false")  # LangSmith's own tracing off
os.environ.setdefault("LANGCHAIN_TRACING_V2", "false")
# the newest GenAI conventions where offered; neither OpenLLMetry instrumentor (0.62.4) reads it
os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", "gen_ai_latest_experimental")

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx
from langchain import agents as lc_agents
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
from opentelemetry.instrumentation.langchain import LangchainInstrumentor
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

import fixture_kit

NAME = "openllmetry"
AGENT = "support-agent"
MODEL = "gpt-4.1-mini"
RESPONSE_MODEL = "gpt-4.1-mini-2025-04-14"
PII_GUARDRAIL = "PIIMiddleware[credit_card]"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "2.4.0")
LangchainInstrumentor().instrument(tracer_provider=provider)
OpenAIInstrumentor().instrument(tracer_provider=provider)

STATE: dict[str, Any] = {"global_calls": 0}


def chat_completions(request: httpx.Request) -> httpx.Response:
    """The scripted Chat Completions endpoint: answers from the current run's plan, one step per
    request: ("tools", [(name, args), ...]), ("text", str) or ("http", status)."""
    assert request.url.path.endswith("/chat/completions"), request.url
    assert json.loads(request.content)["model"] == MODEL
    run = STATE["run"]
    step = STATE["plan"].pop(0)
    if step[0] == "http":
        fixture_kit.model_error(run)
        status = step[1]
        kind = {429: ("rate_limit_exceeded", "requests"), 503: ("service_unavailable", "server_error")}[status]
        error = {"message": f"scripted {status} for {run['task_id']}", "type": kind[1], "code": kind[0]}
        return httpx.Response(status, json={"error": error}, headers={"x-request-id": f"req-{run['task_id']}"})
    STATE["global_calls"] += 1
    g = STATE["global_calls"]
    input_tokens, output_tokens = 100 * g + 7, 10 + g
    cached = 32 + g if g % 2 == 0 else 0
    reasoning = 3 + g % 5 if g % 3 == 0 else 0
    fixture_kit.model_call(run, input_tokens, output_tokens, cached=cached, reasoning=reasoning)
    if step[0] == "tools":
        STATE["call_seq"] += 1
        calls = [
            {
                "id": f"call_{run['task_id']}_{STATE['call_seq']}{'abcdef'[i]}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            for i, (name, args) in enumerate(step[1])
        ]
        message = {"role": "assistant", "content": None, "tool_calls": calls}
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": step[1]}
        finish = "stop"
    return httpx.Response(
        200,
        json={
            "id": f"chatcmpl-{run['task_id']}-{g}",
            "object": "chat.completion",
            "created": 1767225600 + g,
            "model": RESPONSE_MODEL,
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": input_tokens,
                "completion_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
                "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": reasoning, "audio_tokens": 0},
            },
            "system_fingerprint": "fp_scripted",
        },
    )


def make_model() -> ChatOpenAI:
    return ChatOpenAI(
        model=MODEL,
        api_key="sk-offline-fixture",
        base_url="http://openai.mock/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(chat_completions)),
        max_retries=0,  # one HTTP request = one model request; LangChain's middleware retries
        temperature=0,
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


def pii_guardrail() -> PIIMiddleware:
    return PIIMiddleware("credit_card", strategy="block", detector=pii_detector)


# The same named agent in four configurations: each run's agent carries only the middleware its
# scenario exercises. (The langchain instrumentor wraps AgentMiddleware's hooks on the base class,
# which breaks create_agent's "does this middleware override the hook" identity check: every
# middleware then adds four no-op graph nodes, each traced with the whole message state, and one
# agent with all four middleware writes ~3 MB for these twelve runs.)
# `lc_agents.create_agent` is looked up after instrument(), so the instrumentor's
# `create_agent support-agent` span (a trace of its own, no task) is written as users get it.
MIDDLEWARE: dict[str, list[Any]] = {
    "bare": [],
    "guarded": [pii_guardrail()],
    "model_retry": [ModelRetryMiddleware(max_retries=1, initial_delay=0.0, jitter=False, on_failure="error")],
    "tool_error": [ToolErrorMiddleware(on_tool_error, tools=["cancel_order"])],
    "tool_retry": [ToolRetryMiddleware(max_retries=2, tools=["check_inventory"], initial_delay=0.0, jitter=False)],
}
AGENTS = {
    variant: lc_agents.create_agent(
        make_model(),
        tools=[lookup_order, check_inventory, issue_refund, cancel_order, send_email, escalate_ticket],
        system_prompt="You are the support desk's agent. Use the tools.",
        middleware=middleware,
        name=AGENT,
    )
    for variant, middleware in MIDDLEWARE.items()
}
VARIANT = {
    "ol-9": "guarded",
    "ol-10": "guarded",
    "ol-3": "tool_retry",
    "ol-4": "tool_retry",
    "ol-5": "tool_error",
    "ol-6": "model_retry",
    "ol-7": "model_retry",
}

T, X, H = "tools", "text", "http"
# task -> (scenario, prompt, plan, check_inventory failures, cohorts)
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], int, dict[str, str]]] = {
    "ol-1": (
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
    "ol-2": (
        "parallel_tools",
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-202"},
    ),
    "ol-3": (
        "tool_retried",
        "Is SKU-4 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-4"})]), (X, "Yes, 14 units of SKU-4.")],
        2,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-203"},
    ),
    "ol-4": (
        "retries_exhausted",
        "Is SKU-5 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-5"})]), (X, "The inventory service is down; try later.")],
        3,
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-204"},
    ),
    "ol-5": (
        "tool_error_handled",
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-205"},
    ),
    "ol-6": (
        "model_error",
        "Refund 20 on order D4.",
        [(H, 429), (T, [("issue_refund", {"order_id": "D4", "amount": 20.0})]), (X, "Refunded 20.00.")],
        0,
        {"task_type": "refund_request", "channel": "email", "customer_tier": "pro", "customer_id": "cust-206"},
    ),
    "ol-7": (
        "model_error",
        "Where is order E5?",
        [(H, 503), (H, 503)],
        0,
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-207"},
    ),
    "ol-8": (
        "run_raises",
        "Nobody answers me, escalate this.",
        [(T, [("escalate_ticket", {"reason": "customer waited 3 days"})]), (X, "never reached")],
        0,
        {"task_type": "complaint", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-208"},
    ),
    "ol-9": (
        "guardrail_tripped",
        "Refund order F6 to my card 4111 1111 1111 1111 please.",
        [(X, "never reached")],
        0,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "free", "customer_id": "cust-209"},
    ),
    "ol-10": (
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-210"},
    ),
    "ol-11": (
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
    "ol-12": (
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
MAILBOX_FULL = {"ol-12"}


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
        # OpenLLMetry's association properties: LangChain run metadata -> traceloop.association.properties.*
        config = {"metadata": {"session_id": task, **cohorts}, "configurable": {"thread_id": task}}
        with get_usage_metadata_callback() as usage_cb:
            try:
                AGENTS[VARIANT.get(task, "bare")].invoke(
                    {"messages": [{"role": "user", "content": prompt}]}, config=config
                )
                run.update(outcome="completed", error_type=None)
            except Exception as exc:  # the run raised: the framework's own verdict
                run.update(outcome="failed", error_type=type(exc).__name__)
        assert not STATE["plan"] or STATE["plan"] == [(X, "never reached")], (task, STATE["plan"])
        usage = usage_cb.usage_metadata.get(RESPONSE_MODEL)
        if usage is not None:  # LangChain's own totals over the run's model responses
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
        "openllmetry",
        runs,
        distributions=[
            "langchain",
            "langchain-core",
            "langchain-openai",
            "langgraph",
            "openai",
            "opentelemetry-instrumentation-langchain",
            "opentelemetry-instrumentation-openai",
            "opentelemetry-semantic-conventions-ai",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            "reasoning_output_tokens": "the langchain instrumentor's ChatOpenAI.chat span has "
            "gen_ai.usage.input_tokens, output_tokens, total_tokens and cache_read.input_tokens but no "
            "reasoning attribute (it reads only "
            "usage_metadata.input_token_details); the OpenAI instrumentor, which would write "
            "gen_ai.usage.reasoning_tokens, is suppressed under that span. The number survives only inside JSON: "
            "the 'execute_task model' span's traceloop.entity.output "
            "($.outputs[0].update.messages[0].kwargs.usage_metadata.output_token_details.reasoning)",
        },
        unsupported_scenarios={
            "evaluated": "OpenLLMetry's langchain/openai instrumentors record no evaluation (no "
            "gen_ai.evaluation.result event); evaluators live in the Traceloop platform, outside the trace",
        },
    )


if __name__ == "__main__":
    main()
