"""Hugging Face smolagents 1.26 ToolCallingAgents traced by OpenInference, run offline.

    .venv-traces/smolagents/bin/python scripts/trace_fixtures/smolagents/run.py

One `ToolCallingAgent` run per task (JSON tool calls, not `CodeAgent`, which executes code), with
a name (`support_agent` / `billing_agent`: smolagents' agent name, the AGENT span's name prefix),
`@tool` tools and `run(task, return_full_result=True)`.

The model is smolagents' own `OpenAIModel` whose `openai` client sits on an `httpx2.MockTransport`
answering Chat Completions from a script (the `openai` package of this index is built on
`httpx2`; the SDK's own HTTP retries are off, `max_retries=0`). Not a custom `Model` subclass:
`SmolagentsInstrumentor` wraps `generate` / `generate_stream` only on the model classes smolagents
exports (`vars(smolagents)`), so a user's `Model` subclass that implements `generate` gets no LLM
span at all (checked: the AGENT, CHAIN and TOOL spans appear, no LLM span). Usage is distinct
per call, with `prompt_tokens_details.cached_tokens` and `completion_tokens_details
.reasoning_tokens` on some calls: smolagents' `TokenUsage` has only `input_tokens` /
`output_tokens`, so those two never reach smolagents' records nor the spans (not_carried).

smolagents' own mechanisms exercised:
* several tools; two tool calls in one model response (run in a thread pool), also streamed
  (`stream_outputs=True`: the `generate_stream` path and its LLM span);
* a raising tool: smolagents wraps the exception in `AgentToolExecutionError`, stores it on the
  step (`ActionStep.error`) and hands it to the model as the next step's input; there is NO tool
  retry in smolagents (the model may call the tool again, as a new call);
* `max_steps`: smolagents does not raise; it asks the model for a final answer
  (`provide_final_answer`, one more model request, outside any step), returns it, and
  `RunResult.state` is "max_steps_error";
* model errors: a 503 in a step raises `AgentGenerationError` out of `run`; a 503 in the
  max-steps final-answer request is swallowed (the output becomes "Error in generating final
  LLM output: ..." and the run returns). `ApiModel`'s own retry (`Retrying`, 3 attempts, 60 s
  wait) is for rate-limit errors only, inside `generate`: its failed attempts would have no span,
  so no run uses a 429;
* `final_answer_checks` (the guardrail): a check that fails turns the final answer into a step
  error handed back to the model; the answer forced at max_steps is not checked;
* a step callback (`step_callbacks`) that `interrupt()`s the agent over a token budget: `run`
  raises `AgentError("Agent interrupted.")`.
* a planning step (`planning_interval=1`): one more model request per plan.

What the instrumentation (0.1.43) does with these, as the trace file shows: a run that raises has
NO AGENT span (`_RunWrapper` records the exception but never ends the span, nor detaches its
context: the `with using_session(...)` around the run restores the context); its "Step N"
CHAIN spans point to a parent that is not in the file. A handled tool error makes the TOOL span
and its "Step N" span ERROR although the run goes on. The AGENT span's `llm.token_count.*` are
`agent.monitor`'s totals, which leave out planning requests.

The task id is `using_session(task_id)`, the cohorts `using_metadata({...})` (OpenInference's
documented way; the smolagents instrumentation documents nothing else). smolagents has no
phone-home; huggingface_hub's is off (`HF_HUB_DISABLE_TELEMETRY`, `HF_HUB_OFFLINE`).
`OTEL_SDK_DISABLED` is never set. OpenInference has no `OTEL_SEMCONV_STABILITY_OPT_IN` switch (it
writes its own conventions), so none is set.

Ground truth: the outcome is what `agent.run` did (returned / raised: the short class name); token
totals are smolagents' own: `RunResult.token_usage` when the run returned it, else the sum of
`agent.memory.steps[*].token_usage` (ActionStep, PlanningStep), and `agent.monitor`'s totals,
all of which must agree with what the scripted model returned; every tool records its own
execution (the answer tool `final_answer` too: smolagents runs it as a tool, with a TOOL span),
and the tool call id is matched from smolagents' own memory (`ActionStep.model_output_message
.tool_calls`, by step number, tool name and arguments), because smolagents passes no call id to a
tool.
"""

import os

os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"  # huggingface_hub (a smolagents dependency) telemetry
os.environ["HF_HUB_OFFLINE"] = "1"  # no Hub calls
assert "OTEL_SDK_DISABLED" not in os.environ, "OTEL_SDK_DISABLED would disable the fixture's spans too"

