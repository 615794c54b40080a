"""Google ADK 2.13 (`LlmAgent` + `Runner`), traced by ADK's own OpenTelemetry, run offline.

    .venv-traces/google_adk/bin/python scripts/trace_fixtures/google_adk/run.py

ADK has its tracing built in: it writes `invoke_workflow` / `invoke_agent` / `generate_content` /
`execute_tool` spans (tracer `gcp.vertex.agent`, OpenTelemetry GenAI conventions) to the GLOBAL
tracer provider, so the README's provider from `fixture_kit.tracer_provider` is installed with
`trace.set_tracer_provider` before ADK is imported. `OTEL_SEMCONV_STABILITY_OPT_IN=
gen_ai_latest_experimental` is set (ADK reads it; its schema v2 already defaults to it), and
`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY` puts the messages, tool arguments
and tool results on the spans (ADK's default records no content).

The model is a `BaseLlm` subclass answering from a script with `LlmResponse`s whose content holds
function_call parts (two parts: a parallel call) and whose `usage_metadata` is google-genai's
`GenerateContentResponseUsageMetadata` (cached and thinking tokens on some calls); a model error
is google-genai's own `ServerError` (503). One `LlmAgent` ("support_agent": ADK wants a Python
identifier) with six tools and ADK's callbacks: `before_model_callback` (blocks card numbers: the guardrail),
`before_tool_callback` (refund limit: a tool guardrail), `on_tool_error_callback` (a
PermissionError goes back to the model as the function response). Three `App`s share the agent:
"support-desk" (no plugin), "support-desk-retry" with ADK's `ReflectAndRetryToolPlugin`
(max_retries=2, throw_exception_if_retry_exceeded=False: the failure goes back to the model with
retry guidance, the model calls the tool again; past the limit it is told to stop) and
"support-desk-strict" with the plugin's default (max_retries=1, raise past the limit).

Task id: the ADK session id (`create_session(session_id=...)`), which ADK stamps as
`gen_ai.conversation.id`; the customer id is the session's `user_id`. Cohorts: ADK's run metadata
is `RunConfig(custom_metadata=...)`, which reaches the session events but no span, and ADK has no
documented way to put custom attributes on its spans; so, as the documented OpenTelemetry
fallback, the script opens its own span around each run ("support_request") carrying
`agent_kpis.task_type` / `.channel` / `.customer_tier` / `.customer_id`.

Ground truth: the outcome is what `Runner.run_async` did (finished / raised); token totals are
summed from the `usage_metadata` of the events the Runner yielded (ADK's own accounting:
input = prompt_token_count, output = candidates + thoughts, as ADK's TokenUsage counts them) and
must agree with what the scripted model returned; every tool records its own execution under the
function call id ADK passed in `ToolContext.function_call_id`.
"""

from __future__ import annotations

import os

