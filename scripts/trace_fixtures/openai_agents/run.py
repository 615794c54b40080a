"""The OpenAI Agents SDK 0.24 traced with openinference-instrumentation-openai-agents 2.6 (OpenInference), offline.

    .venv-traces/openai_agents/bin/python scripts/trace_fixtures/openai_agents/run.py

One agent, `billing-agent` (service `billing-bot`), on `OpenAIResponsesModel("gpt-4o-mini")` whose
`AsyncOpenAI` client (max_retries=0) sits on an `httpx.MockTransport` that answers the Responses API
from each task's plan: `function_call` output items (two in one response are a parallel call), a
`message`, or an HTTP 429 / 500 error. Usage per call is distinct: `input_tokens_details.cached_tokens`
on later calls, `output_tokens_details.reasoning_tokens` on some calls of the newer runs.

oa-1..oa-3 are the runs of the former scripts/trace_fixtures.py, unchanged (prompts, plans, the tools
refund / charge_card, the input guardrail no_card_numbers, cohorts, the usage formula). The newer runs
use a clone of the agent with more tools and an output guardrail. The SDK's own mechanisms only:

* handled tool error: the SDK's default `failure_error_function` hands a fixed "An error occurred
  while running the tool. Please try again." back to the model (oa-2); a tool's own
  `failure_error_function` hands back the exception's text (oa-6), and the model calls again;
* an unhandled tool error: `failure_error_function=None` lets the exception end the run (oa-10);
* model retry: the runner-managed `ModelSettings(retry=ModelRetrySettings(...))` (no back-off delay)
  retries a 429 and succeeds (oa-7), retries a 500 once and gives up (oa-8);
* tool retry: the SDK has NO retry for function tools; its only tool retry is an MCP server's
  `max_retry_attempts` (re-sends `call_tool` when it raises). oa-14 / oa-15 use it on an in-process
  MCP server (the `mcp` package's `MCPServer`, handed in process to `mcp.Client` in place of a
  subprocess: `create_streams` of `MCPServerStdio` is the one thing overridden). The SDK's
  `tool_meta_resolver` sends the model's call id to the server as MCP `_meta`, so the server tool
  records its attempts under it;
* guardrails: the input guardrail `no_card_numbers` (every run), the output guardrail
  `no_guarantees` (newer runs), the tool input guardrail `credit_limit` on `issue_credit`
  (`reject_content`: the tool does not run and the model gets the message);
* a run that raises: MaxTurnsExceeded (oa-9), the unhandled tool error (oa-10), the 500 (oa-8), the
  tripped guardrails.

Tracing: `OpenAIAgentsInstrumentor().instrument(tracer_provider=...)` with fixture_kit's provider (its
exclusive processor replaces the SDK's default exporter to OpenAI's backend: nothing phones home).
The task id is OpenInference's `using_session(task)`, the cohorts `using_metadata({...})` (customer_id
too) and, for the newer runs, `using_user(customer_id)`. OpenInference has no
OTEL_SEMCONV_STABILITY_OPT_IN switch.

Ground truth: the outcome is what `Runner.run` did; per call what the fake transport answered; the
SDK's own `result.context_wrapper.usage` (or the raised exception's `run_data.context_wrapper.usage`)
must agree: requests (the runner counts retried attempts), tokens, cached and reasoning details,
and the per-request `request_usage_entries`. A raw openai error (oa-8's 500) carries no run_data: there
the count is the transport's. Tools record each execution under `ToolContext.tool_call_id`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx2 as httpx
from agents import (
    Agent,
    GuardrailFunctionOutput,
    ModelSettings,
    OpenAIResponsesModel,
    RunContextWrapper,
    Runner,
    ToolGuardrailFunctionOutput,
    function_tool,
    input_guardrail,
    output_guardrail,
    tool_input_guardrail,
)
from agents.exceptions import AgentsException
from agents.mcp import MCPServerStdio, MCPToolMetaContext
from agents.retry import ModelRetrySettings, retry_policies
from agents.tool_context import ToolContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from openai import AsyncOpenAI
from openinference.instrumentation import using_metadata, using_session, using_user
from openinference.instrumentation.openai_agents import OpenAIAgentsInstrumentor

import fixture_kit

NAME = "openai_agents"
AGENT = "billing-agent"
MODEL = "gpt-4o-mini"

provider = fixture_kit.tracer_provider(NAME, "billing-bot", "1.4.0")
OpenAIAgentsInstrumentor().instrument(tracer_provider=provider)

STATE: dict[str, Any] = {}
logging.getLogger("httpx2").setLevel(logging.WARNING)  # one INFO line per fake request otherwise


# ------------------------------------------------------------------ the fake Responses API
def usage_for(n: int) -> tuple[int, int, int, int]:
    """(input, output, cached, reasoning) of the run's n-th model request. oa-1..oa-3 keep the former
    formula; the newer runs are offset by their number k and carry reasoning tokens on odd calls."""
    k = STATE["k"]
    if k <= 3:
        return 200 * n + 3, 5 + n, 64 if n > 1 else 0, 0
    return 1000 * k + 200 * n + 3, 10 * k + 5 + n, 64 + k if n > 1 else 0, 2 + n if n % 2 else 0


def handler(request: httpx.Request) -> httpx.Response:
    """The Responses API, answered from the task's plan: ("tools", [(name, args), ...]), a text, or
    ("status", code)."""
    run = STATE["run"]
    step = STATE["plan"].pop(0)
    STATE["requests"] += 1
    r = STATE["requests"]
    task = run["task_id"]
    if isinstance(step, tuple) and step[0] == "status":
        fixture_kit.model_error(run)
        code = step[1]
        kind = {429: "rate_limit_exceeded", 500: "server_error"}[code]
        message = {429: "Rate limit reached for gpt-4o-mini.", 500: "The server had an error."}[code]
        body = {"error": {"message": message, "type": kind, "param": None, "code": kind}}
        return httpx.Response(code, json=body, headers={"x-request-id": f"req_{task}_{r}"})
    STATE["calls"] += 1
    n = STATE["calls"]
    if isinstance(step, tuple):
        calls = step[1]
        items = []
        for i, (name, args) in enumerate(calls):
            suffix = "abcdef"[i] if len(calls) > 1 else ""
            items.append({"type": "function_call", "id": f"fc_{n}{suffix}", "call_id": f"{task}-call-{n}{suffix}",
                          "name": name, "arguments": json.dumps(args), "status": "completed"})  # fmt: skip
    else:
        items = [{"type": "message", "id": f"msg_{n}", "status": "completed", "role": "assistant",
                  "content": [{"type": "output_text", "text": step, "annotations": []}]}]  # fmt: skip
    input_tokens, output_tokens, cached, reasoning = usage_for(n)
    fixture_kit.model_call(run, input_tokens, output_tokens, cached=cached, reasoning=reasoning)
    usage = {"input_tokens": input_tokens, "input_tokens_details": {"cached_tokens": cached},
             "output_tokens": output_tokens, "output_tokens_details": {"reasoning_tokens": reasoning},
             "total_tokens": input_tokens + output_tokens}  # fmt: skip
    body = {"id": f"resp_{n}", "object": "response", "created_at": int(time.time()), "status": "completed",
            "model": MODEL, "output": items, "usage": usage, "parallel_tool_calls": True,
            "tool_choice": "auto", "tools": [], "error": None, "incomplete_details": None, "instructions": None,
            "metadata": {}, "temperature": 1.0, "top_p": 1.0, "text": {"format": {"type": "text"}}}  # fmt: skip
    return httpx.Response(200, json=body)


client = AsyncOpenAI(
    api_key="offline",
    base_url="http://fake.invalid/v1",
    max_retries=0,  # one HTTP request per model attempt: retries are the SDK runner's own
    http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
)
model = OpenAIResponsesModel(model=MODEL, openai_client=client)


# ------------------------------------------------------------------ tools
def attempt(tool: str, ctx: ToolContext[Any], ok: bool) -> None:
    """What the tool saw of its own execution, under the call id the SDK handed it."""
    fixture_kit.tool_attempt(STATE["run"], tool, ctx.tool_call_id, ok)


@function_tool
def refund(ctx: ToolContext[Any], amount: int) -> str:
    """Refund an amount in USD."""
    attempt("refund", ctx, True)
    return f"refunded {amount}"


@function_tool
def charge_card(ctx: ToolContext[Any], amount: int) -> str:
    """Charge the card on file."""
    attempt("charge_card", ctx, False)
    raise ConnectionError("payment gateway unreachable")


@function_tool
def lookup_invoice(ctx: ToolContext[Any], invoice_id: str) -> str:
    """Look up an invoice."""
    attempt("lookup_invoice", ctx, True)
    return f"invoice {invoice_id}: 48 USD, paid"


@function_tool
def get_balance(ctx: ToolContext[Any], account_id: str) -> str:
    """The account's open balance."""
    attempt("get_balance", ctx, True)
    return f"account {account_id}: 0 USD open"


