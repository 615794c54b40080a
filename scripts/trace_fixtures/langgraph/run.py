"""LangChain 1.5 `create_agent` (a LangGraph graph), traced by OpenInference, run offline.

    .venv-traces/langgraph/bin/python scripts/trace_fixtures/langgraph/run.py

A NAMED agent (`create_agent(..., name="support-agent")`) with six tools and LangChain's own
middleware: `PIIMiddleware` (credit cards, strategy "block": the guardrail), `ModelRetryMiddleware`
(one retry of a failed model request), `ToolErrorMiddleware` (cancel_order's PermissionError goes
back to the model as a `ToolMessage(status="error")`; send_email's `ToolException` is handled by the
tool itself, `handle_tool_error=True`) and `ToolRetryMiddleware` (check_inventory,
two retries, then an error `ToolMessage`). The model is a scripted `BaseChatModel` whose
`AIMessage`s carry `usage_metadata` (cache reads, reasoning tokens); a model error is a
`RateLimitError` that subclasses LangChain's `ModelRateLimitError`, as the provider packages'
errors do. `openinference-instrumentation-langchain` traces it into the README's exporter set-up;
the task id is `using_session(task_id)`, the cohorts `using_metadata({...})`.

Ground truth: the outcome is what `agent.invoke` did (returned / raised), token totals come
from LangChain's own `get_usage_metadata_callback()` and must agree with what the scripted
model returned, and every tool records its own execution under the tool call id LangChain
injected (`ToolRuntime.tool_call_id`).

The support desk (tools, middleware, agent), the scripted model and the run loop are
scripts/trace_fixtures/langchain_kit.py's; this script keeps its instrumentation and its plans.
"""

from __future__ import annotations

import os

os.environ.setdefault("LANGSMITH_TRACING", "false")  # LangSmith's own tracing off (no phone-home)
os.environ.setdefault("LANGCHAIN_TRACING_V2", "false")

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from langchain_core.exceptions import ModelRateLimitError
from openinference.instrumentation import using_metadata, using_session
from openinference.instrumentation.langchain import LangChainInstrumentor

import fixture_kit
import langchain_kit

NAME = "langgraph"
MODEL = "scripted-support-model"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "2.3.0")
LangChainInstrumentor().instrument(tracer_provider=provider)


class RateLimitError(ModelRateLimitError):
    """What a provider package raises on HTTP 429 (they subclass LangChain's ModelRateLimitError)."""


# the support desk's six tools and all four middleware (langchain_kit.support_agent)
agent = langchain_kit.support_agent(langchain_kit.ScriptedChatModel(model_name=MODEL, rate_limit_error=RateLimitError))

T, X = langchain_kit.TOOLS, langchain_kit.TEXT
# task -> (scenario, prompt, plan, check_inventory failures, cohorts)
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], int, dict[str, str]]] = {
    "lg-1": (
        "several_tools",
        "Where is order A1? Email me the status.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("send_email", {"to": "c1@example.com", "subject": "Order A1 shipped"})]),
            (X, "Order A1 has shipped; I emailed you the details."),
        ],
        0,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-101"},
    ),
    "lg-2": (
        "parallel_tools",
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-102"},
    ),
    "lg-3": (
        "tool_retried",
        "Is SKU-4 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-4"})]), (X, "Yes, 14 units of SKU-4.")],
        2,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-103"},
    ),
    "lg-4": (
        "retries_exhausted",
        "Is SKU-5 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-5"})]), (X, "The inventory service is down; try later.")],
        3,
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-104"},
    ),
    "lg-5": (
        "tool_error_handled",
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-105"},
    ),
    "lg-6": (
        "model_error",
        "Refund 20 on order D4.",
        [("rate_limit",), (T, [("issue_refund", {"order_id": "D4", "amount": 20.0})]), (X, "Refunded 20.00.")],
        0,
        {"task_type": "refund_request", "channel": "email", "customer_tier": "pro", "customer_id": "cust-106"},
    ),
    "lg-7": (
        "model_error",
        "Where is order E5?",
        [("rate_limit",), ("rate_limit",)],
        0,
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-107"},
    ),
    "lg-8": (
        "run_raises",
        "Nobody answers me, escalate this.",
        [(T, [("escalate_ticket", {"reason": "customer waited 3 days"})]), (X, "never reached")],
        0,
        {"task_type": "complaint", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-108"},
    ),
    "lg-9": (
        "guardrail_tripped",
        "Refund order F6 to my card 4111 1111 1111 1111 please.",
        [(X, "never reached")],
        0,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "free", "customer_id": "cust-109"},
    ),
    "lg-10": (
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-110"},
    ),
    "lg-11": (
        "several_tools",
        "Order G7 arrived broken: refund it and confirm by email.",
        [
            (T, [("lookup_order", {"order_id": "G7"})]),
            (T, [("issue_refund", {"order_id": "G7", "amount": 35.5})]),
            (T, [("send_email", {"to": "c11@example.com", "subject": "Refund for G7"})]),
            (X, "Refunded 35.50 on G7 and emailed you."),
        ],
        0,
        {"task_type": "refund_request", "channel": "api", "customer_tier": "pro", "customer_id": "cust-111"},
    ),
    "lg-12": (
        "tool_error_handled",
        "Email me the invoice for order H8.",
        [
            (T, [("send_email", {"to": "c12@example.com", "subject": "Invoice H8"})]),
            (X, "Your mailbox is full, so I could not send the invoice."),
        ],
        0,
        {"task_type": "billing", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-112"},
    ),
}
MAILBOX_FULL = {"lg-12"}


def main() -> None:
    runs = []
    for task, entry in PLANS.items():
        run, prompt, cohorts = langchain_kit.start_support_run(task, entry, MAILBOX_FULL)
        contexts = (using_session(task), using_metadata(cohorts))
        langchain_kit.invoke(run, agent, prompt, contexts=contexts, usage_model=MODEL)
        runs.append(run)
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "openinference",
        runs,
        distributions=[
            "langchain",
            "langchain-core",
            "langgraph",
            "langgraph-prebuilt",
            "openinference-instrumentation-langchain",
            "openinference-instrumentation",
            "openinference-semantic-conventions",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={},
        unsupported_scenarios={
            "evaluated": "openinference-instrumentation-langchain records no evaluation (no EVALUATOR span, "
            "no annotation); LangChain evaluations live in LangSmith, outside the trace",
        },
    )


if __name__ == "__main__":
    main()