import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx2
from openinference.instrumentation import using_metadata, using_session
from openinference.instrumentation.smolagents import SmolagentsInstrumentor
from opentelemetry import trace

import fixture_kit

NAME = "smolagents"
MODEL = "gpt-4o-mini"
GUARDRAIL = "no_card_numbers"
INPUT_TOKEN_BUDGET = 3000  # the step callback of sm-9 interrupts the agent over it

provider = fixture_kit.tracer_provider(NAME, "support-desk", "4.2.0")
SmolagentsInstrumentor().instrument(tracer_provider=provider)

from smolagents import ActionStep, FinalAnswerTool, OpenAIModel, PlanningStep, ToolCallingAgent, tool
from smolagents.monitoring import LogLevel

STATE: dict[str, Any] = {"global_calls": 0}


# ------------------------------------------------------------------------------ scripted model
def usage_for_next_call() -> dict[str, Any]:
    """Distinct usage per successful model request, recorded as the scripted model returns it."""
    STATE["global_calls"] += 1
    g = STATE["global_calls"]
    prompt, completion = 100 * g + 7, 10 + g
    cached = 32 + g if g % 2 == 0 else 0
    reasoning = 3 + g % 5 if g % 3 == 0 else 0
    fixture_kit.model_call(STATE["run"], prompt, completion, cached=cached, reasoning=reasoning)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
        "completion_tokens_details": {"reasoning_tokens": reasoning},
    }


def scripted_tool_calls(step: tuple[Any, ...]) -> list[dict[str, Any]]:
    STATE["call_seq"] += 1
    return [
        {
            "id": f"{STATE['run']['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}",
            "type": "function",
            "function": {"name": name, "arguments": json.dumps(args)},
        }
        for i, (name, args) in enumerate(step[1])
    ]


def chat_completions(request: httpx2.Request) -> httpx2.Response:
    """POST /chat/completions, answered from the run's plan. Steps: ("tools", [(name, args)...]),
    ("text", content), ("error", status)."""
    assert request.url.path.endswith("/chat/completions"), request.url
    body = json.loads(request.content)
    step = STATE["plan"].pop(0)
    if step[0] == "error":
        fixture_kit.model_error(STATE["run"])
        return httpx2.Response(
            step[1], json={"error": {"message": "The server is overloaded", "type": "server_error", "code": None}}
        )
    usage = usage_for_next_call()
    g = STATE["global_calls"]
    if step[0] == "tools":
        message: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": scripted_tool_calls(step)}
        finish = "tool_calls"
    else:
        message, finish = {"role": "assistant", "content": step[1]}, "stop"
    if body.get("stream"):
        return httpx2.Response(
            200, headers={"content-type": "text/event-stream"}, content=sse(g, message, finish, usage)
        )
    completion = {
        "id": f"chatcmpl-{g}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": usage,
    }
    return httpx2.Response(200, json=completion)


def sse(g: int, message: dict[str, Any], finish: str, usage: dict[str, Any]) -> bytes:
    """The same answer as Chat Completions chunks (stream_options.include_usage: a last usage chunk)."""
    base = {"id": f"chatcmpl-{g}", "object": "chat.completion.chunk", "created": int(time.time()), "model": MODEL}
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": message.get("content") or ""}]
    for index, call in enumerate(message.get("tool_calls") or []):
        deltas.append({"tool_calls": [{"index": index, **call}]})
    chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    chunks.append({**base, "choices": [], "usage": usage})
    return "".join(f"data: {json.dumps(c)}\n\n" for c in chunks).encode() + b"data: [DONE]\n\n"


def new_model() -> OpenAIModel:
    transport = httpx2.MockTransport(chat_completions)
    return OpenAIModel(
        model_id=MODEL,
        api_base="http://scripted-model.invalid/v1",
        api_key="offline-key",
        # the SDK's own HTTP retries off: every request the agent makes is one scripted answer
        client_kwargs={"max_retries": 0, "http_client": httpx2.Client(transport=transport)},
    )


# ------------------------------------------------------------------------------ tools
def attempt(tool_name: str, args: dict[str, Any], ok: bool) -> None:
    """What the tool saw of its own execution; smolagents passes no call id to a tool: the id is
    matched from the agent's memory (the step's model output) after the run."""
    STATE["run"]["tool_attempts"].append({"tool": tool_name, "call": None, "ok": ok})
    STATE["attempt_keys"].append((STATE["agent"].step_number, tool_name, json.dumps(args, sort_keys=True)))


