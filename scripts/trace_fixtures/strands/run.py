"""Strands Agents 1.62 with its native OpenTelemetry tracing (GenAI conventions), run offline.

    .venv-traces/strands/bin/python scripts/trace_fixtures/strands/run.py

A NAMED agent (`Agent(name="support-agent")`, one `Agent` per task as Strands sessions are) with six
tools, driven by a scripted `strands.models.Model` subclass that streams Bedrock-style events
(`toolUse` content blocks — two in one message are a parallel call — and a `metadata` event whose
usage has `inputTokens` without the cache, `cacheReadInputTokens`, `cacheWriteInputTokens`, and a
`totalTokens` over all of them, as Bedrock reports it). Strands' own mechanisms only:

* model retry: `ModelRetryStrategy` (the class of the default `retry_strategy`, here without the
  back-off delay) retries a `ModelThrottledException`;
* tool retry: Strands' documented hook-driven retry, `AfterToolCallEvent.retry = True` from a
  `HookProvider` (Strands ships no tool retry strategy class);
* handled tool error: Strands turns every exception a tool raises into an error `toolResult`
  (`status: "error"`) that goes back to the model;
* guardrails: `InterventionHandler`s (`Agent(interventions=[...])`, Strands' first-class primitive for
  "authorization, guardrails"): `refund-limit` denies an `issue_refund` call over a limit in
  `before_tool_call` (the tool is cancelled, the model gets the denial), `card-number-filter` denies
  an invocation whose prompt holds a card number in `before_invocation` (no model call at all);
* a run that raises: the model stops on `max_tokens` -> `MaxTokensReachedException`;
* evaluations: the Strands Evals SDK (`strands-agents-evals`), `Experiment.run_evaluations` with a
  built-in deterministic evaluator (`Contains`) and a code evaluator with a score mapping.

Tracing: `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` (read by strands' Tracer); the
README's exporter set-up (fixture_kit.tracer_provider) is made the GLOBAL tracer provider, because
Strands' tracer and strands-evals' tracer both read the global one (`StrandsTelemetry(tracer_provider=p)`
keeps `p` without making it global: alone it exports nothing, checked). The task id is Strands'
documented `trace_attributes={"session.id": ...}`; customer_id goes to `user.id` (also in Strands'
docs); the other cohorts are trace attributes under this project's `agent_kpis.*` keys. Strands copies
`trace_attributes` onto every span it makes (agent, cycle, chat, execute_tool).

Ground truth: the outcome is what `agent(prompt)` did (returned / raised); token totals come from
Strands' own `EventLoopMetrics.accumulated_usage` (`AgentResult.metrics`, or `agent.event_loop_metrics`
when the run raised) and must agree with what the scripted model returned; every tool records its own
execution under the `toolUseId` Strands hands it (`ToolContext.tool_use`); the guardrails record what
they decided; evaluations are read from the Experiment's report.
"""

from __future__ import annotations

import os

os.environ["OTEL_SEMCONV_STABILITY_OPT_IN"] = "gen_ai_latest_experimental"  # strands' Tracer reads it
os.environ.pop("AGENT_OBSERVABILITY_ENABLED", None)  # strands-evals: no CloudWatch log export

import json
import re
import sys
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any, ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from opentelemetry import trace as trace_api

import fixture_kit

NAME = "strands"
AGENT = "support-agent"
MODEL = "scripted-support-model"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "2.3.0")
trace_api.set_tracer_provider(provider)  # before strands' Tracer singleton is made

from strands import Agent, ModelRetryStrategy, tool
from strands.hooks import AfterToolCallEvent, HookProvider, HookRegistry
from strands.interventions import Deny, InterventionHandler, Proceed
from strands.models import Model
from strands.types.exceptions import ModelThrottledException
from strands.types.tools import ToolContext
from strands_evals import Case, Experiment
from strands_evals.evaluators import Contains, Evaluator
from strands_evals.experiment import _get_label_from_score
from strands_evals.types import EvaluationData, EvaluationOutput

STATE: dict[str, Any] = {"global_calls": 0}
REFUND_LIMIT = 100.0
CARD = re.compile(r"\b(?:\d[ -]?){13,16}\b")