os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
os.environ["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] = "SPAN_ONLY"
os.environ.setdefault("GOOGLE_GENAI_USE_VERTEXAI", "false")  # no cloud backend is ever reached

import asyncio
import logging
import re
import sys
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from opentelemetry import trace

import fixture_kit

NAME = "google_adk"
AGENT = "support_agent"
MODEL = "scripted/support-model-1"
CARD_GUARDRAIL = "no_card_numbers"
REFUND_GUARDRAIL = "refund_limit"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.1.0")
trace.set_tracer_provider(provider)  # ADK traces to the global provider

from google.adk.agents import LlmAgent, RunConfig
from google.adk.apps import App
from google.adk.models.base_llm import BaseLlm
from google.adk.models.llm_request import LlmRequest
from google.adk.models.llm_response import LlmResponse
from google.adk.plugins import ReflectAndRetryToolPlugin
from google.adk.runners import Runner
from google.adk.sessions import InMemorySessionService
from google.adk.tools.tool_context import ToolContext
from google.genai import errors as genai_errors
from google.genai import types

# ADK logs every raised run with its traceback (ad-6, ad-7, ad-12 raise on purpose)
logging.getLogger("google_adk").setLevel(logging.CRITICAL)

STATE: dict[str, Any] = {"global_calls": 0}
tracer = trace.get_tracer("support-desk")


class ScriptedLlm(BaseLlm):
    """Answers from the current run's plan: ("tools", [(name, args), ...]), ("text", str) or
    ("overloaded",). Usage is distinct per call, with cached and thinking tokens on some."""

    async def generate_content_async(
        self, llm_request: LlmRequest, stream: bool = False
    ) -> AsyncGenerator[LlmResponse, None]:
        run = STATE["run"]
        step = STATE["plan"].pop(0)
        if step[0] == "overloaded":
            fixture_kit.model_error(run)
            raise genai_errors.ServerError(
                503, {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
            )
        STATE["global_calls"] += 1
        g = STATE["global_calls"]
        prompt, candidates = 100 * g + 7, 10 + g
        cached = 32 + g if g % 2 == 0 else 0
        thoughts = 3 + g % 5 if g % 3 == 0 else 0
        # output tokens as ADK (and the GenAI conventions) count them: candidates + thoughts
        fixture_kit.model_call(run, prompt, candidates + thoughts, cached=cached, reasoning=thoughts)
        usage = types.GenerateContentResponseUsageMetadata(
            prompt_token_count=prompt,
            candidates_token_count=candidates,
            cached_content_token_count=cached or None,
            thoughts_token_count=thoughts or None,
            total_token_count=prompt + candidates + thoughts,
        )
        if step[0] == "tools":
            STATE["call_seq"] += 1
            parts = [
                types.Part(
                    function_call=types.FunctionCall(
                        id=f"{run['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}", name=name, args=args
                    )
                )
                for i, (name, args) in enumerate(step[1])
            ]
        else:
            parts = [types.Part(text=step[1])]
        yield LlmResponse(
            content=types.Content(role="model", parts=parts),
            usage_metadata=usage,
            model_version=self.model,
            finish_reason=types.FinishReason.STOP,
        )


def attempt(tool_name: str, tool_context: ToolContext, ok: bool) -> None:
    """What the tool saw of its own execution, under the function call id ADK passed."""
    fixture_kit.tool_attempt(STATE["run"], tool_name, tool_context.function_call_id, ok)


def lookup_order(order_id: str, tool_context: ToolContext) -> dict[str, Any]:
    """Look up an order's status."""
    attempt("lookup_order", tool_context, True)
    return {"order_id": order_id, "status": "shipped"}


def check_inventory(sku: str, tool_context: ToolContext) -> dict[str, Any]:
    """Check stock for a SKU (a flaky service)."""
    if STATE["inventory_failures"] > 0:
        STATE["inventory_failures"] -= 1
        attempt("check_inventory", tool_context, False)
        raise ConnectionError("inventory service timed out")
    attempt("check_inventory", tool_context, True)
    return {"sku": sku, "in_stock": 14}


def issue_refund(order_id: str, amount: float, tool_context: ToolContext) -> dict[str, Any]:
    """Refund an amount on an order."""
    attempt("issue_refund", tool_context, True)
    return {"order_id": order_id, "refunded": amount}


def cancel_order(order_id: str, tool_context: ToolContext) -> dict[str, Any]:
    """Cancel an order (its PermissionError goes back to the model: on_tool_error_callback)."""
    attempt("cancel_order", tool_context, False)
    raise PermissionError(f"order {order_id} is already with the carrier")


def send_email(to: str, subject: str, tool_context: ToolContext) -> dict[str, Any]:
    """Send the customer an email."""
    attempt("send_email", tool_context, True)
    return {"sent": subject, "to": to}


def escalate_ticket(reason: str, tool_context: ToolContext) -> dict[str, Any]:
    """Escalate to a human (its TimeoutError is not handled: the run raises)."""
    attempt("escalate_ticket", tool_context, False)
    raise TimeoutError("ticketing system did not answer")


CARD = re.compile(r"\b(?:\d[ -]?){13,16}\b")


def no_card_numbers(callback_context: Any, llm_request: LlmRequest) -> LlmResponse | None:
    """before_model_callback: a card number in the user's words blocks the model call."""
    texts = [p.text or "" for c in llm_request.contents if c.role == "user" for p in (c.parts or [])]
    tripped = any(CARD.search(t) for t in texts)
    STATE["run"]["guardrails"].append({"guardrail": CARD_GUARDRAIL, "triggered": tripped})
    if not tripped:
        return None
    return LlmResponse(
        content=types.Content(role="model", parts=[types.Part(text="I cannot take card numbers in chat.")])
    )


def refund_limit(tool: Any, args: dict[str, Any], tool_context: ToolContext) -> dict[str, Any] | None:
    """before_tool_callback: refunds over 500 need a human; the tool is not run."""
    tripped = tool.name == "issue_refund" and float(args.get("amount", 0)) > 500
    STATE["run"]["guardrails"].append({"guardrail": REFUND_GUARDRAIL, "triggered": tripped})
    if tripped:
        # ADK answers the function call with the callback's response: an attempt, refused
        fixture_kit.tool_attempt(STATE["run"], tool.name, tool_context.function_call_id, False)
        return {"status": "error", "error_message": "refunds over 500 need a supervisor"}
    return None


def hand_back_permission_errors(
    tool: Any, args: dict[str, Any], tool_context: ToolContext, error: Exception
) -> dict[str, Any] | None:
    """on_tool_error_callback: permission problems go back to the model as the tool's response."""
    if isinstance(error, PermissionError):
        return {"status": "error", "error_message": f"{type(error).__name__}: {error}"}
    return None


agent = LlmAgent(
    name=AGENT,
    description="Answers the support desk's customers.",
    model=ScriptedLlm(model=MODEL),
    instruction="You are the support desk's agent. Use the tools.",
    tools=[lookup_order, check_inventory, issue_refund, cancel_order, send_email, escalate_ticket],
    before_model_callback=no_card_numbers,
    before_tool_callback=refund_limit,
    on_tool_error_callback=hand_back_permission_errors,
)
sessions = InMemorySessionService()
RUNNERS = {
    "plain": Runner(app=App(name="support-desk", root_agent=agent), session_service=sessions),
    "retry": Runner(
        app=App(
            name="support-desk-retry",
            root_agent=agent,
            plugins=[ReflectAndRetryToolPlugin(max_retries=2, throw_exception_if_retry_exceeded=False)],
        ),
        session_service=sessions,
    ),
    "strict": Runner(
        app=App(name="support-desk-strict", root_agent=agent, plugins=[ReflectAndRetryToolPlugin(max_retries=1)]),
        session_service=sessions,
    ),
}

T, X, E = "tools", "text", ("overloaded",)
# task -> (scenario, runner, prompt, plan, check_inventory failures, cohorts)
PLANS: dict[str, tuple[str, str, str, list[tuple[Any, ...]], int, dict[str, str]]] = {
    "ad-1": (
        "several_tools",
        "plain",
        "Where is order A1? Email me the status.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("send_email", {"to": "c1@example.com", "subject": "Order A1 shipped"})]),
            (X, "Order A1 has shipped; I emailed you the details."),
        ],
        0,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-201"},
    ),
    "ad-2": (
        "parallel_tools",
        "plain",
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-202"},
    ),
    "ad-3": (
        "tool_retried",
        "retry",
        "Is SKU-4 in stock?",
        [
            (T, [("check_inventory", {"sku": "SKU-4"})]),
            (T, [("check_inventory", {"sku": "SKU-4"})]),
            (X, "Yes, 14 units of SKU-4."),
        ],
        1,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-203"},
    ),
    "ad-4": (
        "retries_exhausted",
        "retry",
        "Is SKU-5 in stock?",
        [
            (T, [("check_inventory", {"sku": "SKU-5"})]),
            (T, [("check_inventory", {"sku": "SKU-5"})]),
            (T, [("check_inventory", {"sku": "SKU-5"})]),
            (X, "The inventory service is down; please try later."),
        ],
        3,
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-204"},
    ),
    "ad-5": (
        "tool_error_handled",
        "plain",
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-205"},
    ),
    "ad-6": (
        "model_error",
        "plain",
        "Where is order E5?",
        [(T, [("lookup_order", {"order_id": "E5"})]), E],
        0,
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-206"},
    ),
    "ad-7": (
        "run_raises",
        "plain",
        "Nobody answers me, escalate this.",
        [(T, [("escalate_ticket", {"reason": "customer waited 3 days"})]), (X, "never reached")],
        0,
        {"task_type": "complaint", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-207"},
    ),
    "ad-8": (
        "guardrail_tripped",
        "plain",
        "Refund order F6 to my card 4111 1111 1111 1111 please.",
        [(X, "never reached")],
        0,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "free", "customer_id": "cust-208"},
    ),
    "ad-9": (
        "plain",
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-209"},
    ),
    "ad-10": (
        "guardrail_tripped",
        "plain",
        "Order G7 never arrived: refund all 900 of it.",
        [
            (T, [("lookup_order", {"order_id": "G7"})]),
            (T, [("issue_refund", {"order_id": "G7", "amount": 900.0})]),
            (X, "A refund of 900 needs a supervisor; I have asked one to call you."),
        ],
        0,
        {"task_type": "refund_request", "channel": "api", "customer_tier": "pro", "customer_id": "cust-210"},
    ),
    "ad-11": (
        "several_tools",
        "plain",
        "Order H8 arrived broken: refund it and confirm by email.",
        [
            (T, [("lookup_order", {"order_id": "H8"})]),
            (T, [("issue_refund", {"order_id": "H8", "amount": 35.5})]),
            (T, [("send_email", {"to": "c11@example.com", "subject": "Refund for H8"})]),
            (X, "Refunded 35.50 on H8 and emailed you."),
        ],
        0,
        {"task_type": "refund_request", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-211"},
    ),
    "ad-12": (
        "retries_exhausted",
        "strict",
        "Is SKU-6 in stock?",
        [
            (T, [("check_inventory", {"sku": "SKU-6"})]),
            (T, [("check_inventory", {"sku": "SKU-6"})]),
            (X, "never reached"),
        ],
        2,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "free", "customer_id": "cust-212"},
    ),
}


async def run_task(task: str, runner: Runner, prompt: str, cohorts: dict[str, str], events: list[Any]) -> None:
    """One task: its own ADK session (id = task id), inside the cohort span; the events the
    Runner yields are kept in `events` (also those before a raise)."""
    await sessions.create_session(app_name=runner.app_name, user_id=cohorts["customer_id"], session_id=task)
    attributes = {f"agent_kpis.{key}": value for key, value in cohorts.items()}
    with tracer.start_as_current_span("support_request", attributes=attributes):
        async for event in runner.run_async(
            user_id=cohorts["customer_id"],
            session_id=task,
            new_message=types.Content(role="user", parts=[types.Part(text=prompt)]),
            run_config=RunConfig(custom_metadata=dict(cohorts)),
        ):
            events.append(event)


def chain_plugin_retries(run: dict[str, Any], events: list[Any]) -> None:
    """ReflectAndRetryToolPlugin retries a failed call: the model calls the tool again under a
    new function call id. ADK's own record of it, the function response of the failed call
    (response_type ERROR_HANDLED_BY_REFLECT_AND_RETRY_PLUGIN), makes the next execution of the
    same tool an attempt of the same logical call."""
    retried = {
        response.id
        for event in events
        for response in (event.get_function_responses() if event.content else [])
        if (response.response or {}).get("response_type") == "ERROR_HANDLED_BY_REFLECT_AND_RETRY_PLUGIN"
    }
    previous: dict[str, dict[str, Any]] = {}
    for attempt in run["tool_attempts"]:
        before = previous.get(attempt["tool"])
        original = attempt["call"]
        if before is not None and before["id"] in retried:
            attempt["call"] = before["call"]
        previous[attempt["tool"]] = {"id": original, "call": attempt["call"]}


def main() -> None:
    runs = []
    for task, (scenario, runner_name, prompt, plan, inventory_failures, cohorts) in PLANS.items():
        run = fixture_kit.new_run(task, scenario, AGENT, **cohorts)
        STATE.update(run=run, plan=list(plan), inventory_failures=inventory_failures, call_seq=0)
        events: list[Any] = []
        try:
            asyncio.run(run_task(task, RUNNERS[runner_name], prompt, cohorts, events))
            run.update(outcome="completed", error_type=None)
        except Exception as exc:  # the run raised: the framework's own verdict
            run.update(outcome="failed", error_type=type(exc).__name__)
        # ADK's own usage record: the usage_metadata of the model events the Runner yielded
        # (one event per model response; a failed run's events up to the raise)
        chain_plugin_retries(run, events)
        usages = [e.usage_metadata for e in events if e.usage_metadata is not None]
        assert len(usages) == len(run["calls"]), (task, len(usages), len(run["calls"]))
        fixture_kit.agree(
            run,
            input_tokens=sum(u.prompt_token_count or 0 for u in usages),
            output_tokens=sum((u.candidates_token_count or 0) + (u.thoughts_token_count or 0) for u in usages),
            cached_input_tokens=sum(u.cached_content_token_count or 0 for u in usages),
            reasoning_output_tokens=sum(u.thoughts_token_count or 0 for u in usages),
        )
        runs.append(run)
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "opentelemetry_genai",
        runs,
        distributions=[
            "google-adk",
            "google-genai",
            "opentelemetry-api",
            "opentelemetry-sdk",
            "opentelemetry-semantic-conventions",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            "guardrails": "no guardrail span or attribute: a before_model_callback that answers leaves an "
            "invoke_agent span with no generate_content child (its reply is recorded nowhere); a "
            "before_tool_callback that answers leaves an execute_tool span, status UNSET, whose "
            "gen_ai.tool.call.result is the callback's dict (the tool function never ran); a check that passes "
            "leaves no trace",
        },
        unsupported_scenarios={
            "evaluated": "ADK's evaluation (AgentEvaluator / LocalEvalService) writes EvalResults of its own "
            "and emits no span or gen_ai.evaluation.result event",
        },
    )


if __name__ == "__main__":
    main()