def describe_failure(ctx: RunContextWrapper[Any], error: Exception) -> str:
    """A tool's own failure_error_function: the model sees what went wrong."""
    return f"update_address failed: {error}"


@function_tool(failure_error_function=describe_failure)
def update_address(ctx: ToolContext[Any], postcode: str) -> str:
    """Change the billing address's postcode."""
    if not postcode.isdigit():
        attempt("update_address", ctx, False)
        raise ValueError(f"postcode {postcode!r} is not numeric")
    attempt("update_address", ctx, True)
    return f"postcode set to {postcode}"


@function_tool(failure_error_function=None)
def close_account(ctx: ToolContext[Any], account_id: str) -> str:
    """Close the account (its errors are not handled: they end the run)."""
    attempt("close_account", ctx, False)
    raise PermissionError(f"account {account_id} has a pending dispute")


@tool_input_guardrail
def credit_limit(data: Any) -> ToolGuardrailFunctionOutput:
    """A tool input guardrail: credits above 100 USD are rejected before the tool runs."""
    amount = json.loads(data.context.tool_arguments or "{}").get("amount", 0)
    tripped = amount > 100
    STATE["run"]["guardrails"].append({"guardrail": "credit_limit", "triggered": tripped})
    if tripped:
        return ToolGuardrailFunctionOutput.reject_content("credits above 100 USD need a supervisor")
    return ToolGuardrailFunctionOutput.allow()


