"""CrewAI 1.15 crews traced by OpenInference (CrewAI + OpenAI instrumentors), run offline.

    .venv-traces/crewai/bin/python scripts/trace_fixtures/crewai/run.py

One Crew per task: a single Agent (role "support-agent", the agent's name in CrewAI), one Task
("resolve_ticket") and CrewAI `@tool`s, started with `crew.kickoff(inputs=...)`.

The model: CrewAI 1.x routes "openai/..." models to its NATIVE OpenAI provider
(`crewai.llms.providers.openai.completion.OpenAICompletion`, which calls the `openai` SDK), so, as
OpenInference's CrewAI docs say for CrewAI 1.0+, LLM spans come from
`openinference-instrumentation-openai`; `openinference-instrumentation-crewai` in its default
(recommended) wrapper mode makes the CHAIN / AGENT / TOOL spans and no LLM span. A custom
`BaseLLM` subclass would therefore give no LLM span at all, so the model is CrewAI's own
OpenAI provider whose SDK clients sit on an `httpx.MockTransport` answering Chat Completions
from a script (`OfflineOpenAI` only overrides the two client builders: CrewAI's `client_params`
would hand one http_client to both the sync and the async client, which the SDK refuses).
Usage is distinct per call, with `prompt_tokens_details.cached_tokens` and
`completion_tokens_details.reasoning_tokens` on some calls.

CrewAI's own mechanisms exercised:
* native function calling, several tools, two tool calls in one response (run in parallel);
* a raising tool under the default `tool_failure_policy` ("warn"): the error goes back to the
  model as "Error executing tool: ..." and it answers; under "raise" the run raises
  `ToolExecutionFailedError`;
* CrewAI's tool retry exists only on its text (ReAct) tool protocol (`ToolUsage`, up to 3
  attempts, each attempt calling the tool function twice: once with the schema's arguments,
  once with all of them): `TextOpenAI` declares `supports_function_calling() -> False`, as
  CrewAI's custom-LLM interface lets a model do;
* model errors: a 429 is retried by CrewAI's LLM rate-limit retry (`crewai.llms.retry`), a 503
  by the agent's `max_retry_limit` (the task is executed again); exhausted, the run raises;
* a Task `guardrail=` function that fails the output: CrewAI re-executes the task
  (`guardrail_max_retries`), and raises when the retries are spent.

The task id is `using_session(task_id)`, the cohorts `using_metadata({...})` (OpenInference's
documented way; the CrewAI instrumentation documents nothing else). CrewAI's phone-home is off
(`CREWAI_DISABLE_TELEMETRY`, `CREWAI_TRACING_ENABLED=false`, `CREWAI_DISABLE_VERSION_CHECK`);
`OTEL_SDK_DISABLED` is never set (it would switch our spans off too). OpenInference has no
`OTEL_SEMCONV_STABILITY_OPT_IN` switch (it writes its own conventions), so none is set.

Ground truth: the outcome is what `crew.kickoff` did (returned / raised); token totals are
CrewAI's own (`CrewOutput.token_usage`, or the agent LLM's `get_token_usage_summary()` when the
run raised) and must agree with what the scripted model returned; every tool records its own
execution, and the tool call id is matched from CrewAI's own message history (the executor's
messages: the assistant `tool_calls` and the `tool` messages' `tool_call_id`), because CrewAI
passes no call id to a tool. On the text protocol there is no call id at all: a call is
`<task>-action-<k>`, the k-th action the model wrote (it appears nowhere in the trace).
"""

import os

os.environ["CREWAI_DISABLE_TELEMETRY"] = "true"  # CrewAI's anonymous telemetry (its own OTLP exporter)
os.environ["CREWAI_TRACING_ENABLED"] = "false"  # CrewAI AMP tracing
os.environ["CREWAI_DISABLE_VERSION_CHECK"] = "true"  # the PyPI version check
os.environ.setdefault("CREWAI_STORAGE_DIR", "crewai-trace-fixture")  # its kickoff-output db: ~/.local/share/<this>
assert "OTEL_SDK_DISABLED" not in os.environ, "OTEL_SDK_DISABLED would disable the fixture's spans too"

import json
import re
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx
from openai import AsyncOpenAI, OpenAI
from openinference.instrumentation import using_metadata, using_session
from openinference.instrumentation.crewai import CrewAIInstrumentor
from openinference.instrumentation.openai import OpenAIInstrumentor
from opentelemetry import trace

import fixture_kit

NAME = "crewai"
AGENT = "support-agent"
MODEL = "gpt-4o-mini"
GUARDRAIL = "no_card_numbers"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.1.0")
CrewAIInstrumentor().instrument(tracer_provider=provider)
OpenAIInstrumentor().instrument(tracer_provider=provider)