@tool
def lookup_order(order_id: str) -> str:
    """Look up an order's shipping status.

    Args:
        order_id: The order's id, e.g. A1.
    """
    attempt("lookup_order", {"order_id": order_id}, True)
    return f"order {order_id}: shipped"


@tool
def check_inventory(sku: str) -> str:
    """Check stock for a SKU.

    Args:
        sku: The stock keeping unit.
    """
    attempt("check_inventory", {"sku": sku}, True)
    return f"{sku}: 14 in stock"


@tool
def issue_refund(order_id: str, amount: float) -> str:
    """Refund an amount on an order.

    Args:
        order_id: The order's id.
        amount: The amount to refund.
    """
    attempt("issue_refund", {"order_id": order_id, "amount": amount}, True)
    return f"refunded {amount:.2f} on {order_id}"


@tool
def cancel_order(order_id: str) -> str:
    """Cancel an order.

    Args:
        order_id: The order's id.
    """
    attempt("cancel_order", {"order_id": order_id}, False)
    raise PermissionError(f"order {order_id} is already with the carrier")


class AnswerTool(FinalAnswerTool):
    """smolagents' own final_answer tool, recording its executions like the other tools."""

    def forward(self, answer: Any) -> Any:
        attempt("final_answer", {"answer": answer}, True)
        return super().forward(answer)


TOOLS = [lookup_order, check_inventory, issue_refund, cancel_order]


def no_card_numbers(final_answer: Any, memory: Any, agent: Any = None) -> bool:
    """The final-answer check: an answer must not repeat a card number."""
    digits = "".join(ch for ch in str(final_answer) if ch.isdigit())
    triggered = len(digits) >= 13
    STATE["run"]["guardrails"].append({"guardrail": GUARDRAIL, "triggered": triggered})
    return not triggered


def token_budget(memory_step: ActionStep, agent: ToolCallingAgent) -> None:
    """A step callback: interrupt the agent once the run's input tokens exceed the budget."""
    used = sum(s.token_usage.input_tokens for s in agent.memory.steps if getattr(s, "token_usage", None))
    used += memory_step.token_usage.input_tokens if memory_step.token_usage else 0
    if used > INPUT_TOKEN_BUDGET:
        agent.interrupt()


