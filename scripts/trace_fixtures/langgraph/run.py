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
"""

from __future__ import annotations

import os

os.environ.setdefault("LANGSMITH_TRACING", "false")  # LangSmith's own tracing off (no phone-home)
os.environ.setdefault("LANGCHAIN_TRACING_V2", "false")

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
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
from langchain_core.exceptions import ModelRateLimitError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import ToolException
from langchain_core.utils.function_calling import convert_to_openai_tool
from openinference.instrumentation import using_metadata, using_session
from openinference.instrumentation.langchain import LangChainInstrumentor

import fixture_kit

NAME = "langgraph"
AGENT = "support-agent"
MODEL = "scripted-support-model"
PII_GUARDRAIL = "PIIMiddleware[credit_card]"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "2.3.0")
LangChainInstrumentor().instrument(tracer_provider=provider)

STATE: dict[str, Any] = {"global_calls": 0}


class RateLimitError(ModelRateLimitError):
    """What a provider package raises on HTTP 429 (they subclass LangChain's ModelRateLimitError)."""


class ScriptedChatModel(BaseChatModel):
    """Answers from the current run's plan: ("tools", [(name, args), ...]), ("text", str) or
    ("rate_limit",). Usage is distinct per call, with cache reads and reasoning on some."""

    model_name: str = MODEL

    @property
    def _llm_type(self) -> str:
        return "scripted-chat"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        run = STATE["run"]
        step = STATE["plan"].pop(0)
        if step[0] == "rate_limit":
            fixture_kit.model_error(run)
            raise RateLimitError("Error code: 429 - rate limit reached for requests")
        STATE["global_calls"] += 1
        g = STATE["global_calls"]
        input_tokens, output_tokens = 100 * g + 7, 10 + g
        cached = 32 + g if g % 2 == 0 else 0
        reasoning = 3 + g % 5 if g % 3 == 0 else 0
        fixture_kit.model_call(run, input_tokens, output_tokens, cached=cached, reasoning=reasoning)
        usage = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "input_token_details": {"cache_read": cached},
            "output_token_details": {"reasoning": reasoning},
        }
        if step[0] == "tools":
            STATE["call_seq"] += 1
            calls = [
                {
                    "name": name,
                    "args": args,
                    "id": f"{run['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}",
                    "type": "tool_call",
                }
                for i, (name, args) in enumerate(step[1])
            ]
            message = AIMessage(content="", tool_calls=calls, usage_metadata=usage)
        else:
            message = AIMessage(content=step[1], usage_metadata=usage)
        message.response_metadata = {
            "model_name": MODEL,
            "finish_reason": "tool_calls" if step[0] == "tools" else "stop",
        }
        return ChatResult(generations=[ChatGeneration(message=message)])


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
    ScriptedChatModel(),
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
    for task, (scenario, prompt, plan, inventory_failures, cohorts) in PLANS.items():
        run = fixture_kit.new_run(task, scenario, AGENT, **cohorts)
        STATE.update(
            run=run,
            plan=list(plan),
            inventory_failures=inventory_failures,
            call_seq=0,
            mailbox_full=task in MAILBOX_FULL,
        )
        with get_usage_metadata_callback() as usage_cb:
            try:
                with using_session(task), using_metadata(cohorts):
                    agent.invoke({"messages": [{"role": "user", "content": prompt}]})
                run.update(outcome="completed", error_type=None)
            except Exception as exc:  # the run raised: the framework's own verdict
                run.update(outcome="failed", error_type=type(exc).__name__)
        usage = usage_cb.usage_metadata.get(MODEL)
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
        not_carried={
        },
        unsupported_scenarios={
            "evaluated": "openinference-instrumentation-langchain records no evaluation (no EVALUATOR span, "
            "no annotation); LangChain evaluations live in LangSmith, outside the trace",
        },
    )


if __name__ == "__main__":
    main()