class ScriptedModel(Model):
    """Streams the current run's plan: ("tools", [(name, args), ...]), ("text", str), ("max_tokens", str)
    or ("throttle",). Usage is distinct per call, with cache reads / cache writes on some calls."""

    def __init__(self) -> None:
        self.config: dict[str, Any] = {"model_id": MODEL}

    def update_config(self, **model_config: Any) -> None:
        self.config.update(model_config)

    def get_config(self) -> dict[str, Any]:
        return self.config

    async def structured_output(self, output_model: Any, prompt: Any, system_prompt: Any = None, **kwargs: Any):  # type: ignore[override]
        raise NotImplementedError("no structured output in these fixtures")
        yield  # pragma: no cover

    async def stream(  # type: ignore[override]
        self, messages: Any, tool_specs: Any = None, system_prompt: Any = None, **kwargs: Any
    ) -> AsyncGenerator[dict, None]:
        run = STATE["run"]
        step = STATE["plan"].pop(0)
        if step[0] == "throttle":
            fixture_kit.model_error(run)
            raise ModelThrottledException("ThrottlingException: Too many requests, please wait before trying again.")
        STATE["global_calls"] += 1
        g = STATE["global_calls"]
        prompt_tokens, output_tokens = 100 * g + 7, 10 + g  # the whole prompt, cache included
        cache_read = 32 + g if g % 2 == 0 else 0
        cache_write = 16 + g if g % 3 == 0 else 0
        fixture_kit.model_call(run, prompt_tokens, output_tokens, cached=cache_read)
        usage = {
            "inputTokens": prompt_tokens - cache_read - cache_write,  # Bedrock: without the cache
            "outputTokens": output_tokens,
            "totalTokens": prompt_tokens + output_tokens,
        }
        if cache_read:
            usage["cacheReadInputTokens"] = cache_read
        if cache_write:
            usage["cacheWriteInputTokens"] = cache_write
        yield {"messageStart": {"role": "assistant"}}
        if step[0] == "tools":
            STATE["call_seq"] += 1
            for i, (name, args) in enumerate(step[1]):
                call_id = f"{run['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}"
                start = {"toolUse": {"toolUseId": call_id, "name": name}}
                yield {"contentBlockStart": {"contentBlockIndex": i, "start": start}}
                yield {"contentBlockDelta": {"contentBlockIndex": i, "delta": {"toolUse": {"input": json.dumps(args)}}}}
                yield {"contentBlockStop": {"contentBlockIndex": i}}
            stop_reason = "tool_use"
        else:
            yield {"contentBlockStart": {"contentBlockIndex": 0, "start": {}}}
            yield {"contentBlockDelta": {"contentBlockIndex": 0, "delta": {"text": step[1]}}}
            yield {"contentBlockStop": {"contentBlockIndex": 0}}
            stop_reason = "max_tokens" if step[0] == "max_tokens" else "end_turn"
        yield {"messageStop": {"stopReason": stop_reason}}
        yield {"metadata": {"usage": usage, "metrics": {"latencyMs": 40 + g}}}


def attempt(tool_name: str, tool_context: ToolContext, ok: bool) -> None:
    """What the tool saw of its own execution, under the toolUseId Strands handed it."""
    fixture_kit.tool_attempt(STATE["run"], tool_name, tool_context.tool_use["toolUseId"], ok)


@tool(context=True)
async def lookup_order(order_id: str, tool_context: ToolContext) -> str:
    """Look up an order's status.

    Args:
        order_id: The order id.
    """
    attempt("lookup_order", tool_context, True)
    return f"order {order_id}: shipped"


@tool(context=True)
async def check_inventory(sku: str, tool_context: ToolContext) -> str:
    """Check stock for a SKU (a flaky service: the ToolRetry hook retries it).

    Args:
        sku: The stock keeping unit.
    """
    if STATE["inventory_failures"] > 0:
        STATE["inventory_failures"] -= 1
        attempt("check_inventory", tool_context, False)
        raise ConnectionError("inventory service timed out")
    attempt("check_inventory", tool_context, True)
    return f"{sku}: 14 in stock"


@tool(context=True)
async def issue_refund(order_id: str, amount: float, tool_context: ToolContext) -> str:
    """Refund an amount on an order.

    Args:
        order_id: The order id.
        amount: The amount to refund.
    """
    attempt("issue_refund", tool_context, True)
    return f"refunded {amount:.2f} on {order_id}"