@function_tool(tool_input_guardrails=[credit_limit])
def issue_credit(ctx: ToolContext[Any], amount: int) -> str:
    """Credit the account."""
    attempt("issue_credit", ctx, True)
    return f"credited {amount}"


# ------------------------------------------------------------------ an in-process MCP server (the SDK's tool retry)
mcp_server = MCPServer("ledger")


def mcp_attempt(tool: str, context: Context, ok: bool) -> None:
    meta = context.request_context.meta or {}
    call = meta.get("tool_call_id") if isinstance(meta, dict) else getattr(meta, "tool_call_id", None)
    assert call, meta
    fixture_kit.tool_attempt(STATE["run"], tool, call, ok)


@mcp_server.tool()
def ledger_entries(account_id: str, context: Context) -> str:
    """The account's ledger entries (a flaky service)."""
    if STATE["ledger_failures"] > 0:
        STATE["ledger_failures"] -= 1
        mcp_attempt("ledger_entries", context, False)
        raise MCPError(code=-32603, message="ledger service timed out")
    mcp_attempt("ledger_entries", context, True)
    return f"account {account_id}: 3 entries, last a 48 USD payment"


class InProcessMCPServer(MCPServerStdio):
    """The SDK's MCP server client with its stdio subprocess replaced by `mcp_server` in process: the SDK
    hands what create_streams returns to `mcp.Client(...)`, which connects a server object in process
    (its documented in-memory use). Nothing else is changed: session, call_tool and its retries."""

    def create_streams(self) -> Any:  # type: ignore[override]
        return mcp_server


def call_id_meta(context: MCPToolMetaContext) -> dict[str, Any]:
    """The SDK's tool_meta_resolver: the model's call id goes to the server as MCP `_meta`."""
    run_context = context.run_context
    assert isinstance(run_context, ToolContext), run_context
    return {"tool_call_id": run_context.tool_call_id}


