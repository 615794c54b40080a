"""pydantic-ai 2.68 with its own OpenTelemetry instrumentation (GenAI conventions), run offline.

    .venv-traces/pydantic_ai/bin/python scripts/trace_fixtures/pydantic_ai/run.py

`Agent.instrument_all(InstrumentationSettings(tracer_provider=...))` on the README's exporter set-up
(fixture_kit.tracer_provider), instrumentation data format version 5 (the default). pydantic-ai reads no
`OTEL_SEMCONV_STABILITY_OPT_IN`: its format is chosen by `InstrumentationSettings(version=...)`, kept at
the default so the five original runs keep their shape. A NAMED agent (`Agent(name="support-agent")`)
driven by pydantic-ai's offline `FunctionModel` (model name `fn-support-model`), which answers each run
from a plan: a tool call, two tool calls in one `ModelResponse` (parallel), a text, or a 503
`ModelHTTPError`. Usage per request is `RequestUsage(input_tokens=100n+7, output_tokens=10+n,
cache_read_tokens=40 from the second request on)`, n counting the run's requests; from pa-6 on some
requests also report reasoning tokens the way pydantic-ai's OpenAI adapter does
(`output_reasoning_tokens` plus `details["reasoning_tokens"]`, both inside `output_tokens`).

pydantic-ai's own mechanisms only:

* tool retry: the tool raises `ModelRetry`; pydantic-ai sends a retry prompt to the model, which calls
  the tool again under a NEW tool call id; the tool's retry budget (`retries`) counts it (`ctx.retry`);
* retries exhausted: past its budget (`@agent.tool(retries=2)`) pydantic-ai raises
  `UnexpectedModelBehavior("Tool ... exceeded max retries count of 2")` and the run fails;
* handled tool error: the tool raises `ToolFailed` (documented: "a terminal tool failure the model
  should see but not retry"); the model reads it and answers;
* model error: the model raises `ModelHTTPError(503)`; alone it fails the run (pa-5); with a
  capability whose `on_model_request_error` raises `RetryModelRequest` (the pattern of pydantic-ai's
  docs) the same request is attempted again and the run completes (pa-12): the failed attempt is an ERROR
  child span `model request attempt fn-support-model` of the `chat` span, and `ModelResponse.failed_attempts`
  in the framework's own history;
* a run that raises: an unhandled `PermissionError` in a tool (pa-4) and `UsageLimitExceeded` from
  `UsageLimits(request_limit=2)` (pa-9);
* "guardrail": pydantic-ai has no guardrail primitive; its output validator (`@agent.output_validator`
  raising `ModelRetry`) is the documented check of the final answer, used here as an output guardrail.

Task id: `conversation_id=` of `agent.run_sync` (-> `gen_ai.conversation.id` on the agent, chat and tool
spans); cohorts: `metadata=` of the run (-> `metadata` JSON on the agent span). The tools of pa-6 on are
passed per run (`toolsets=`), so the first five runs offer the model the same four tools as before.
Ground truth: the outcome is what `run_sync` did; usage totals come from `result.usage` and must agree
with what the scripted model returned, and `usage.requests` plus the responses' `failed_attempts` must
equal the requests it got; each tool records its own execution under `ctx.tool_call_id` (RunContext), an
attempt with `ctx.retry > 0` under the call id of the first attempt of that tool (the framework counts it
as a retry of the same call, though the model gave it a new id).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from pydantic_ai import Agent, ModelRetry, RunContext, ToolFailed
from pydantic_ai.capabilities import AbstractCapability
from pydantic_ai.exceptions import ModelHTTPError, RetryModelRequest
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
from pydantic_ai.models import ModelRequestContext
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.models.instrumented import InstrumentationSettings
from pydantic_ai.toolsets import FunctionToolset
from pydantic_ai.usage import RequestUsage, UsageLimits

import fixture_kit

NAME = "pydantic_ai"
AGENT = "support-agent"
MODEL = "fn-support-model"

provider = fixture_kit.tracer_provider(NAME, "support-bot", "1.0.0")
Agent.instrument_all(InstrumentationSettings(tracer_provider=provider))

# per task: scenario, cohorts (task_type, channel, customer_id, customer_tier), the model's steps in order:
# (tool, args) one tool call, [(tool, args), ...] parallel tool calls in one response, "fail" a 503, a str the answer
RUNS: dict[str, dict[str, Any]] = {
    "pa-1": {  # ModelRetry goes back to the model, which calls the tool again
        "scenario": "tool_retried",
        "cohorts": ("order_status", "chat", "cust-1", "pro"),
        "plan": [("lookup_order", {"order": "A1"}), ("lookup_order", {"order": "A-1"}), "Your order has shipped."],
    },
    "pa-2": {
        "scenario": "several_tools",
        "cohorts": ("refund_request", "email", "cust-2", "free"),
        "plan": [("lookup_order", {"order": "B2"}), ("issue_refund", {"amount": 20}), "Refunded."],
    },
    "pa-3": {  # two ModelRetry, then success
        "scenario": "tool_retried",
        "cohorts": ("order_status", "chat", "cust-3", "free"),
        "plan": [("flaky_inventory", {"sku": "X"})] * 3 + ["In stock."],
    },
    "pa-4": {  # PermissionError in the tool: pydantic-ai does not catch it
        "scenario": "run_raises",
        "cohorts": ("order_status", "api", "cust-1", "pro"),
        "plan": [("cancel_order", {"order": "C3"}), "Cancelled."],
    },
    "pa-5": {
        "scenario": "model_error",
        "cohorts": ("refund_request", "chat", "cust-4", "enterprise"),
        "plan": ["fail"],
    },
    "pa-6": {
        "scenario": "parallel_tools",
        "cohorts": ("order_status", "email", "cust-5", "pro"),
        "extra_tools": True,
        "plan": [[("shipping_eta", {"order": "D4"}), ("check_stock", {"sku": "Y"})], "Arrives Friday; Y in stock."],
        "reasoning": True,
    },
    "pa-7": {  # reserve_slot allows 2 retries and raises ModelRetry 3 times
        "scenario": "retries_exhausted",
        "cohorts": ("booking", "chat", "cust-6", "free"),
        "extra_tools": True,
        "plan": [
            ("reserve_slot", {"day": "mon"}),
            ("reserve_slot", {"day": "tue"}),
            ("reserve_slot", {"day": "wed"}),
            "never reached",
        ],
    },
    "pa-8": {  # ToolFailed: the model sees the failure and answers
        "scenario": "tool_error_handled",
        "cohorts": ("refund_request", "api", "cust-2", "free"),
        "extra_tools": True,
        "plan": [("refund_status", {"order": "E5"}), "I could not find a refund for order E5."],
        "reasoning": True,
    },
    "pa-9": {  # UsageLimits(request_limit=2): the third request is refused before it is sent
        "scenario": "run_raises",
        "cohorts": ("order_status", "chat", "cust-7", "enterprise"),
        "extra_tools": True,
        "plan": [("shipping_eta", {"order": "F6"}), ("check_stock", {"sku": "Z"}), "never reached"],
        "usage_limits": UsageLimits(request_limit=2),
    },
    "pa-10": {
        "scenario": "plain",
        "cohorts": ("faq", "chat", None, "free"),
        "plan": ["We are open 9:00-17:00, Monday to Friday."],
        "reasoning": True,
    },
    "pa-11": {  # the output validator rejects an answer quoting an internal ticket id, accepts the next
        "scenario": "guardrail_tripped",
        "cohorts": ("order_status", "email", "cust-8", "pro"),
        "plan": ["Your case INT-4471 is escalated.", "Your case is escalated to our shipping team."],
        "agent": "guarded",
    },
    "pa-12": {  # a 503, retried by the RetryOnOverload capability (RetryModelRequest), then the answer
        "scenario": "model_error",
        "cohorts": ("refund_request", "api", "cust-4", "enterprise"),
        "plan": ["fail", ("lookup_order", {"order": "G7"}), "Order G7 has shipped."],
        "capabilities": "retry_on_overload",
        "reasoning": True,
    },
}

STATE: dict[str, Any] = {}


def scripted_model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    run = STATE["run"]
    task = run["task_id"]
    step = STATE["plan"].pop(0)
    STATE["requests"] += 1
    n = STATE["requests"]
    if step == "fail":
        fixture_kit.model_error(run)
        raise ModelHTTPError(503, MODEL, body={"error": "overloaded"})
    reasoning = 4 + n if STATE["reasoning"] and n % 2 == 1 else 0
    cached = 40 if n > 1 else 0
    usage = RequestUsage(input_tokens=100 * n + 7, output_tokens=10 + n, cache_read_tokens=cached)
    if reasoning:  # as pydantic-ai's OpenAI adapter reports them: the typed field and the provider's detail
        usage.output_reasoning_tokens = reasoning
        usage.details["reasoning_tokens"] = reasoning
    fixture_kit.model_call(run, usage.input_tokens, usage.output_tokens, cached=cached, reasoning=reasoning)
    if isinstance(step, tuple):
        name, args = step
        return ModelResponse(parts=[ToolCallPart(name, args, tool_call_id=f"{task}-call-{n}")], usage=usage)
    if isinstance(step, list):
        ids = [f"{task}-call-{n}{letter}" for letter in "ab"]
        parts = [ToolCallPart(name, args, tool_call_id=i) for i, (name, args) in zip(ids, step, strict=False)]
        return ModelResponse(parts=parts, usage=usage)
    return ModelResponse(parts=[TextPart(step)], usage=usage)


def attempt(ctx: RunContext[None], tool: str, ok: bool) -> None:
    """What the tool saw of its own execution. pydantic-ai gives a retried call a new tool call id, but
    counts it as a retry of the same call (ctx.retry > 0): it keeps the call id of the tool's first attempt."""
    assert ctx.tool_call_id and ctx.tool_name == tool
    if ctx.retry == 0:
        STATE["logical_call"][tool] = ctx.tool_call_id
    fixture_kit.tool_attempt(STATE["run"], tool, STATE["logical_call"][tool], ok)