from crewai import Agent, Crew, Task, TaskOutput
from crewai.llms.providers.openai.completion import OpenAICompletion
from crewai.telemetry import Telemetry
from crewai.tools import tool

STATE: dict[str, Any] = {"global_calls": 0}


# ------------------------------------------------------------------------------ scripted model
def chat_completions(request: httpx.Request) -> httpx.Response:
    """POST /chat/completions, answered from the run's plan. Steps: ("tools", [(name, args)...]),
    ("text", answer), ("action", name, args) / ("final", answer) on the text protocol, ("error", status)."""
    assert request.url.path.endswith("/chat/completions"), request.url
    run = STATE["run"]
    step = STATE["plan"].pop(0)
    if step[0] == "error":
        fixture_kit.model_error(run)
        status = step[1]
        kind = {429: "rate_limit_exceeded", 503: "server_overloaded"}[status]
        message = {429: "Rate limit reached for requests", 503: "The server is overloaded"}[status]
        headers = {"retry-after": "0"}  # CrewAI's rate-limit retry honours it: no sleeping
        return httpx.Response(status, headers=headers, json={"error": {"message": message, "type": kind, "code": kind}})
    STATE["global_calls"] += 1
    g = STATE["global_calls"]
    prompt, completion = 100 * g + 7, 10 + g
    cached = 32 + g if g % 2 == 0 else 0
    reasoning = 3 + g % 5 if g % 3 == 0 else 0
    fixture_kit.model_call(run, prompt, completion, cached=cached, reasoning=reasoning)
    finish = "stop"
    if step[0] == "tools":
        STATE["call_seq"] += 1
        calls = [
            {
                "id": f"{run['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}",
                "type": "function",
                "function": {"name": name, "arguments": json.dumps(args)},
            }
            for i, (name, args) in enumerate(step[1])
        ]
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": calls}
        finish = "tool_calls"
    elif step[0] == "action":
        STATE["action_seq"] += 1
        STATE["current_action"] = f"{run['task_id']}-action-{STATE['action_seq']}"
        text = f"Thought: I should use {step[1]}.\nAction: {step[1]}\nAction Input: {json.dumps(step[2])}"
        message = {"role": "assistant", "content": text}
    elif step[0] == "final":
        message = {"role": "assistant", "content": f"Thought: I now know the final answer\nFinal Answer: {step[1]}"}
    else:
        message = {"role": "assistant", "content": step[1]}
    body = {
        "id": f"chatcmpl-{g}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        },
    }
    return httpx.Response(200, json=body)


class OfflineOpenAI(OpenAICompletion):
    """CrewAI's native OpenAI provider, its SDK clients on a fake transport (no network)."""

    def _build_sync_client(self) -> Any:
        transport = httpx.MockTransport(chat_completions)
        return OpenAI(**self._get_client_params(), http_client=httpx.Client(transport=transport))

    def _build_async_client(self) -> Any:
        transport = httpx.MockTransport(chat_completions)
        return AsyncOpenAI(**self._get_client_params(), http_client=httpx.AsyncClient(transport=transport))


class TextOpenAI(OfflineOpenAI):
    """The same model without native function calling: CrewAI falls back to its text (ReAct) protocol."""

    def supports_function_calling(self) -> bool:
        return False


def new_llm(text_protocol: bool) -> OpenAICompletion:
    cls = TextOpenAI if text_protocol else OfflineOpenAI
    # max_retries=0: the SDK's own HTTP retries off, so every request is one LLM span; CrewAI's
    # own retries (rate limit, max_retry_limit) remain
    return cls(model=MODEL, api_key="offline-key", base_url="http://scripted-model.invalid/v1", max_retries=0)


# ------------------------------------------------------------------------------ tools
def attempt(tool_name: str, args: dict[str, Any], ok: bool) -> None:
    """What the tool saw of its own execution. CrewAI passes no call id: native calls are matched
    to the model's tool_call id from CrewAI's message history after the run."""
    call = STATE.get("current_action") if STATE["text_protocol"] else None
    STATE["run"]["tool_attempts"].append({"tool": tool_name, "call": call, "ok": ok})
    STATE["attempt_args"].append(args)


@tool("lookup_order")
def lookup_order(order_id: str) -> str:
    """Look up an order's shipping status."""
    attempt("lookup_order", {"order_id": order_id}, True)
    return f"order {order_id}: shipped"


@tool("check_inventory")
def check_inventory(sku: str) -> str:
    """Check stock for a SKU (a flaky service)."""
    if STATE["inventory_failures"] > 0:
        STATE["inventory_failures"] -= 1
        attempt("check_inventory", {"sku": sku}, False)
        raise ConnectionError("inventory service timed out")
    attempt("check_inventory", {"sku": sku}, True)
    return f"{sku}: 14 in stock"