@tool(context=True)
async def cancel_order(order_id: str, tool_context: ToolContext) -> str:
    """Cancel an order (its PermissionError goes back to the model as an error toolResult).

    Args:
        order_id: The order id.
    """
    attempt("cancel_order", tool_context, False)
    raise PermissionError(f"order {order_id} is already with the carrier")


@tool(context=True)
async def send_email(to: str, subject: str, tool_context: ToolContext) -> str:
    """Send the customer an email.

    Args:
        to: The address.
        subject: The subject line.
    """
    attempt("send_email", tool_context, True)
    return f"sent '{subject}'"


@tool(context=True)
async def escalate_ticket(reason: str, tool_context: ToolContext) -> str:
    """Escalate to a human.

    Args:
        reason: Why.
    """
    attempt("escalate_ticket", tool_context, True)
    return "ticket T-1 opened"


TOOLS = [lookup_order, check_inventory, issue_refund, cancel_order, send_email, escalate_ticket]


class ToolRetry(HookProvider):
    """Strands' hook-driven tool retry: AfterToolCallEvent.retry = True re-runs the same tool call."""

    def __init__(self, tools: set[str], max_retries: int) -> None:
        self.tools, self.max_retries = tools, max_retries
        self.retries: dict[str, int] = {}

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        registry.add_callback(AfterToolCallEvent, self.after_tool_call)

    def after_tool_call(self, event: AfterToolCallEvent) -> None:
        call_id = event.tool_use["toolUseId"]
        retried = self.retries.get(call_id, 0)
        if event.exception is not None and event.tool_use["name"] in self.tools and retried < self.max_retries:
            self.retries[call_id] = retried + 1
            event.retry = True


class RefundLimit(InterventionHandler):
    """A tool guardrail: issue_refund above REFUND_LIMIT is denied before it runs."""

    name = "refund-limit"

    def before_tool_call(self, event: Any, **kwargs: Any) -> Proceed | Deny:
        if event.tool_use["name"] != "issue_refund":
            return Proceed()
        tripped = float(event.tool_use["input"].get("amount", 0)) > REFUND_LIMIT
        STATE["run"]["guardrails"].append({"guardrail": self.name, "triggered": tripped})
        return Deny(reason=f"refunds above {REFUND_LIMIT:.0f} need a supervisor") if tripped else Proceed()


class CardNumberFilter(InterventionHandler):
    """An input guardrail: a prompt holding a card number is denied before any model call."""

    name = "card-number-filter"

    def before_invocation(self, event: Any, **kwargs: Any) -> Proceed | Deny:
        text = " ".join(block.get("text", "") for message in (event.messages or []) for block in message["content"])
        tripped = bool(CARD.search(text))
        STATE["run"]["guardrails"].append({"guardrail": self.name, "triggered": tripped})
        return Deny(reason="card numbers are not accepted in chat") if tripped else Proceed()


def make_agent(task: str, cohorts: dict[str, str], model_attempts: int) -> Agent:
    return Agent(
        model=ScriptedModel(),
        tools=TOOLS,
        system_prompt="You are the support desk's agent. Use the tools.",
        name=AGENT,
        callback_handler=None,
        trace_attributes={
            "session.id": task,
            "user.id": cohorts["customer_id"],
            "agent_kpis.task_type": cohorts["task_type"],
            "agent_kpis.channel": cohorts["channel"],
            "agent_kpis.customer_tier": cohorts["customer_tier"],
        },
        retry_strategy=ModelRetryStrategy(max_attempts=model_attempts, initial_delay=0, max_delay=0),
        hooks=[ToolRetry({"check_inventory"}, max_retries=2)],
        interventions=[CardNumberFilter(), RefundLimit()],
    )


def agree_with_strands(run: dict[str, Any], metrics: Any) -> None:
    """Strands' own accumulated usage against what the scripted model returned. Strands' spans count
    the whole prompt (inputTokens + cacheRead + cacheWrite when totalTokens says the cache is apart)."""
    usage = metrics.accumulated_usage
    cache_read, cache_write = usage.get("cacheReadInputTokens", 0), usage.get("cacheWriteInputTokens", 0)
    fixture_kit.agree(
        run,
        input_tokens=usage["inputTokens"] + cache_read + cache_write,
        output_tokens=usage["outputTokens"],
        cached_input_tokens=cache_read,
        reasoning_output_tokens=None,  # Strands' Usage has no reasoning counter
    )
    tool_calls = sum(m.call_count for m in metrics.tool_metrics.values())
    assert tool_calls == len(run["tool_attempts"]), (run["task_id"], tool_calls, run["tool_attempts"])


