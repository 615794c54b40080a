"""Writes OpenTelemetry trace fixtures by running real agent frameworks offline.

    make trace-fixtures   (a separate virtual environment, scripts/trace-fixtures-requirements.txt)

Two frameworks, unmodified, with their own built-in instrumentation and the SDK's OTLP JSON
file exporter (one ExportTraceServiceRequest per line, as the Collector's file exporter
writes them):

* pydantic-ai (`Agent.instrument_all()`, OpenTelemetry GenAI conventions), driven by its
  offline `FunctionModel`: a tool that asks for a retry and then succeeds, a tool that fails
  twice before it succeeds, a tool that raises, a model call that fails, cached tokens.
* The OpenAI Agents SDK through `openinference-instrumentation-openai-agents` (OpenInference
  conventions), its OpenAI client on a fake HTTP transport: tool calls, a tool that fails,
  an input guardrail that trips.

Beside each trace file the script writes `expected.json`: what the frameworks themselves
report for every run (usage, outcome, exception type) and what the tools counted of their
own calls, never read back from the spans. The tests compare dbt's facts with it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from opentelemetry.exporter.otlp.json.file.trace_exporter import FileSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor

OUT = Path(__file__).resolve().parents[1] / "tests_py" / "fixtures" / "otel"


def _provider(path: Path, service: str) -> TracerProvider:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(SimpleSpanProcessor(FileSpanExporter(path)))
    return provider


def _model_usage(run: dict[str, Any], returned: list[tuple[int, int, int]]) -> None:
    """Tokens as the fake model returned them, call by call: a failed run reports no usage of
    its own, and a completed run's framework total must agree with them."""
    run["calls"] = [{"input_tokens": u[0], "output_tokens": u[1], "cached_input_tokens": u[2]} for u in returned]
    totals = [sum(u[i] for u in returned) for i in range(3)]
    if run["outcome"] == "completed":
        assert totals == [run["input_tokens"], run["output_tokens"], run["cached_input_tokens"]], (run, totals)
    run.update(input_tokens=totals[0], output_tokens=totals[1], cached_input_tokens=totals[2])


