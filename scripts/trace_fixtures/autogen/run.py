"""AutoGen AgentChat 0.7.5 (`AssistantAgent`) with AutoGen's native OpenTelemetry tracing, run offline.

    .venv-traces/autogen/bin/python scripts/trace_fixtures/autogen/run.py

AutoGen has its tracing built in (autogen_core._telemetry): `BaseChatAgent` writes a
`create_agent <name>` span when an agent is constructed and an `invoke_agent <name>` span around
`run()`, `BaseTool.run_json` an `execute_tool <tool>` span carrying `gen_ai.tool.call.id` (GenAI
conventions, `gen_ai.system=autogen`), all on the GLOBAL tracer provider
(`trace.get_tracer("autogen-core")`), so the README's provider from `fixture_kit.tracer_provider`
is installed with `trace.set_tracer_provider`. AutoGen's model clients write no span: as AutoGen's
tracing guide (agentchat-user-guide/tracing) does, the OpenAI library is instrumented with
`opentelemetry-instrumentation-openai`'s `OpenAIInstrumentor` (OpenLLMetry), under a real
`autogen_ext.models.openai.OpenAIChatCompletionClient` whose AsyncOpenAI client talks to an
`httpx2.MockTransport` (openai 3.x's HTTP library) answering the Chat Completions API from a
script: responses carry `usage.prompt_tokens_details.cached_tokens` and
`usage.completion_tokens_details.reasoning_tokens`; a model error is an HTTP 429 / 503 answer.
The client has `max_retries=0`: one HTTP request is one model request (AutoGen itself has no model
retry; the OpenAI SDK's own retry would be invisible inside one span).

One `AssistantAgent("support_agent", tools=[...6 tools], max_tool_iterations=4,
reflect_on_tool_use=True)` per task (AutoGen agents keep their conversation), a fresh model client
per task. AutoGen's own mechanisms only: a tool that raises becomes a `FunctionExecutionResult`
with `is_error=True` handed back to the model (the handled error; AutoGen has no tool retry: when
the model calls the tool again it is a new call with a new id); malformed tool arguments get an
error result without the tool running (no execute_tool span); two tool calls in one response run
concurrently; a run raises when the model errors (AutoGen does not catch it) or when the
reflection after the iteration cap comes back with tool calls again (RuntimeError). One run
(ag-11) streams (`model_client_stream=True`, the usage in the last chunk). Not used: cancelling
the run's CancellationToken while a tool runs, which hangs AssistantAgent 0.7.5 (its tool task
dies before it signals the end of its event queue, and `run()` waits on that queue forever).

Task id and cohorts: AutoGen sets no conversation/session id and has no run-metadata facility for
its spans; its tracing guide wraps the run in the application's own span (`run_team` there). So, as
the documented fallback, each run is wrapped in a span "support_request" (tracer "support-desk")
carrying `gen_ai.conversation.id` = task id and `agent_kpis.task_type` / `.channel` /
`.customer_tier` / `.customer_id`. `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` is
set (neither AutoGen 0.7.5 nor OpenLLMetry's openai instrumentor 0.62.4 reads it).

Ground truth: the outcome is what `agent.run()` did (returned / raised); token totals come from
AutoGen's own accounting: the model client's `total_usage()` (every run) and the sum of
`models_usage` over the TaskResult's messages (completed runs), which must agree with what the
scripted HTTP answers carried (AutoGen's `RequestUsage` has prompt and completion tokens only);
every tool records its own execution under the call id AutoGen hands `BaseTool.run_json(...,
call_id=...)` (a `FunctionTool` subclass passes it on), cross-checked against the
`FunctionExecutionResult.call_id`s of the TaskResult.
"""

from __future__ import annotations

import os

os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"
os.environ.setdefault("TRACELOOP_TELEMETRY", "false")  # OpenLLMetry's phone-home (traceloop-sdk only) off
os.environ.setdefault("TRACELOOP_TRACE_CONTENT", "true")  # messages on the model spans (its default)
os.environ.pop("AUTOGEN_DISABLE_RUNTIME_TRACING", None)

import asyncio
import contextvars
import json
import sys
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx2
from opentelemetry import trace

import fixture_kit

NAME = "autogen"
AGENT = "support_agent"  # AutoGen wants a Python identifier
MODEL = "gpt-4o-mini"
RESPONSE_MODEL = "gpt-4o-mini-2024-07-18"  # what AutoGen resolves gpt-4o-mini to (no mismatch warning)

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.1.0")
trace.set_tracer_provider(provider)  # AutoGen's spans go to the global provider

from opentelemetry.instrumentation.openai import OpenAIInstrumentor

OpenAIInstrumentor().instrument(tracer_provider=provider)