def tried(tool: str) -> int:
    return sum(a["tool"] == tool for a in STATE["run"]["tool_attempts"])


def add_tools(agent: Agent[None, str]) -> None:
    """The four tools of the first five runs (tool_plain in the old script, now with RunContext)."""

    @agent.tool
    def lookup_order(ctx: RunContext[None], order: str) -> str:
        if STATE["run"]["task_id"] == "pa-1" and not tried("lookup_order"):
            attempt(ctx, "lookup_order", False)
            raise ModelRetry("order not found, check the number")
        attempt(ctx, "lookup_order", True)
        return "shipped"

    @agent.tool
    def issue_refund(ctx: RunContext[None], amount: int) -> str:
        attempt(ctx, "issue_refund", True)
        return f"refunded {amount}"

    @agent.tool
    def flaky_inventory(ctx: RunContext[None], sku: str) -> str:
        if tried("flaky_inventory") < 2:
            attempt(ctx, "flaky_inventory", False)
            raise ModelRetry("inventory service timed out")
        attempt(ctx, "flaky_inventory", True)
        return "in stock"

    @agent.tool
    def cancel_order(ctx: RunContext[None], order: str) -> str:
        attempt(ctx, "cancel_order", False)
        raise PermissionError("order is already with the carrier")


# the tools of the later runs, passed per run (`toolsets=`), so the first five runs offer the model the four
# tools they always did (gen_ai.tool.definitions unchanged)
EXTRA: FunctionToolset[None] = FunctionToolset()