# ------------------------------------------------------------------------------ pydantic-ai
def pydantic_ai_runs(out: Path) -> list[dict[str, Any]]:
    from pydantic_ai import Agent, ModelRetry
    from pydantic_ai.exceptions import ModelHTTPError
    from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart
    from pydantic_ai.models.function import AgentInfo, FunctionModel
    from pydantic_ai.models.instrumented import InstrumentationSettings
    from pydantic_ai.usage import RequestUsage

    provider = _provider(out / "raw" / "otel_traces" / "pydantic-ai.jsonl", "support-bot")
    Agent.instrument_all(InstrumentationSettings(tracer_provider=provider))

    # script per task: the model's responses in order; "fail" raises a model error
    plans: dict[str, list[Any]] = {
        # a ModelRetry goes back to the model, which calls the tool again
        "pa-1": [("lookup_order", {"order": "A1"}), ("lookup_order", {"order": "A-1"}), "Your order has shipped."],
        "pa-2": [("lookup_order", {"order": "B2"}), ("issue_refund", {"amount": 20}), "Refunded."],
        "pa-3": [("flaky_inventory", {"sku": "X"})] * 3 + ["In stock."],
        "pa-4": [("cancel_order", {"order": "C3"}), "Cancelled."],
        "pa-5": ["fail"],
    }
    cohorts = {
        "pa-1": {"task_type": "order_status", "channel": "chat", "customer_id": "cust-1", "customer_tier": "pro"},
        "pa-2": {"task_type": "refund_request", "channel": "email", "customer_id": "cust-2", "customer_tier": "free"},
        "pa-3": {"task_type": "order_status", "channel": "chat", "customer_id": "cust-3", "customer_tier": "free"},
        "pa-4": {"task_type": "order_status", "channel": "api", "customer_id": "cust-1", "customer_tier": "pro"},
        "pa-5": {
            "task_type": "refund_request",
            "channel": "chat",
            "customer_id": "cust-4",
            "customer_tier": "enterprise",
        },
    }
    state: dict[str, Any] = {}

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        task = state["task"]
        step = state["plan"].pop(0)
        state["model_calls"] += 1
        n = state["model_calls"]
        usage = RequestUsage(input_tokens=100 * n + 7, output_tokens=10 + n, cache_read_tokens=40 if n > 1 else 0)
        if step != "fail":
            state["usage"].append((usage.input_tokens, usage.output_tokens, usage.cache_read_tokens))
        if step == "fail":
            raise ModelHTTPError(503, "fn-support-model", body={"error": "overloaded"})
        if isinstance(step, tuple):
            name, args = step
            return ModelResponse(parts=[ToolCallPart(name, args, tool_call_id=f"{task}-call-{n}")], usage=usage)
        return ModelResponse(parts=[TextPart(step)], usage=usage)

    agent = Agent(FunctionModel(model, model_name="fn-support-model"), name="support-agent", retries=3)

    def count(tool: str, ok: bool, retry: bool = False) -> None:
        """What the tool itself saw: succeeded, failed, or asked the model to retry it."""
        state["tool_attempts"].append({"tool": tool, "ok": ok, "retry_requested": retry})

    @agent.tool_plain
    def lookup_order(order: str) -> str:
        if state["task"] == "pa-1" and not any(a["tool"] == "lookup_order" for a in state["tool_attempts"]):
            count("lookup_order", False, retry=True)
            raise ModelRetry("order not found, check the number")
        count("lookup_order", True)
        return "shipped"

    @agent.tool_plain
    def issue_refund(amount: int) -> str:
        count("issue_refund", True)
        return f"refunded {amount}"

    @agent.tool_plain
    def flaky_inventory(sku: str) -> str:
        failures = sum(1 for a in state["tool_attempts"] if a["tool"] == "flaky_inventory")
        if failures < 2:
            count("flaky_inventory", False, retry=True)
            raise ModelRetry("inventory service timed out")
        count("flaky_inventory", True)
        return "in stock"

    @agent.tool_plain
    def cancel_order(order: str) -> str:
        count("cancel_order", False)
        raise PermissionError("order is already with the carrier")

    runs = []
    for task, plan in plans.items():
        state.update(task=task, plan=list(plan), model_calls=0, tool_attempts=[], usage=[])
        run: dict[str, Any] = {"task_id": task, **cohorts[task], "agent_id": "support-agent"}
        try:
            result = agent.run_sync("help me", conversation_id=task, metadata=cohorts[task])
            usage = result.usage
            run.update(outcome="completed", error_type=None, input_tokens=usage.input_tokens,
                       output_tokens=usage.output_tokens, cached_input_tokens=usage.cache_read_tokens,
                       model_calls=usage.requests)  # fmt: skip
        except Exception as exc:  # the run failed: the framework raised
            run.update(outcome="failed", error_type=type(exc).__name__, model_calls=state["model_calls"])
        _model_usage(run, state["usage"])
        run["tool_attempts"] = state["tool_attempts"]
        runs.append(run)
    provider.shutdown()
    return runs