ledger = InProcessMCPServer(
    params={"command": "unused-in-process"},
    name="ledger",
    cache_tools_list=True,
    max_retry_attempts=2,  # the SDK re-sends a failed call_tool twice
    retry_backoff_seconds_base=0.0,
    tool_meta_resolver=call_id_meta,
)


# ------------------------------------------------------------------ guardrails
@input_guardrail
async def no_card_numbers(ctx: Any, agent: Any, user_input: Any) -> GuardrailFunctionOutput:
    tripped = "card" in str(user_input)
    STATE["run"]["guardrails"].append({"guardrail": "no_card_numbers", "triggered": tripped})
    return GuardrailFunctionOutput(output_info={"tripped": tripped}, tripwire_triggered=tripped)


@output_guardrail
async def no_guarantees(ctx: Any, agent: Any, output: Any) -> GuardrailFunctionOutput:
    tripped = "guarantee" in str(output).lower()
    STATE["run"]["guardrails"].append({"guardrail": "no_guarantees", "triggered": tripped})
    return GuardrailFunctionOutput(output_info={"tripped": tripped}, tripwire_triggered=tripped)


# ------------------------------------------------------------------ agents
agent = Agent(name=AGENT, instructions="Resolve billing questions.", tools=[refund, charge_card],
              model=model, input_guardrails=[no_card_numbers])  # fmt: skip
NEW_TOOLS = [refund, charge_card, lookup_invoice, get_balance, update_address, close_account, issue_credit]
support_agent = agent.clone(tools=NEW_TOOLS, output_guardrails=[no_guarantees])
mcp_agent = agent.clone(tools=NEW_TOOLS, output_guardrails=[no_guarantees], mcp_servers=[ledger])


def with_model_retry(base: Agent[Any], max_retries: int) -> Agent[Any]:
    """The runner-managed model retry: status 429/500 retried, no back-off delay."""
    retry = ModelRetrySettings(
        max_retries=max_retries,
        backoff={"initial_delay": 0.0, "max_delay": 0.0, "multiplier": 1.0, "jitter": False},
        policy=retry_policies.http_status([429, 500]),
    )
    return base.clone(model_settings=ModelSettings(retry=retry))


T = "tools"


def tools(*calls: tuple[str, dict[str, Any]]) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    return (T, list(calls))