# async: the two calls of one response run concurrently on the event loop, in a fixed order
@EXTRA.tool
async def shipping_eta(ctx: RunContext[None], order: str) -> str:
    attempt(ctx, "shipping_eta", True)
    return "friday"


@EXTRA.tool
async def check_stock(ctx: RunContext[None], sku: str) -> str:
    attempt(ctx, "check_stock", True)
    return "12 in stock"


@EXTRA.tool(retries=2)
def reserve_slot(ctx: RunContext[None], day: str) -> str:
    attempt(ctx, "reserve_slot", False)
    raise ModelRetry(f"no slot free on {day}")


@EXTRA.tool
def refund_status(ctx: RunContext[None], order: str) -> str:
    attempt(ctx, "refund_status", False)
    raise ToolFailed(f"the refund system has no record of order {order}")


class RetryOnOverload(AbstractCapability[None]):
    """The docs' pattern (exceptions.RetryModelRequest): attempt a 503'd request once more."""

    async def on_model_request_error(
        self, ctx: RunContext[None], *, request_context: ModelRequestContext, error: Exception
    ) -> ModelResponse:
        if isinstance(error, ModelHTTPError) and error.status_code == 503 and request_context.attempt == 1:
            raise RetryModelRequest()
        raise error


model = FunctionModel(scripted_model, model_name=MODEL)
agent: Agent[None, str] = Agent(model, name=AGENT, retries=3)
add_tools(agent)
guarded: Agent[None, str] = Agent(model, name=AGENT, retries=3)  # the same agent with an output validator