T, X = "tools", "text"
CohortT = dict[str, str]
# task -> (scenario, prompt, plan, check_inventory failures, model attempts, cohorts)
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], int, int, CohortT]] = {
    "st-1": (
        "several_tools",
        "Where is order A1? Email me the status.",
        [
            (T, [("lookup_order", {"order_id": "A1"})]),
            (T, [("send_email", {"to": "c1@example.com", "subject": "Order A1 shipped"})]),
            (X, "Order A1 has shipped; I emailed you the details."),
        ],
        0,
        2,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-101"},
    ),
    "st-2": (
        "parallel_tools",
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        2,
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-102"},
    ),
    "st-3": (
        "tool_retried",
        "Is SKU-4 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-4"})]), (X, "Yes, 14 units of SKU-4.")],
        2,
        2,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-103"},
    ),
    "st-4": (
        "retries_exhausted",
        "Is SKU-5 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-5"})]), (X, "The inventory service is down; try later.")],
        3,
        2,
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-104"},
    ),
    "st-5": (
        "tool_error_handled",
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        2,
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-105"},
    ),
    "st-6": (
        "model_error",
        "Refund 20 on order D4.",
        [("throttle",), (T, [("issue_refund", {"order_id": "D4", "amount": 20.0})]), (X, "Refunded 20.00.")],
        0,
        2,
        {"task_type": "refund_request", "channel": "email", "customer_tier": "pro", "customer_id": "cust-106"},
    ),
    "st-7": (
        "model_error",
        "Where is order E5?",
        [("throttle",), ("throttle",)],
        0,
        2,
        {"task_type": "order_status", "channel": "api", "customer_tier": "free", "customer_id": "cust-107"},
    ),
    "st-8": (
        "run_raises",
        "Summarise every order I ever placed, in full detail.",
        [(T, [("lookup_order", {"order_id": "F6"})]), ("max_tokens", "Order F6 shipped on the 3rd; order F5 was")],
        0,
        2,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "enterprise", "customer_id": "cust-108"},
    ),
    "st-9": (
        "guardrail_tripped",
        "Refund 500 on order G7, it never arrived.",
        [
            (T, [("issue_refund", {"order_id": "G7", "amount": 500.0})]),
            (T, [("escalate_ticket", {"reason": "refund of 500 on G7 needs a supervisor"})]),
            (X, "A refund that large needs a supervisor; I opened ticket T-1."),
        ],
        0,
        2,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-109"},
    ),
    "st-10": (
        "guardrail_tripped",
        "Refund order H8 to my card 4111 1111 1111 1111 please.",
        [],
        0,
        2,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "free", "customer_id": "cust-110"},
    ),
    "st-11": (
        "plain",
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        2,
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-111"},
    ),
}
# evaluated runs: strands-evals Experiment cases (task -> (case name, prompt, plan, cohorts))
EVAL_CASES: dict[str, tuple[str, str, list[tuple[Any, ...]], CohortT]] = {
    "st-12": (
        "refund-small",
        "Order J9 arrived broken: refund 35.50.",
        [(T, [("issue_refund", {"order_id": "J9", "amount": 35.5})]), (X, "Refunded 35.50 on J9.")],
        {"task_type": "refund_request", "channel": "api", "customer_tier": "pro", "customer_id": "cust-112"},
    ),
    "st-13": (
        "status-unclear",
        "Where is order K10?",
        [(X, "I am not sure, please ask again later.")],
        {"task_type": "order_status", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-113"},
    ),
}


class ResolutionEvaluator(Evaluator[str, str]):
    """A code evaluator with a score mapping (strands-evals labels a score by its evaluator's mapping)."""

    _score_mapping: ClassVar[dict[str, float]] = {"resolved": 1.0, "unresolved": 0.0}

    def evaluate(self, evaluation_case: EvaluationData[str, str]) -> list[EvaluationOutput]:
        answer = str(evaluation_case.actual_output)
        resolved = "not sure" not in answer.lower()
        reason = "the answer settles the request" if resolved else "the answer defers the request"
        return [EvaluationOutput(score=1.0 if resolved else 0.0, test_pass=resolved, reason=reason)]

    async def evaluate_async(self, evaluation_case: EvaluationData[str, str]) -> list[EvaluationOutput]:
        return self.evaluate(evaluation_case)


def start_run(
    task: str, scenario: str, plan: list[tuple[Any, ...]], inventory_failures: int, cohorts: CohortT
) -> dict[str, Any]:
    run = fixture_kit.new_run(task, scenario, AGENT, **cohorts)
    STATE.update(run=run, plan=list(plan), inventory_failures=inventory_failures, call_seq=0)
    return run


def main() -> None:
    runs = []
    for task, (scenario, prompt, plan, inventory_failures, model_attempts, cohorts) in PLANS.items():
        run = start_run(task, scenario, plan, inventory_failures, cohorts)
        agent = make_agent(task, cohorts, model_attempts)
        try:
            result = agent(prompt)
            run.update(outcome="completed", error_type=None)
            metrics = result.metrics
        except Exception as exc:  # the run raised: the framework's own verdict
            run.update(outcome="failed", error_type=type(exc).__name__)
            metrics = agent.event_loop_metrics
        agree_with_strands(run, metrics)
        assert not STATE["plan"], (task, STATE["plan"])
        runs.append(run)

    # evaluated: one Experiment, a case per task; the task function runs a fresh agent per case
    by_case = {case_name: task for task, (case_name, *_rest) in EVAL_CASES.items()}
    eval_runs: dict[str, dict[str, Any]] = {}

    def support_task(case: Case) -> dict[str, Any]:
        task = by_case[case.name]
        _, prompt, plan, cohorts = EVAL_CASES[task]
        run = start_run(task, "evaluated", plan, 0, cohorts)
        eval_runs[case.name] = run
        agent = make_agent(task, cohorts, 2)
        result = agent(prompt)  # these cases do not raise
        run.update(outcome="completed", error_type=None)
        agree_with_strands(run, result.metrics)
        trajectory = [t["tool"] for t in run["tool_attempts"]]
        return {"output": str(result).strip(), "trajectory": trajectory}

    evaluators: list[Evaluator] = [
        Contains("refunded", case_sensitive=False, name="mentions_refund"),
        ResolutionEvaluator(name="resolution"),
    ]
    experiment = Experiment[str, str](
        cases=[
            Case[str, str](name=case_name, input=prompt, session_id=task)
            for task, (case_name, prompt, _plan, _cohorts) in EVAL_CASES.items()
        ],
        evaluators=evaluators,
    )
    report = experiment.run_evaluations(support_task)
    by_name = {e.get_name(): e for e in evaluators}
    rows = zip(report.cases, report.scores, report.test_passes, report.detailed_results, strict=True)
    for row, score, passed, outputs in rows:
        evaluator = by_name[row["evaluator"]]
        eval_runs[row["name"]]["evaluations"].append(
            {
                "name": row["evaluator"],
                "score": float(score),
                "label": _get_label_from_score(evaluator, float(score), outputs),  # strands-evals' own labelling
                "passed": bool(passed),
            }
        )
    runs.extend(eval_runs[case_name] for case_name, *_ in EVAL_CASES.values())

    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "opentelemetry_genai",
        runs,
        distributions=[
            "strands-agents",
            "strands-agents-evals",
            "opentelemetry-api",
            "opentelemetry-sdk",
            "opentelemetry-semantic-conventions",
            "opentelemetry-instrumentation-threading",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            "reasoning_output_tokens": "Strands' Usage type (inputTokens, outputTokens, totalTokens, cacheRead/"
            "cacheWriteInputTokens) has no reasoning-token counter, so no span carries one",
            "guardrails": "no guardrail span or attribute: a denied tool call (InterventionHandler Deny in "
            "before_tool_call) records NO execute_tool span; it shows only as an error toolResult "
            "('DENIED: ...') in the cycle span's output and the next chat span's input messages; a denied "
            "invocation (before_invocation) leaves an invoke_agent span with no cycle and the 'DENIED: ...' "
            "text as its output message; a passed check leaves nothing",
        },
        unsupported_scenarios={},
    )


if __name__ == "__main__":
    main()