# task -> (scenario, prompt, plan, agent, run options, ledger failures, cohorts). oa-1 calls ONE tool (kept as
# the former script had it): no SCENARIOS name fits it better than several_tools.
PLANS: dict[str, tuple[str, str, list[Any], Agent[Any], dict[str, Any], int, dict[str, str | None]]] = {
    "oa-1": ("several_tools", "refund my 12 dollars", [tools(("refund", {"amount": 12})), "Refunded 12 USD."],
             agent, {}, 0, {"task_type": "refund_request", "channel": "chat", "customer_tier": "pro"}),
    "oa-2": ("tool_error_handled", "charge 30",
             [tools(("charge_card", {"amount": 30})), "The payment gateway is down, try later."],
             agent, {}, 0, {"task_type": "payment", "channel": "api", "customer_tier": "free"}),
    "oa-3": ("guardrail_tripped", "my card 4111 1111 1111 1111 was charged twice", ["never asked"],
             agent, {}, 0, {"task_type": "refund_request", "channel": "chat", "customer_tier": "free"}),
    "oa-4": ("several_tools", "Invoice INV-7 was charged twice: refund the duplicate.",
             [tools(("lookup_invoice", {"invoice_id": "INV-7"})), tools(("refund", {"amount": 48})),
              "INV-7 was paid twice; I refunded the duplicate 48 USD."],
             support_agent, {}, 0,
             {"task_type": "refund_request", "channel": "email", "customer_tier": "pro", "customer_id": "cust-204"}),
    "oa-5": ("parallel_tools", "Is invoice INV-8 paid, and do I owe anything on account A-5?",
             [tools(("lookup_invoice", {"invoice_id": "INV-8"}), ("get_balance", {"account_id": "A-5"})),
              "INV-8 is paid and account A-5 has nothing open."],
             support_agent, {}, 0,
             {"task_type": "billing_question", "channel": "chat", "customer_tier": "free", "customer_id": "cust-205"}),
    "oa-6": ("tool_error_handled", "Change my billing postcode to 1O115.",
             [tools(("update_address", {"postcode": "1O115"})), tools(("update_address", {"postcode": "10115"})),
              "Your billing postcode is now 10115."],
             support_agent, {}, 0,
             {"task_type": "account_change", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-206"}),
    "oa-7": ("model_error", "What is my balance on account A-7?",
             [("status", 429), tools(("get_balance", {"account_id": "A-7"})), "Account A-7 has nothing open."],
             with_model_retry(support_agent, 2), {}, 0,
             {"task_type": "billing_question", "channel": "api", "customer_tier": "enterprise",
              "customer_id": "cust-207"}),
    "oa-8": ("model_error", "Refund invoice INV-9.", [("status", 500), ("status", 500)],
             with_model_retry(support_agent, 1), {}, 0,
             {"task_type": "refund_request", "channel": "email", "customer_tier": "free", "customer_id": "cust-208"}),
    "oa-9": ("run_raises", "List every invoice I ever had.",
             [tools(("lookup_invoice", {"invoice_id": "INV-1"})), tools(("lookup_invoice", {"invoice_id": "INV-2"}))],
             support_agent, {"max_turns": 2}, 0,
             {"task_type": "billing_question", "channel": "chat", "customer_tier": "enterprise",
              "customer_id": "cust-209"}),
    "oa-10": ("run_raises", "Close account A-10.", [tools(("close_account", {"account_id": "A-10"}))],
              support_agent, {}, 0,
              {"task_type": "account_change", "channel": "api", "customer_tier": "pro", "customer_id": "cust-210"}),
    "oa-11": ("guardrail_tripped", "Will my refund for INV-11 arrive by Friday?",
              [tools(("lookup_invoice", {"invoice_id": "INV-11"})), "I guarantee it arrives by Friday."],
              support_agent, {}, 0,
              {"task_type": "refund_request", "channel": "chat", "customer_tier": "free", "customer_id": "cust-211"}),
    "oa-12": ("guardrail_tripped", "Credit 250 USD to my account for the outage.",
              [tools(("issue_credit", {"amount": 250})), tools(("issue_credit", {"amount": 100})),
               "I credited 100 USD; a supervisor must approve more."],
              support_agent, {}, 0,
              {"task_type": "account_change", "channel": "email", "customer_tier": "enterprise",
               "customer_id": "cust-212"}),
    "oa-13": ("plain", "What payment methods do you accept?", ["Cards, bank transfer and invoices."],
              support_agent, {}, 0,
              {"task_type": "faq", "channel": "chat", "customer_tier": "free", "customer_id": "cust-213"}),
    "oa-14": ("tool_retried", "Show my ledger for account A-14.",
              [tools(("ledger_entries", {"account_id": "A-14"})), "Account A-14 has 3 entries, the last a payment."],
              mcp_agent, {}, 2,
              {"task_type": "billing_question", "channel": "api", "customer_tier": "pro", "customer_id": "cust-214"}),
    "oa-15": ("retries_exhausted", "Show my ledger for account A-15.",
              [tools(("ledger_entries", {"account_id": "A-15"})), "The ledger service is down; please try later."],
              mcp_agent, {}, 3,
              {"task_type": "billing_question", "channel": "chat", "customer_tier": "free", "customer_id": "cust-215"}),
}  # fmt: skip


def agree_with_sdk(run: dict[str, Any], usage: Any) -> None:
    """The SDK's own usage against what the fake transport answered."""
    assert usage.requests == run["model_calls"], (run["task_id"], usage.requests, run["model_calls"])
    fixture_kit.agree(
        run,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cached_input_tokens=usage.input_tokens_details.cached_tokens,
        reasoning_output_tokens=usage.output_tokens_details.reasoning_tokens,
    )
    entries = [e for e in usage.request_usage_entries if e.input_tokens or e.output_tokens]
    if entries:  # per request, as the SDK kept it (a retried attempt leaves a zero entry)
        seen = [(e.input_tokens, e.output_tokens, e.input_tokens_details.cached_tokens,
                 e.output_tokens_details.reasoning_tokens) for e in entries]  # fmt: skip
        assert seen == [tuple(c.values()) for c in run["calls"]], (run["task_id"], seen, run["calls"])


NOT_CARRIED: dict[str, Any] = {
    "tool_attempts": {
        "reason": "an MCP server's retries (max_retry_attempts) happen inside one SDK function span, so there is "
        "ONE TOOL span per logical call whatever the attempts (oa-14: 3 attempts, one OK span; oa-15: 3 failed "
        "attempts, one ERROR span); and a call rejected by a tool input guardrail (reject_content, oa-12) still "
        "records a TOOL span, status OK, output.value = the rejection message, though the function never ran",
        "runs": ["oa-12", "oa-14", "oa-15"],
    },
    "tool_attempts.call": "TOOL spans carry no tool_call.id: the call id is only on LLM spans "
    "(llm.output_messages.0.message.tool_calls.<i>.tool_call.id and output.value $.output[i].call_id of the "
    "response that asked; llm.input_messages.<k>.message.tool_call_id / .tool_calls.0.tool_call.id and "
    "input.value $[i].call_id of the next one); a TOOL span matches its call only by order under the turn",
    "guardrails": {
        "reason": "tool input guardrails make no span at all; input and output guardrails have GUARDRAIL spans "
        "that carry no triggered attribute and always end OK, a trip showing only as the ERROR status "
        "'Guardrail tripwire triggered: {'guardrail': <name>}' of the enclosing span (the turn span for an "
        "input guardrail, the agent span for an output guardrail)",
        "runs": ["oa-12"],
    },
    "error_type": "no exception events and no error.type: a failed span has only a status message such as "
    "'Error in agent run: {'error': 'Error code: 500 - ...'}' or 'Max turns exceeded: {'max_turns': 2}', "
    "never the exception class (InternalServerError, MaxTurnsExceeded, UserError, ...)",
}


async def main() -> None:
    runs = []
    await ledger.connect()
    try:
        for k, (task, (scenario, prompt, plan, run_agent, options, ledger_failures, cohorts)) in enumerate(
            PLANS.items(), start=1
        ):
            run = fixture_kit.new_run(task, scenario, AGENT, **cohorts)
            STATE.update(run=run, k=k, plan=list(plan), requests=0, calls=0, ledger_failures=ledger_failures)
            with ExitStack() as stack:
                stack.enter_context(using_session(task))
                stack.enter_context(using_metadata(cohorts))
                if cohorts.get("customer_id"):
                    stack.enter_context(using_user(cohorts["customer_id"]))
                try:
                    result = await Runner.run(run_agent, prompt, **options)
                    run.update(outcome="completed", error_type=None)
                    usage = result.context_wrapper.usage
                except AgentsException as exc:  # the run raised: the SDK's own verdict
                    run.update(outcome="failed", error_type=type(exc).__name__)
                    usage = exc.run_data.context_wrapper.usage if exc.run_data else None
                except Exception as exc:  # a model error the runner did not wrap
                    run.update(outcome="failed", error_type=type(exc).__name__)
                    usage = None
            if usage is not None and usage.requests:
                agree_with_sdk(run, usage)
            else:
                assert not run["calls"], (task, run["calls"])
            if task != "oa-3":
                assert not STATE["plan"], (task, STATE["plan"])
            runs.append(run)
            print(task, run["outcome"], run["error_type"], run["model_calls"], len(run["tool_attempts"]))
    finally:
        await ledger.cleanup()

    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "openinference",
        runs,
        distributions=[
            "openai-agents",
            "openai",
            "mcp",
            "openinference-instrumentation-openai-agents",
            "openinference-instrumentation",
            "openinference-semantic-conventions",
            "opentelemetry-api",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried=NOT_CARRIED,
        unsupported_scenarios={
            "evaluated": "the Agents SDK has no evaluation facility and its OpenInference instrumentation "
            "makes no EVALUATOR span nor annotation: no evaluation result exists to record",
        },
    )


if __name__ == "__main__":
    asyncio.run(main())
