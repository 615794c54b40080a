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

The support desk (tools, middleware, agent), the Chat Completions answers and the run loop are
scripts/trace_fixtures/langchain_kit.py's; this script keeps its transport (and its HTTP errors),
its instrumentation, its agent variants and its plans.
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
from opentelemetry.instrumentation.langchain import LangchainInstrumentor
from opentelemetry.instrumentation.openai import OpenAIInstrumentor

import fixture_kit
import langchain_kit

NAME = "openllmetry"
MODEL = "gpt-4.1-mini"
RESPONSE_MODEL = "gpt-4.1-mini-2025-04-14"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "2.4.0")
LangchainInstrumentor().instrument(tracer_provider=provider)
OpenAIInstrumentor().instrument(tracer_provider=provider)

HTTP_ERRORS = {429: ("rate_limit_exceeded", "requests"), 503: ("service_unavailable", "server_error")}


def chat_completions(request: httpx.Request) -> httpx.Response:
    """The scripted Chat Completions endpoint: answers from the current run's plan, one step per
    request: ("tools", [(name, args), ...]), ("text", str) or ("http", status)."""
    assert request.url.path.endswith("/chat/completions"), request.url
    assert json.loads(request.content)["model"] == MODEL
    run, step = langchain_kit.next_step()
    if step[0] == "http":
        fixture_kit.model_error(run)
        status = step[1]
        code, kind = HTTP_ERRORS[status]
        error = {"message": f"scripted {status} for {run['task_id']}", "type": kind, "code": code}
        return httpx.Response(status, json={"error": error}, headers={"x-request-id": f"req-{run['task_id']}"})
    body = langchain_kit.chat_completion(run, step, RESPONSE_MODEL, call_id_format="call_{task}_{seq}{letter}")
    return httpx.Response(200, json=body)


def make_model() -> Any:
    client = httpx.Client(transport=httpx.MockTransport(chat_completions))
    return langchain_kit.chat_openai(MODEL, "http://openai.mock/v1", client, temperature=0)


# The same named agent (the support desk's six tools) in five configurations: each run's agent carries
# only the middleware its scenario exercises. (The langchain instrumentor wraps AgentMiddleware's hooks
# on the base class, which breaks create_agent's "does this middleware override the hook" identity
# check: every middleware then adds four no-op graph nodes, each traced with the whole message state,
# and one agent with all four middleware writes ~3 MB for these twelve runs.)
# `support_agent` looks `create_agent` up after instrument(), so the instrumentor's
# `create_agent support-agent` span (a trace of its own, no task) is written as users get it.
MIDDLEWARE: dict[str, list[Any]] = {
    "bare": [],
    "guarded": [langchain_kit.pii_guardrail()],
    "model_retry": [langchain_kit.model_retry()],
    "tool_error": [langchain_kit.tool_error_handler()],
    "tool_retry": [langchain_kit.tool_retry()],
}
AGENTS = {variant: langchain_kit.support_agent(make_model(), middleware) for variant, middleware in MIDDLEWARE.items()}
VARIANT = {
    "ol-9": "guarded",
    "ol-10": "guarded",
    "ol-3": "tool_retry",
    "ol-4": "tool_retry",
    "ol-5": "tool_error",
    "ol-6": "model_retry",
    "ol-7": "model_retry",
}

T, X, H = langchain_kit.TOOLS, langchain_kit.TEXT, "http"
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
    for task, entry in PLANS.items():
        run, prompt, cohorts = langchain_kit.start_support_run(task, entry, MAILBOX_FULL)
        # OpenLLMetry's association properties: LangChain run metadata -> traceloop.association.properties.*
        config = {"metadata": {"session_id": task, **cohorts}, "configurable": {"thread_id": task}}
        agent = AGENTS[VARIANT.get(task, "bare")]
        langchain_kit.invoke(run, agent, prompt, config=config, usage_model=RESPONSE_MODEL)
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