@tool("issue_refund")
def issue_refund(order_id: str, amount: float) -> str:
    """Refund an amount on an order."""
    attempt("issue_refund", {"order_id": order_id, "amount": amount}, True)
    return f"refunded {amount:.2f} on {order_id}"


@tool("cancel_order")
def cancel_order(order_id: str) -> str:
    """Cancel an order."""
    attempt("cancel_order", {"order_id": order_id}, False)
    raise PermissionError(f"order {order_id} is already with the carrier")


@tool("escalate_ticket")
def escalate_ticket(reason: str) -> str:
    """Escalate the ticket to a human."""
    attempt("escalate_ticket", {"reason": reason}, False)
    raise TimeoutError("ticketing system did not answer")


TOOLS = [lookup_order, check_inventory, issue_refund, cancel_order, escalate_ticket]
CARD = re.compile(r"\b(?:\d[ -]?){13,16}\b")


def no_card_numbers(output: TaskOutput) -> tuple[bool, Any]:
    """The Task guardrail: an answer must not repeat a card number."""
    triggered = bool(CARD.search(output.raw))
    STATE["run"]["guardrails"].append({"guardrail": GUARDRAIL, "triggered": triggered})
    if triggered:
        return False, "The answer repeats a card number: remove it."
    return True, output.raw