from autogen_agentchat.agents import AssistantAgent
from autogen_agentchat.base import TaskResult
from autogen_agentchat.messages import ToolCallExecutionEvent, ToolCallRequestEvent
from autogen_core import CancellationToken
from autogen_core.models import RequestUsage
from autogen_core.tools import FunctionTool
from autogen_ext.models.openai import OpenAIChatCompletionClient

STATE: dict[str, Any] = {"global_calls": 0}
CALL_ID: contextvars.ContextVar[str] = contextvars.ContextVar("call_id")
app_tracer = trace.get_tracer("support-desk")


# --- the scripted Chat Completions API -------------------------------------------------------


def usage_for_next_call(run: dict[str, Any]) -> dict[str, Any]:
    """Distinct usage per successful call: cached input tokens on even calls, reasoning on every third."""
    STATE["global_calls"] += 1
    g = STATE["global_calls"]
    prompt, completion = 100 * g + 7, 10 + g
    cached = 32 + g if g % 2 == 0 else 0
    reasoning = 3 + g if g % 3 == 0 else 0
    fixture_kit.model_call(run, prompt, completion, cached=cached, reasoning=reasoning)
    return {
        "prompt_tokens": prompt,  # OpenAI: cached tokens are part of the prompt tokens
        "completion_tokens": completion,  # reasoning tokens are part of the completion tokens
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def tool_calls_of(run: dict[str, Any], calls: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    STATE["call_seq"] += 1
    return [
        {
            "id": f"{run['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}",
            "type": "function",
            "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)},
        }
        for i, (name, args) in enumerate(calls)
    ]


def chat_completions(request: httpx2.Request) -> httpx2.Response:
    run = STATE["run"]
    step = STATE["plan"].pop(0)
    body = json.loads(request.content)
    headers = {"x-request-id": f"req-{run['task_id']}-{len(run['calls']) + run['model_errors'] + 1}"}
    if step[0] == "error":  # a model error: the HTTP answer is an API error
        fixture_kit.model_error(run)
        _, status, code, message = step
        return httpx2.Response(
            status, json={"error": {"message": message, "type": code, "code": code}}, headers=headers
        )
    n = len(run["calls"]) + 1
    usage = usage_for_next_call(run)
    if step[0] == "tools":
        message = {"role": "assistant", "content": None, "tool_calls": tool_calls_of(run, step[1])}
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": step[1]}
        finish = "stop"
    completion_id = f"chatcmpl-{run['task_id']}-{n}"
    if body.get("stream"):  # Server-sent events, the usage in a last chunk (stream_options.include_usage)
        assert step[0] == "text", "only text is streamed here"
        chunk = {"id": completion_id, "object": "chat.completion.chunk", "created": 1767225600, "model": RESPONSE_MODEL}
        words = step[1].split(" ")
        events = [
            {**chunk, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
        ]
        events += [
            {**chunk, "choices": [{"index": 0, "delta": {"content": w if i == 0 else " " + w}, "finish_reason": None}]}
            for i, w in enumerate(words)
        ]
        events.append({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
        events.append({**chunk, "choices": [], "usage": usage})
        sse = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        return httpx2.Response(200, content=sse.encode(), headers={**headers, "content-type": "text/event-stream"})
    return httpx2.Response(
        200,
        json={
            "id": completion_id,
            "object": "chat.completion",
            "created": 1767225600,
            "model": RESPONSE_MODEL,
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": usage,
        },
        headers=headers,
    )


def make_client(stream: bool) -> OpenAIChatCompletionClient:
    extra: dict[str, Any] = {"stream_options": {"include_usage": True}} if stream else {}
    return OpenAIChatCompletionClient(
        model=MODEL,
        api_key="sk-offline",
        base_url="http://scripted-openai.invalid/v1",
        max_retries=0,  # one HTTP request = one model request
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(chat_completions)),
        **extra,
    )


# --- the tools ---------------------------------------------------------------------------------


class CallIdTool(FunctionTool):
    """A FunctionTool that passes on the call id AutoGen hands run_json (the model's tool call id)."""

    async def run_json(self, args: Any, cancellation_token: CancellationToken, call_id: str | None = None) -> Any:
        assert call_id is not None, "AutoGen passes the model's tool call id"
        CALL_ID.set(call_id)
        return await super().run_json(args, cancellation_token, call_id=call_id)


def attempt(tool: str, ok: bool) -> None:
    """What the tool saw of its own execution, under the call id AutoGen handed it."""
    fixture_kit.tool_attempt(STATE["run"], tool, CALL_ID.get(), ok)


async def lookup_order(order_id: str) -> str:
    """Look up an order's status."""
    attempt("lookup_order", True)
    return f"order {order_id}: shipped"


async def check_inventory(sku: str) -> str:
    """Check stock for a SKU (a flaky service)."""
    if STATE["inventory_failures"] > 0:
        STATE["inventory_failures"] -= 1
        attempt("check_inventory", False)
        raise ConnectionError("inventory service timed out")
    attempt("check_inventory", True)
    return f"{sku}: 14 in stock"


async def issue_refund(order_id: str, amount: float) -> str:
    """Refund an amount on an order."""
    attempt("issue_refund", True)
    return f"refunded {amount:.2f} on {order_id}"


async def cancel_order(order_id: str) -> str:
    """Cancel an order (its PermissionError goes back to the model as an error result)."""
    attempt("cancel_order", False)
    raise PermissionError(f"order {order_id} is already with the carrier")


async def send_email(to: str, subject: str) -> str:
    """Send the customer an email."""
    attempt("send_email", True)
    return f"sent '{subject}'"


async def escalate_ticket(reason: str) -> str:
    """Escalate to a human."""
    attempt("escalate_ticket", True)
    return "ticket T-1 opened"


FUNCTIONS = [lookup_order, check_inventory, issue_refund, cancel_order, send_email, escalate_ticket]


def make_agent(stream: bool) -> tuple[AssistantAgent, OpenAIChatCompletionClient]:
    client = make_client(stream)
    tools = [CallIdTool(f, description=f.__doc__ or f.__name__, name=f.__name__) for f in FUNCTIONS]
    agent = AssistantAgent(
        AGENT,
        model_client=client,
        tools=tools,
        description="The support desk's agent.",
        system_message="You are the support desk's agent. Use the tools; answer in one sentence.",
        max_tool_iterations=4,
        reflect_on_tool_use=True,
        model_client_stream=stream,
    )
    return agent, client


# --- the runs ----------------------------------------------------------------------------------

T, X, E = "tools", "text", "error"
RATE_LIMIT = (E, 429, "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini. Please try again in 20s.")
OVERLOADED = (E, 503, "server_error", "The server is overloaded. Please retry your request.")
C = dict[str, str]
# task -> (scenario, prompt, plan, inventory failures, options, cohorts)
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], int, dict[str, Any], C]] = {
    "ag-1": (
        "several_tools",
        "Where is order A1? Email me the status.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("send_email", {"to": "c1@example.com", "subject": "Order A1 shipped"})]),
            (X, "Order A1 has shipped; I emailed you the details."),
        ],
        0,
        {},
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-201"},
    ),
    "ag-2": (
        "parallel_tools",
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        {},
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-202"},
    ),
    "ag-3": (
        "tool_error_handled",
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        {},
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-203"},
    ),
    "ag-4": (
        "tool_error_handled",
        "Is SKU-4 in stock?",
        [  # the error goes back to the model, which calls the tool again: a new call, not a framework retry
            (T, [("check_inventory", {"sku": "SKU-4"})]),
            (T, [("check_inventory", {"sku": "SKU-4"})]),
            (X, "Yes, 14 units of SKU-4."),
        ],
        1,
        {},
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-204"},
    ),
    "ag-5": (
        "model_error",
        "Where is order E5?",
        [RATE_LIMIT],
        0,
        {},
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-205"},
    ),
    "ag-6": (
        "model_error",
        "Refund 20 on order D4.",
        [(T, [("issue_refund", {"order_id": "D4", "amount": 20.0})]), OVERLOADED],
        0,
        {},
        {"task_type": "refund_request", "channel": "email", "customer_tier": "pro", "customer_id": "cust-206"},
    ),
    "ag-7": (
        "run_raises",
        "Tell me everything about orders F1 to F4.",
        [  # four tool iterations (the cap), then the reflection (tool_choice=none) asks for a tool again
            (T, [("lookup_order", {"order_id": "F1"})]),
            (T, [("lookup_order", {"order_id": "F2"})]),
            (T, [("lookup_order", {"order_id": "F3"})]),
            (T, [("lookup_order", {"order_id": "F4"})]),
            (T, [("escalate_ticket", {"reason": "customer wants every order"})]),
        ],
        0,
        {},
        {"task_type": "order_status", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-207"},
    ),
    "ag-8": (
        "tool_error_handled",
        "Where is order H8?",
        [  # malformed arguments: AutoGen answers the model with an error result without running the tool
            (T, [("lookup_order", '{"order_id": "H8"')]),
            (T, [("lookup_order", {"order_id": "H8"})]),
            (X, "Order H8 has shipped."),
        ],
        0,
        {},
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-208"},
    ),
    "ag-9": (
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        {},
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-209"},
    ),
    "ag-10": (
        "parallel_tools",
        "Refund 15 on G7 and email me the confirmation.",
        [
            (
                T,
                [
                    ("issue_refund", {"order_id": "G7", "amount": 15.0}),
                    ("send_email", {"to": "c11@example.com", "subject": "Refund on G7"}),
                ],
            ),
            (T, [("escalate_ticket", {"reason": "refund G7 follow-up"})]),
            (X, "Refunded 15.00 on G7, emailed you, and opened ticket T-1."),
        ],
        0,
        {},
        {"task_type": "refund_request", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-210"},
    ),
    "ag-11": (
        "plain",
        "Do you ship to Norway?",
        [(X, "Yes, we ship to Norway within five working days.")],
        0,
        {"stream": True},
        {"task_type": "faq", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-211"},
    ),
}


def agree_with_autogen(run: dict[str, Any], client_usage: RequestUsage, result: TaskResult | None) -> None:
    """AutoGen's own token accounting against what the scripted API returned."""
    fixture_kit.agree(
        run,
        input_tokens=client_usage.prompt_tokens,
        output_tokens=client_usage.completion_tokens,
        cached_input_tokens=None,  # RequestUsage has no cache counter
        reasoning_output_tokens=None,  # nor a reasoning counter
    )
    if result is None:
        return
    usages = [m.models_usage for m in result.messages if m.models_usage is not None]
    fixture_kit.agree(
        run,
        input_tokens=sum(u.prompt_tokens for u in usages),
        output_tokens=sum(u.completion_tokens for u in usages),
    )
    assert len(usages) == run["model_calls"], (run["task_id"], len(usages), run["model_calls"])
    requested = [c.id for m in result.messages if isinstance(m, ToolCallRequestEvent) for c in m.content]
    results = {r.call_id: r for m in result.messages if isinstance(m, ToolCallExecutionEvent) for r in m.content}
    assert requested == list(results), (run["task_id"], requested, list(results))
    attempted = [a["call"] for a in run["tool_attempts"]]
    for call_id, outcome in results.items():  # a call that never reached its tool got an error result
        assert call_id in attempted or outcome.is_error, (run["task_id"], call_id)
    assert set(attempted) <= set(results), (run["task_id"], attempted)


async def run_task(task: str) -> dict[str, Any]:
    scenario, prompt, plan, failures, options, cohorts = PLANS[task]
    run = fixture_kit.new_run(task, scenario, AGENT, **cohorts)
    STATE.update(run=run, plan=list(plan), call_seq=0, inventory_failures=failures)
    attributes = {
        "gen_ai.conversation.id": task,
        **{f"agent_kpis.{key}": value for key, value in cohorts.items()},
    }
    result: TaskResult | None = None
    client: OpenAIChatCompletionClient | None = None
    try:
        with app_tracer.start_as_current_span("support_request", attributes=attributes):
            agent, client = make_agent(options.get("stream", False))
            result = await agent.run(task=prompt)
        run.update(outcome="completed", error_type=None)
    except Exception as exc:
        run.update(outcome="failed", error_type=type(exc).__name__)
    assert not STATE["plan"], (task, "unused model steps", STATE["plan"])
    assert client is not None
    agree_with_autogen(run, client.total_usage(), result)
    await client.close()
    return run


async def main() -> list[dict[str, Any]]:
    return [await run_task(task) for task in PLANS]


if __name__ == "__main__":
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    runs = asyncio.run(main())
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "opentelemetry_genai",
        runs,
        distributions=[
            "autogen-agentchat",
            "autogen-core",
            "autogen-ext",
            "openai",
            "opentelemetry-instrumentation-openai",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            "reasoning_output_tokens": {
                "reason": (
                    "the streamed call's span (OpenLLMetry's openai instrumentor, ChatStream) carries "
                    "gen_ai.usage.input_tokens / output_tokens / cache_read.input_tokens but no reasoning "
                    "attribute; non-streaming chat spans carry it as gen_ai.usage.reasoning_tokens "
                    "(OpenLLMetry's key, not the GenAI gen_ai.usage.reasoning.output_tokens); AutoGen's own "
                    "spans carry no usage at all"
                ),
                "runs": ["ag-11"],
            },
        },
        unsupported_scenarios={
            "tool_retried": (
                "AutoGen has no tool retry: AssistantAgent runs each tool call once through its workbench "
                "and hands an exception back to the model as FunctionExecutionResult(is_error=True); a "
                "second execution only happens when the model asks again, under a new call id (ag-4). "
                "(CodeExecutorAgent's max_retries_on_error regenerates code with the model, runs no tool "
                "and writes no execute_tool span.)"
            ),
            "retries_exhausted": "no tool retry in AutoGen (see tool_retried), so no retry to exhaust",
            "guardrail_tripped": (
                "AgentChat has no guardrail primitive (no input/output/tool guardrail hook on AssistantAgent) "
                "and AutoGen's tracing has no guardrail span; autogen_core's InterventionHandler intercepts "
                "runtime messages of teams only and records nothing"
            ),
            "evaluated": "AutoGen's tracing and OpenLLMetry's openai instrumentor record no evaluation",
        },
    )