# ------------------------------------------------------------------------------ runs
T, X, E = "tools", "text", "error"
SUPPORT, BILLING = "support_agent", "billing_agent"
# task -> scenario, agent name, question, plan, options, cohorts
PLANS: dict[str, tuple[str, str, str, list[tuple[Any, ...]], dict[str, Any], dict[str, str]]] = {
    "sm-1": (
        "several_tools",
        BILLING,
        "Order A1 arrived broken, please refund it.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("issue_refund", {"order_id": "A1", "amount": 20.0})]),
            (T, [("final_answer", {"answer": "Order A1 is refunded: 20.00."})]),
        ],
        {},
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-301"},
    ),
    "sm-2": (
        "parallel_tools",
        SUPPORT,
        "Has order B2 shipped, and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (T, [("final_answer", {"answer": "B2 has shipped and SKU-9 is in stock."})]),
        ],
        {},
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-302"},
    ),
    "sm-3": (
        "parallel_tools",
        SUPPORT,
        "Where are my orders C1 and C2?",
        [
            (T, [("lookup_order", {"order_id": "C1"}), ("lookup_order", {"order_id": "C2"})]),
            (T, [("final_answer", {"answer": "C1 and C2 have both shipped."})]),
        ],
        {"stream_outputs": True},
        {"task_type": "order_status", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-303"},
    ),
    "sm-4": (
        "tool_error_handled",
        SUPPORT,
        "Cancel order D3.",
        [
            (T, [("cancel_order", {"order_id": "D3"})]),
            (T, [("final_answer", {"answer": "D3 is already with the carrier, so it cannot be cancelled."})]),
        ],
        {},
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-304"},
    ),
    "sm-5": (
        "tool_error_handled",
        SUPPORT,
        "Where is order E4? If it has not shipped, cancel E5.",
        [
            (T, [("lookup_order", {"order_id": "E4"}), ("cancel_order", {"order_id": "E5"})]),
            (T, [("final_answer", {"answer": "E4 has shipped; E5 could not be cancelled."})]),
        ],
        {},
        {"task_type": "cancellation", "channel": "api", "customer_tier": "pro", "customer_id": "cust-305"},
    ),
    "sm-6": (
        "tool_error_handled",
        SUPPORT,
        "Cancel order F6 now.",
        [
            (T, [("cancel_order", {"order_id": "F6"})]),
            (T, [("cancel_order", {"order_id": "F6"})]),
            (X, "Order F6 could not be cancelled: it is already with the carrier."),
        ],
        {"max_steps": 2},
        {"task_type": "cancellation", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-306"},
    ),
    "sm-7": (
        "model_error",
        SUPPORT,
        "Where is order G7?",
        [(T, [("lookup_order", {"order_id": "G7"})]), (E, 503)],
        {},
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-307"},
    ),
    "sm-8": (
        "model_error",
        SUPPORT,
        "Cancel order H8.",
        [(T, [("cancel_order", {"order_id": "H8"})]), (E, 503)],
        {"max_steps": 1},
        {"task_type": "cancellation", "channel": "api", "customer_tier": "free", "customer_id": "cust-308"},
    ),
    "sm-9": (
        "run_raises",
        SUPPORT,
        "Check orders J1 and the stock of SKU-4, then tell me everything.",
        [
            (T, [("lookup_order", {"order_id": "J1"})]),
            (T, [("check_inventory", {"sku": "SKU-4"})]),
        ],
        {"budget": True},
        {"task_type": "order_status", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-309"},
    ),
    "sm-10": (
        "guardrail_tripped",
        BILLING,
        "Which card did you refund order K1 to?",
        [
            (T, [("final_answer", {"answer": "We refunded K1 to your card 4111 1111 1111 1111."})]),
            (T, [("final_answer", {"answer": "We refunded K1 to the card you paid with."})]),
        ],
        {"checks": True},
        {"task_type": "refund_request", "channel": "email", "customer_tier": "free", "customer_id": "cust-310"},
    ),
    "sm-11": (
        "guardrail_tripped",
        BILLING,
        "Read me back the card on order L2.",
        [
            (T, [("final_answer", {"answer": "The card on L2 is 5500 0000 0000 0004."})]),
            (T, [("final_answer", {"answer": "It is card 5500-0000-0000-0004."})]),
            (X, "I cannot read card numbers back; the card on L2 ends in 0004."),
        ],
        {"checks": True, "max_steps": 2},
        {"task_type": "billing", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-311"},
    ),
    "sm-12": (
        "plain",
        SUPPORT,
        "What are your opening hours?",
        [(T, [("final_answer", {"answer": "We answer around the clock."})])],
        {},
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-312"},
    ),
    "sm-13": (
        "plain",
        SUPPORT,
        "Do you ship to Norway?",
        [
            (X, "1. Answer from the shipping policy.\n2. Give the final answer.\n<end_plan>"),
            (T, [("final_answer", {"answer": "Yes, we ship to Norway in 3 to 5 days."})]),
        ],
        {"planning_interval": 1},
        {"task_type": "faq", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-313"},
    ),
}


def memory_call_ids(agent: ToolCallingAgent) -> dict[tuple[int, str, str], list[str]]:
    """(step number, tool name, canonical arguments) -> tool call ids, from smolagents' memory."""
    found: dict[tuple[int, str, str], list[str]] = {}
    for step in agent.memory.steps:
        if not isinstance(step, ActionStep) or step.model_output_message is None:
            continue
        for call in step.model_output_message.tool_calls or []:
            args = call.function.arguments
            args = json.loads(args) if isinstance(args, str) else args
            key = (step.step_number, call.function.name, json.dumps(args, sort_keys=True))
            found.setdefault(key, []).append(call.id)
    return found


def memory_usage(agent: ToolCallingAgent) -> tuple[int, int, int]:
    """Model requests with usage, input and output tokens, from the agent's memory steps."""
    steps = [s for s in agent.memory.steps if isinstance(s, (ActionStep, PlanningStep)) and s.token_usage]
    return (
        len(steps),
        sum(s.token_usage.input_tokens for s in steps),
        sum(s.token_usage.output_tokens for s in steps),
    )


def main() -> None:
    runs = []
    for task_id, (scenario, agent_name, question, plan, options, cohorts) in PLANS.items():
        run = fixture_kit.new_run(task_id, scenario, agent_name, **cohorts)
        agent = ToolCallingAgent(
            tools=[*TOOLS, AnswerTool()],
            model=new_model(),
            name=agent_name,
            description="Resolves customer tickets for an online shop.",
            max_steps=options.get("max_steps", 5),
            final_answer_checks=[no_card_numbers] if options.get("checks") else None,
            step_callbacks=[token_budget] if options.get("budget") else None,
            planning_interval=options.get("planning_interval"),
            stream_outputs=options.get("stream_outputs", False),
            verbosity_level=LogLevel.OFF,
        )
        STATE.update(run=run, plan=list(plan), call_seq=0, agent=agent, attempt_keys=[])
        result = None
        try:
            with using_session(task_id), using_metadata(cohorts):
                result = agent.run(f"Customer {cohorts['customer_id']} asks: {question}", return_full_result=True)
            run.update(outcome="completed", error_type=None)
        except Exception as exc:  # the run raised: the framework's own verdict
            run.update(outcome="failed", error_type=type(exc).__name__)
        assert not STATE["plan"], (task_id, STATE["plan"])
        # the framework's own usage records must equal what the scripted model returned
        with_usage, memory_in, memory_out = memory_usage(agent)
        assert with_usage == len(run["calls"]), (task_id, with_usage, len(run["calls"]))
        fixture_kit.agree(run, input_tokens=memory_in, output_tokens=memory_out)
        # agent.monitor (what the AGENT span reports) counts ActionSteps only, not PlanningSteps
        actions = [s for s in agent.memory.steps if isinstance(s, ActionStep) and s.token_usage]
        assert agent.monitor.total_input_token_count == sum(s.token_usage.input_tokens for s in actions), task_id
        assert agent.monitor.total_output_token_count == sum(s.token_usage.output_tokens for s in actions), task_id
        if result is not None and result.token_usage is not None:  # None when a step has no usage
            fixture_kit.agree(
                run, input_tokens=result.token_usage.input_tokens, output_tokens=result.token_usage.output_tokens
            )
        STATE.setdefault("results", {})[task_id] = (
            run["outcome"],
            run["error_type"],
            result.state if result else None,
            result.token_usage if result else None,
            repr(result.output)[:80] if result else None,
        )
        # the call id of every tool execution, from smolagents' own memory
        ids = memory_call_ids(agent)
        for record, key in zip(run["tool_attempts"], STATE["attempt_keys"], strict=True):
            matches = ids.get(key, [])
            assert len(matches) == 1, (task_id, key, matches)
            record["call"] = matches[0]
        runs.append(run)
    # nothing installed a global tracer provider: our spans went to ours only
    assert isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider), trace.get_tracer_provider()
    provider.shutdown()
    for task_id, summary in STATE["results"].items():
        print(task_id, *summary)
    fixture_kit.write_expected(
        NAME,
        "openinference",
        runs,
        distributions=[
            "smolagents",
            "openai",
            "openinference-instrumentation-smolagents",
            "openinference-instrumentation",
            "openinference-semantic-conventions",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            "cached_input_tokens": "smolagents' TokenUsage has only input_tokens/output_tokens: OpenAIModel drops "
            "usage.prompt_tokens_details.cached_tokens and the LLM span has no llm.token_count.prompt_details.* "
            "attribute; the number survives only inside the LLM span's output.value JSON at $.raw, a Python repr "
            "string of the SDK's ChatCompletion (non-streamed calls only)",
            "reasoning_output_tokens": "as cached_input_tokens: completion_tokens_details.reasoning_tokens is "
            "dropped, no llm.token_count.completion_details.reasoning on the LLM span (only in the $.raw repr)",
            "guardrails": "no GUARDRAIL span and no event: a final_answer_checks failure is raised in the agent "
            "loop after the step's span has ended (the 'Step N' CHAIN span stays OK); a trip shows only as the "
            "next step's extra LLM and final_answer TOOL spans, and as text in that LLM span's input messages "
            "(a 'tool-response' message 'Call id: <id>\\nError:\\nCheck no_card_numbers failed ...'); a check "
            "that passes leaves no mark at all",
            "agent_id": {
                "reason": "a run that raises has no AGENT span (the instrumentation never ends it), and the agent's "
                "name is only in that span's name: its orphaned steps form the task, named after the service",
                "runs": ["sm-7", "sm-9"],
            },
            "outcome": {
                "reason": "an interrupted run (agent.interrupt(), AgentError 'Agent interrupted.') leaves no error "
                "anywhere: its AGENT span is never ended nor exported (the instrumentation records the exception "
                "but never ends the span) and every step span ends OK",
                "runs": ["sm-9"],
            },
        },
        unsupported_scenarios={
            "tool_retried": "smolagents has no tool retry: a raising tool becomes AgentToolExecutionError on the "
            "step and goes back to the model (tool_error_handled); its only retry is ApiModel's rate-limit "
            "retry of model requests, inside one generate call (one LLM span for all attempts)",
            "retries_exhausted": "as tool_retried",
            "evaluated": "openinference-instrumentation-smolagents records no evaluation (no EVALUATOR span, "
            "no annotation), and smolagents has no evaluator of its own",
        },
    )


if __name__ == "__main__":
    main()