# ------------------------------------------------------------------------------ OpenAI Agents SDK
def openai_agents_runs(out: Path) -> list[dict[str, Any]]:
    import httpx2 as httpx
    from agents import (
        Agent,
        GuardrailFunctionOutput,
        OpenAIResponsesModel,
        Runner,
        function_tool,
        input_guardrail,
    )
    from agents.exceptions import InputGuardrailTripwireTriggered
    from openai import AsyncOpenAI
    from openinference.instrumentation import using_metadata, using_session
    from openinference.instrumentation.openai_agents import OpenAIAgentsInstrumentor

    provider = _provider(out / "raw" / "otel_traces" / "openai-agents.jsonl", "billing-bot")
    OpenAIAgentsInstrumentor().instrument(tracer_provider=provider)
    state: dict[str, Any] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        """The Responses API, answered from the task's plan."""
        step = state["plan"].pop(0)
        state["model_calls"] += 1
        n = state["model_calls"]
        if isinstance(step, tuple):
            name, args = step
            item = {"type": "function_call", "id": f"fc_{n}", "call_id": f"{state['task']}-call-{n}", "name": name,
                    "arguments": json.dumps(args), "status": "completed"}  # fmt: skip
        else:
            item = {"type": "message", "id": f"msg_{n}", "status": "completed", "role": "assistant",
                    "content": [{"type": "output_text", "text": step, "annotations": []}]}  # fmt: skip
        usage = {"input_tokens": 200 * n + 3, "input_tokens_details": {"cached_tokens": 64 if n > 1 else 0},
                 "output_tokens": 5 + n, "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": 200 * n + 8 + n}  # fmt: skip
        state["usage"].append(
            (usage["input_tokens"], usage["output_tokens"], usage["input_tokens_details"]["cached_tokens"])
        )
        body = {"id": f"resp_{n}", "object": "response", "created_at": int(time.time()), "status": "completed",
                "model": "gpt-4o-mini", "output": [item], "usage": usage, "parallel_tool_calls": True,
                "tool_choice": "auto", "tools": [], "error": None, "incomplete_details": None, "instructions": None,
                "metadata": {}, "temperature": 1.0, "top_p": 1.0, "text": {"format": {"type": "text"}}}  # fmt: skip
        return httpx.Response(200, json=body)

    client = AsyncOpenAI(
        api_key="offline",
        base_url="http://fake.invalid/v1",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )

    @function_tool
    def refund(amount: int) -> str:
        """Refund an amount in USD."""
        state["tool_attempts"].append({"tool": "refund", "ok": True, "retry_requested": False})
        return f"refunded {amount}"

    @function_tool
    def charge_card(amount: int) -> str:
        """Charge the card on file."""
        state["tool_attempts"].append({"tool": "charge_card", "ok": False, "retry_requested": False})
        raise ConnectionError("payment gateway unreachable")

    @input_guardrail
    async def no_card_numbers(ctx: Any, agent: Any, user_input: Any) -> GuardrailFunctionOutput:
        tripped = "card" in str(user_input)
        state["guardrails"].append({"guardrail": "no_card_numbers", "triggered": tripped})
        return GuardrailFunctionOutput(output_info={"tripped": tripped}, tripwire_triggered=tripped)

    model = OpenAIResponsesModel(model="gpt-4o-mini", openai_client=client)
    agent = Agent(name="billing-agent", instructions="Resolve billing questions.", tools=[refund, charge_card],
                  model=model, input_guardrails=[no_card_numbers])  # fmt: skip
    plans = {
        "oa-1": ("refund my 12 dollars", [("refund", {"amount": 12}), "Refunded 12 USD."]),
        "oa-2": ("charge 30", [("charge_card", {"amount": 30}), "The payment gateway is down, try later."]),
        "oa-3": ("my card 4111 1111 1111 1111 was charged twice", ["never asked"]),
    }
    cohorts = {
        "oa-1": {"task_type": "refund_request", "channel": "chat", "customer_tier": "pro"},
        "oa-2": {"task_type": "payment", "channel": "api", "customer_tier": "free"},
        "oa-3": {"task_type": "refund_request", "channel": "chat", "customer_tier": "free"},
    }
    runs = []
    for task, (prompt, plan) in plans.items():
        state.update(task=task, plan=list(plan), model_calls=0, tool_attempts=[], usage=[], guardrails=[])
        run: dict[str, Any] = {"task_id": task, **cohorts[task], "agent_id": "billing-agent"}
        try:
            with using_session(task), using_metadata(cohorts[task]):
                result = asyncio.run(Runner.run(agent, prompt))
            usage = result.context_wrapper.usage
            cached = usage.input_tokens_details.cached_tokens
            run.update(
                outcome="completed",
                error_type=None,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                cached_input_tokens=cached,
                model_calls=usage.requests,
            )
        except InputGuardrailTripwireTriggered as exc:
            run.update(outcome="failed", error_type=type(exc).__name__, model_calls=state["model_calls"])
        _model_usage(run, state["usage"])
        run["tool_attempts"] = state["tool_attempts"]
        run["guardrails"] = state["guardrails"]
        runs.append(run)
    provider.shutdown()
    return runs


def main() -> int:
    for name, make in (("pydantic_ai", pydantic_ai_runs), ("openai_agents", openai_agents_runs)):
        out = OUT / name
        runs = make(out)
        (out / "expected.json").write_text(json.dumps({"framework": name, "runs": runs}, indent=2) + "\n")
        lines = (out / "raw" / "otel_traces").glob("*.jsonl")
        print(f"{name}: {len(runs)} runs, {sum(len(p.read_text().splitlines()) for p in lines)} export lines -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