@guarded.output_validator
def no_internal_ids(ctx: RunContext[None], output: str) -> str:
    tripped = "INT-" in output
    STATE["run"]["guardrails"].append({"guardrail": "no_internal_ids", "triggered": tripped})
    if tripped:
        raise ModelRetry("do not quote internal ticket ids to customers")
    return output


def main() -> int:
    runs = []
    for task, spec in RUNS.items():
        cohorts = dict(zip(("task_type", "channel", "customer_id", "customer_tier"), spec["cohorts"], strict=True))
        run = fixture_kit.new_run(task, spec["scenario"], AGENT, **cohorts)
        STATE.update(run=run, plan=list(spec["plan"]), requests=0, reasoning=spec.get("reasoning", False),
                     logical_call={})  # fmt: skip
        runner = guarded if spec.get("agent") == "guarded" else agent
        capabilities = [RetryOnOverload()] if spec.get("capabilities") == "retry_on_overload" else None
        toolsets = [EXTRA] if spec.get("extra_tools") else None
        metadata = {k: v for k, v in cohorts.items() if v is not None}
        try:
            result = runner.run_sync("help me", conversation_id=task, metadata=metadata,
                                     usage_limits=spec.get("usage_limits"), capabilities=capabilities,
                                     toolsets=toolsets)  # fmt: skip
        except Exception as exc:  # the run failed: the framework raised
            run.update(outcome="failed", error_type=type(exc).__name__)
            print(f"  {task}: raised {type(exc).__name__}: {exc}")
        else:
            usage = result.usage
            run.update(outcome="completed", error_type=None)
            fixture_kit.agree(run, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
                              cached_input_tokens=usage.cache_read_tokens,
                              reasoning_output_tokens=usage.output_reasoning_tokens)  # fmt: skip
            # the framework's own count: usage.requests answered, ModelResponse.failed_attempts the attempts
            # that raised before one answered
            failed = [a for m in result.all_messages() if isinstance(m, ModelResponse) for a in m.failed_attempts or []]
            assert usage.requests == run["model_calls"] - run["model_errors"], (task, usage.requests)
            assert len(failed) == run["model_errors"] and all(a.outcome == "error" for a in failed), (task, failed)
            print(f"  {task}: {result.output!r} requests={usage.requests} model_calls={run['model_calls']}")
        assert run["outcome"] == "failed" or not STATE["plan"], (task, STATE["plan"])
        runs.append(run)
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "opentelemetry_genai",
        runs,
        distributions=["pydantic-ai-slim", "opentelemetry-sdk", "opentelemetry-exporter-otlp-json-file"],
        not_carried={
            "guardrails": "pydantic-ai makes no guardrail span: an output validator's rejection appears only as"
            " the retry feedback (a user text part, <pyai:retry_feedback>) in the next chat span's"
            " gen_ai.input.messages and the agent span's pydantic_ai.all_messages",
        },
        unsupported_scenarios={
            "evaluated": "pydantic-ai's instrumentation records no evaluations; pydantic-evals (newest 2.62.0) pins"
            " pydantic-ai-slim==2.62.0, emits its online results as OpenTelemetry LOG records"
            " (gen_ai.evaluation.result via opentelemetry._logs, not span events) and its Dataset.evaluate"
            " spans only through logfire (logfire_api is a no-op without logfire configured)",
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
