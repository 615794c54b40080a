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

The support desk (tools, middleware, agent), the Chat Completions answers and the run loop are
scripts/trace_fixtures/langchain_kit.py's; this script keeps its transport, its instrumentation and
its plans.
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
from opentelemetry.instrumentation.genai.langchain import LangChainInstrumentor

import fixture_kit
import langchain_kit

NAME = "otel_genai_langchain"
MODEL = "gpt-4o-mini"
RATE_LIMITED = {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.1.0")
LangChainInstrumentor().instrument(tracer_provider=provider)


def scripted_openai(request: httpx2.Request) -> httpx2.Response:
    """The scripted model behind the OpenAI client: one Chat Completions answer per request."""
    assert request.url.path.endswith("/chat/completions"), request.url
    run, step = langchain_kit.next_step()
    if step[0] == "rate_limit":
        fixture_kit.model_error(run)
        return httpx2.Response(429, json={"error": RATE_LIMITED})
    return httpx2.Response(200, json=langchain_kit.chat_completion(run, step, f"{MODEL}-2024-07-18"))


client = httpx2.Client(transport=httpx2.MockTransport(scripted_openai))
# the support desk's six tools and all four middleware (langchain_kit.support_agent)
agent = langchain_kit.support_agent(langchain_kit.chat_openai(MODEL, "http://openai.invalid/v1", client))

T, X = langchain_kit.TOOLS, langchain_kit.TEXT
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
    for task, entry in PLANS.items():
        run, prompt, cohorts = langchain_kit.start_support_run(task, entry, MAILBOX_FULL)
        config = {"configurable": {"thread_id": task}, "metadata": dict(cohorts)}
        langchain_kit.invoke(run, agent, prompt, config=config)
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