# ------------------------------------------------------------------------------ runs
T, X, A, F, E = "tools", "text", "action", "final", "error"
# task -> scenario, question, plan, options, cohorts
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], dict[str, Any], dict[str, str]]] = {
    "cr-1": (
        "several_tools",
        "Order A1 arrived broken, please refund it.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("issue_refund", {"order_id": "A1", "amount": 20.0})]),
            (X, "Order A1 is refunded: 20.00."),
        ],
        {},
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-201"},
    ),
    "cr-2": (
        "parallel_tools",
        "Has order B2 shipped, and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        {},
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-202"},
    ),
    "cr-5": (
        "tool_error_handled",
        "Cancel order C3.",
        [
            (T, [("cancel_order", {"order_id": "C3"})]),
            (X, "C3 is already with the carrier, so it cannot be cancelled."),
        ],
        {},
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-205"},
    ),
    "cr-6": (
        "model_error",
        "Where is order D4?",
        [(E, 429), (T, [("lookup_order", {"order_id": "D4"})]), (X, "D4 has shipped.")],
        {},
        {"task_type": "order_status", "channel": "email", "customer_tier": "pro", "customer_id": "cust-206"},
    ),
    "cr-7": (
        "model_error",
        "Refund 12.50 on order E5.",
        [(E, 503), (T, [("issue_refund", {"order_id": "E5", "amount": 12.5})]), (X, "Refunded 12.50 on E5.")],
        {},
        {"task_type": "refund_request", "channel": "api", "customer_tier": "free", "customer_id": "cust-207"},
    ),
    "cr-8": (
        "model_error",
        "Where is order F6?",
        [(E, 503), (E, 503)],
        {"max_retry_limit": 1},
        {"task_type": "order_status", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-208"},
    ),
    "cr-9": (
        "run_raises",
        "Nobody answers me, escalate this.",
        [(T, [("escalate_ticket", {"reason": "customer waited 3 days"})]), (X, "never reached")],
        {"tool_failure_policy": "raise"},
        {"task_type": "complaint", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-209"},
    ),
    "cr-10": (
        "guardrail_tripped",
        "Which card did you refund order G7 to?",
        [(X, "We refunded G7 to your card 4111 1111 1111 1111."), (X, "We refunded G7 to the card you paid with.")],
        {"guardrail": True},
        {"task_type": "refund_request", "channel": "email", "customer_tier": "free", "customer_id": "cust-210"},
    ),
    "cr-11": (
        "guardrail_tripped",
        "Read me back the card on order H8.",
        [(X, "The card on H8 is 5500 0000 0000 0004."), (X, "It is card 5500-0000-0000-0004.")],
        {"guardrail": True, "guardrail_max_retries": 1},
        {"task_type": "billing", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-211"},
    ),
    "cr-12": (
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        {},
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-212"},
    ),
}


def history_call_ids(agent: Agent, output: Any) -> dict[tuple[str, str], list[str]]:
    """(tool name, canonical arguments) -> tool call ids, from CrewAI's own message history."""
    messages = list(getattr(agent.agent_executor, "messages", None) or [])
    if output is not None and output.tasks_output:
        messages += list(output.tasks_output[-1].messages)
    found: dict[tuple[str, str], list[str]] = {}
    for message in messages:
        calls = message.get("tool_calls") or []
        if isinstance(calls, str):  # TaskOutput keeps them as their repr
            continue
        for call in calls:
            key = (call["function"]["name"], json.dumps(json.loads(call["function"]["arguments"]), sort_keys=True))
            if call["id"] not in found.setdefault(key, []):
                found[key].append(call["id"])
    return found


def main() -> None:
    assert not Telemetry().ready, "CrewAI telemetry is on"
    runs = []
    for task_id, (scenario, question, plan, options, cohorts) in PLANS.items():
        run = fixture_kit.new_run(task_id, scenario, AGENT, **cohorts)
        text_protocol = options.get("text_protocol", False)
        STATE.update(
            run=run,
            plan=list(plan),
            call_seq=0,
            action_seq=0,
            current_action=None,
            text_protocol=text_protocol,
            inventory_failures=options.get("inventory_failures", 0),
            attempt_args=[],
        )
        llm = new_llm(text_protocol)
        agent = Agent(
            role=AGENT,
            goal="Resolve customer tickets with the tools you have.",
            backstory="You work on the support desk of an online shop.",
            llm=llm,
            tools=TOOLS,
            max_retry_limit=options.get("max_retry_limit", 2),
            tool_failure_policy=options.get("tool_failure_policy"),
            verbose=False,
        )
        task = Task(
            name="resolve_ticket",
            description="Customer {customer_id} asks: {question}",
            expected_output="A short answer for the customer.",
            agent=agent,
            guardrail=no_card_numbers if options.get("guardrail") else None,
            guardrail_max_retries=options.get("guardrail_max_retries", 3),
        )
        crew = Crew(name="support-crew", agents=[agent], tasks=[task], verbose=False)
        output = None
        try:
            with using_session(task_id), using_metadata(cohorts):
                output = crew.kickoff(inputs={"customer_id": cohorts["customer_id"], "question": question})
            run.update(outcome="completed", error_type=None)
            usage = output.token_usage
        except Exception as exc:  # the run raised: the framework's own verdict
            run.update(outcome="failed", error_type=type(exc).__name__)
            usage = llm.get_token_usage_summary()  # what CrewOutput.token_usage would have summed
        assert not STATE["plan"] or task_id in ("cr-9",), (task_id, STATE["plan"])
        fixture_kit.agree(
            run,
            input_tokens=usage.prompt_tokens,
            output_tokens=usage.completion_tokens,
            cached_input_tokens=usage.cached_prompt_tokens,
            reasoning_output_tokens=usage.reasoning_tokens,
        )
        assert usage.successful_requests == len(run["calls"]), (task_id, usage.successful_requests)
        if not text_protocol:  # the call id, from CrewAI's own history
            ids = history_call_ids(agent, output)
            for record, args in zip(run["tool_attempts"], STATE["attempt_args"], strict=True):
                matches = ids.get((record["tool"], json.dumps(args, sort_keys=True)), [])
                assert len(matches) == 1, (task_id, record, matches)
                record["call"] = matches[0]
        assert all(record["call"] for record in run["tool_attempts"]), (task_id, run["tool_attempts"])
        runs.append(run)
    assert not Telemetry().ready, "CrewAI telemetry is on"
    # nothing (CrewAI included) installed a global tracer provider: our spans went to ours only
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider), trace.get_tracer_provider()
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "openinference",
        runs,
        distributions=[
            "crewai",
            "crewai-core",
            "openai",
            "openinference-instrumentation-crewai",
            "openinference-instrumentation-openai",
            "openinference-instrumentation",
            "openinference-semantic-conventions",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            "tool_call_id": "no TOOL span carries a tool call id: the id is only in the LLM spans' "
            "llm.output_messages.*.message.tool_calls.*.tool_call.id and in the next LLM span's "
            "input messages (tool_call_id); the text protocol has no call id at all",
            "guardrails": "no GUARDRAIL span: the Task guardrail runs inside the AGENT span "
            "('support-agent.resolve_ticket._execute_core'); a trip shows only as the extra LLM span "
            "of the re-executed task, and an exhausted guardrail as the AGENT/CHAIN spans' ERROR "
            "status ('Task failed guardrail validation after N retries')",
        },
        unsupported_scenarios={
            "tool_retried": "CrewAI retries a raising tool only on its text (ReAct) tool protocol, through "
            "ToolUsage -> CrewStructuredTool -> Tool._run, which the instrumentor does not wrap (it wraps "
            "BaseTool.run / Tool.run): those executions and their retries have no span; the native "
            "function-calling path has no tool retry (the error goes back to the model: tool_error_handled)",
            "retries_exhausted": "as tool_retried",
            "evaluated": "openinference-instrumentation-crewai records no evaluation (no EVALUATOR span, "
            "no annotation); CrewAI's own evaluations (crew.test / CrewEvaluator, "
            "crewai.experimental.evaluation) are LLM-judged and are not traced by it",
        },
    )


if __name__ == "__main__":
    main()
