"""LlamaIndex agents (`FunctionAgent`, llama-index-core 0.14), traced by OpenInference, run offline.

    .venv-traces/llama_index/bin/python scripts/trace_fixtures/llama_index/run.py

Two named agents on one scripted model:

* `support-agent`: a plain `FunctionAgent`. A tool that raises is handed back to the model by
  FunctionAgent itself (`BaseWorkflowAgent._call_tool` turns the exception into a
  `ToolOutput(is_error=True)` that goes to the model as the tool message); it has no retry of
  its own, so a model error or the step limit (`max_iterations`, `WorkflowRuntimeError`)
  makes the run raise.
* `inventory-agent`: the same agent with LlamaIndex Workflows' own retry mechanism, step
  retry policies (`@step(retry_policy=...)`), on two of FunctionAgent's steps: `call_tool`
  (a tool's `InventoryTimeout` is re-raised instead of handed back, so the runtime runs the
  step, and the tool, again under the same ToolCall, up to 3 attempts) and `run_agent_step`
  (a `RateLimitError` from the model is retried once).

The model is a `FunctionCallingLLM` subclass whose (streamed, one chunk) `ChatResponse` carries
the tool calls as `ToolCallBlock`s and the usage in `raw["usage"]` in OpenAI's shape
(prompt/completion tokens, `prompt_tokens_details.cached_tokens`,
`completion_tokens_details.reasoning_tokens`), which is where the OpenInference instrumentation
reads token counts. `openinference-instrumentation-llama-index` traces it into the README's
exporter set-up; the task id is `using_session(task_id)`, the cohorts `using_metadata({...})`.

Ground truth: the outcome is what awaiting the run's handler did (returned / raised); input and
output token totals and the number of model requests come from LlamaIndex's own
`TokenCountingHandler` (on the LLM's callback manager: one entry per request, failed ones
included); cached and reasoning totals from the usage the framework's `AgentOutput` events carry
(the agent's own record of each model response). Tools record their own executions; the tool
call id (`ToolSelection.tool_id`) is not passed to tool functions, so each execution is matched
to the id of the framework's `ToolCall` event with the same tool name and arguments (each
attempt, retries included, emits one on the event stream).
"""

import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from llama_index.core.agent.workflow import AgentOutput, FunctionAgent, ToolCall, ToolCallResult
from llama_index.core.agent.workflow.workflow_events import AgentSetup
from llama_index.core.base.llms.types import ToolCallBlock
from llama_index.core.callbacks import CallbackManager, TokenCountingHandler
from llama_index.core.llms import (
    ChatMessage,
    ChatResponse,
    ChatResponseAsyncGen,
    ChatResponseGen,
    CompletionResponse,
    LLMMetadata,
)
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from llama_index.core.llms.function_calling import FunctionCallingLLM
from llama_index.core.tools import ToolSelection
from llama_index.core.workflow import Context, step
from openinference.instrumentation import using_metadata, using_session
from openinference.instrumentation.llama_index import LlamaIndexInstrumentor
from workflows.retry_policy import retry_if_exception_type, retry_policy, stop_after_attempt, wait_none

import fixture_kit

NAME = "llama_index"
MODEL = "scripted-support-model"
SUPPORT, INVENTORY = "support-agent", "inventory-agent"

provider = fixture_kit.tracer_provider(NAME, "support-desk", "3.1.0")
LlamaIndexInstrumentor().instrument(tracer_provider=provider)

STATE: dict[str, Any] = {"global_calls": 0}


class RateLimitError(Exception):
    """What a provider client raises on HTTP 429."""


class ServiceUnavailableError(Exception):
    """What a provider client raises on HTTP 503."""


class InventoryTimeout(TimeoutError):
    """The inventory service's transient failure (inventory-agent retries it)."""


class ScriptedLLM(FunctionCallingLLM):
    """Answers from the current run's plan: ("tools", [(name, args), ...]), ("text", str),
    ("rate_limit",) or ("unavailable",). Usage is distinct per call, with cache reads and
    reasoning on some."""

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name=MODEL, is_chat_model=True, is_function_calling_model=True)

    def _respond(self, messages: Sequence[ChatMessage]) -> ChatResponse:
        run = STATE["run"]
        step_ = STATE["plan"].pop(0)
        if step_[0] == "rate_limit":
            fixture_kit.model_error(run)
            raise RateLimitError("Error code: 429 - rate limit reached for requests")
        if step_[0] == "unavailable":
            fixture_kit.model_error(run)
            raise ServiceUnavailableError("Error code: 503 - the model is overloaded")
        STATE["global_calls"] += 1
        g = STATE["global_calls"]
        input_tokens, output_tokens = 100 * g + 7, 10 + g
        cached = 32 + g if g % 2 == 0 else 0
        reasoning = 3 + g % 5 if g % 3 == 0 else 0
        fixture_kit.model_call(run, input_tokens, output_tokens, cached=cached, reasoning=reasoning)
        usage = {
            "prompt_tokens": input_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "prompt_tokens_details": {"cached_tokens": cached},
            "completion_tokens_details": {"reasoning_tokens": reasoning},
        }
        if step_[0] == "tools":
            STATE["call_seq"] += 1
            blocks = [
                ToolCallBlock(
                    tool_call_id=f"{run['task_id']}-call-{STATE['call_seq']}{'abcdef'[i]}",
                    tool_name=name,
                    tool_kwargs=args,
                )
                for i, (name, args) in enumerate(step_[1])
            ]
            message = ChatMessage(role="assistant", blocks=blocks)
            finish = "tool_calls"
        else:
            message = ChatMessage(role="assistant", content=step_[1])
            finish = "stop"
        raw = {"id": f"chatcmpl-{g}", "model": MODEL, "usage": usage, "choices": [{"finish_reason": finish}]}
        return ChatResponse(message=message, raw=raw, delta=message.content or "")

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return self._respond(messages)

    @llm_chat_callback()
    async def achat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        return self._respond(messages)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        response = self._respond(messages)

        def gen() -> ChatResponseGen:
            yield response

        return gen()

    @llm_chat_callback()
    async def astream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseAsyncGen:
        response = self._respond(messages)  # one chunk, usage on it (as with include_usage)

        async def gen() -> ChatResponseAsyncGen:
            yield response

        return gen()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        raise NotImplementedError("chat only")

    @llm_completion_callback()
    async def acomplete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        raise NotImplementedError("chat only")

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError("chat only")

    @llm_completion_callback()
    async def astream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> Any:
        raise NotImplementedError("chat only")

    def _prepare_chat_with_tools(
        self,
        tools: Sequence[Any],
        user_msg: Any = None,
        chat_history: list[ChatMessage] | None = None,
        verbose: bool = False,
        allow_parallel_tool_calls: bool = False,
        tool_required: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any]:
        messages = list(chat_history or [])
        if user_msg:
            messages.append(ChatMessage(role="user", content=user_msg) if isinstance(user_msg, str) else user_msg)
        return {"messages": messages, "tools": [tool.metadata.to_openai_tool() for tool in tools], **kwargs}

    def get_tool_calls_from_response(
        self, response: ChatResponse, error_on_no_tool_call: bool = False, **kwargs: Any
    ) -> list[ToolSelection]:
        return [
            ToolSelection(tool_id=block.tool_call_id or "", tool_name=block.tool_name, tool_kwargs=block.tool_kwargs)
            for block in response.message.blocks
            if isinstance(block, ToolCallBlock)
        ]


def attempt(tool: str, ok: bool, **kwargs: Any) -> None:
    """What the tool saw of its own execution; its call id is resolved after the run."""
    STATE["attempts"].append((tool, kwargs, ok))


def lookup_order(order_id: str) -> str:
    """Look up an order's status."""
    attempt("lookup_order", True, order_id=order_id)
    return f"order {order_id}: shipped"


def check_inventory(sku: str) -> str:
    """Check stock for a SKU (a flaky service)."""
    if STATE["inventory_failures"] > 0:
        STATE["inventory_failures"] -= 1
        attempt("check_inventory", False, sku=sku)
        raise InventoryTimeout("inventory service timed out")
    attempt("check_inventory", True, sku=sku)
    return f"{sku}: 14 in stock"


def issue_refund(order_id: str, amount: float) -> str:
    """Refund an amount on an order."""
    attempt("issue_refund", True, order_id=order_id, amount=amount)
    return f"refunded {amount:.2f} on {order_id}"


def cancel_order(order_id: str) -> str:
    """Cancel an order (FunctionAgent hands its PermissionError back to the model)."""
    attempt("cancel_order", False, order_id=order_id)
    raise PermissionError(f"order {order_id} is already with the carrier")


def send_email(to: str, subject: str) -> str:
    """Send the customer an email."""
    attempt("send_email", True, to=to, subject=subject)
    return f"sent '{subject}'"


class RetryingFunctionAgent(FunctionAgent):
    """FunctionAgent with LlamaIndex Workflows' step retry policies on two of its own steps."""

    @step(retry_policy=retry_policy(retry=retry_if_exception_type(InventoryTimeout), wait=wait_none(),
                                    stop=stop_after_attempt(3)))  # fmt: skip
    async def call_tool(self, ctx: Context, ev: ToolCall) -> ToolCallResult:
        return await super().call_tool(ctx, ev)

    @step(retry_policy=retry_policy(retry=retry_if_exception_type(RateLimitError), wait=wait_none(),
                                    stop=stop_after_attempt(2)))  # fmt: skip
    async def run_agent_step(self, ctx: Context, ev: AgentSetup) -> AgentOutput:
        return await super().run_agent_step(ctx, ev)

    async def _call_tool(self, ctx: Context, tool: Any, tool_input: dict) -> Any:
        output = await super()._call_tool(ctx, tool, tool_input)
        if output.is_error and isinstance(output.exception, InventoryTimeout):
            raise output.exception  # transient: let the step's retry policy run it again
        return output


TOKENS = TokenCountingHandler(tokenizer=lambda text: text.split())  # offline: no tiktoken download
LLM = ScriptedLLM(callback_manager=CallbackManager([TOKENS]))
TOOLS = [lookup_order, check_inventory, issue_refund, cancel_order, send_email]
PROMPT = "You are the support desk's agent. Use the tools."
AGENTS = {
    SUPPORT: FunctionAgent(name=SUPPORT, description="Answers customers", tools=TOOLS, llm=LLM, system_prompt=PROMPT),
    INVENTORY: RetryingFunctionAgent(
        name=INVENTORY, description="Answers stock questions", tools=TOOLS, llm=LLM, system_prompt=PROMPT
    ),
}

T, X = "tools", "text"
# task -> (scenario, agent, prompt, plan, check_inventory failures, max_iterations, cohorts)
PLANS: dict[str, tuple[str, str, str, list[tuple[Any, ...]], int, int | None, dict[str, str]]] = {
    "li-1": (
        "several_tools",
        SUPPORT,
        "Order G7 arrived broken: refund it and confirm by email.",
        [
            (T, [("lookup_order", {"order_id": "G7"})]),
            (T, [("issue_refund", {"order_id": "G7", "amount": 35.5})]),
            (T, [("send_email", {"to": "c1@example.com", "subject": "Refund for G7"})]),
            (X, "Refunded 35.50 on G7 and emailed you."),
        ],
        0,
        None,
        {"task_type": "refund_request", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-201"},
    ),
    "li-2": (
        "parallel_tools",
        SUPPORT,
        "Is order B2 shipped and is SKU-9 in stock?",
        [
            (T, [("lookup_order", {"order_id": "B2"}), ("check_inventory", {"sku": "SKU-9"})]),
            (X, "B2 has shipped and SKU-9 is in stock."),
        ],
        0,
        None,
        {"task_type": "order_status", "channel": "email", "customer_tier": "free", "customer_id": "cust-202"},
    ),
    "li-3": (
        "tool_error_handled",
        SUPPORT,
        "Cancel order C3.",
        [(T, [("cancel_order", {"order_id": "C3"})]), (X, "C3 is with the carrier, so it cannot be cancelled.")],
        0,
        None,
        {"task_type": "cancellation", "channel": "chat", "customer_tier": "free", "customer_id": "cust-203"},
    ),
    "li-4": (
        "model_error",
        SUPPORT,
        "Where is order E5?",
        [("unavailable",)],
        0,
        None,
        {"task_type": "order_status", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-204"},
    ),
    "li-5": (
        "run_raises",
        SUPPORT,
        "Keep checking order F6 until it moves.",
        [(T, [("lookup_order", {"order_id": "F6"})]), (T, [("lookup_order", {"order_id": "F6-bis"})]), (X, "-")],
        0,
        2,
        {"task_type": "order_status", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-205"},
    ),
    "li-6": (
        "plain",
        SUPPORT,
        "What are your opening hours?",
        [(X, "We answer around the clock.")],
        0,
        None,
        {"task_type": "faq", "channel": "email", "customer_tier": "free", "customer_id": "cust-206"},
    ),
    "li-7": (
        "parallel_tools",
        SUPPORT,
        "Cancel order H8 and tell me where order H9 is.",
        [
            (T, [("cancel_order", {"order_id": "H8"}), ("lookup_order", {"order_id": "H9"})]),
            (X, "H8 is with the carrier and cannot be cancelled; H9 has shipped."),
        ],
        0,
        None,
        {"task_type": "cancellation", "channel": "api", "customer_tier": "pro", "customer_id": "cust-207"},
    ),
    "li-8": (
        "tool_retried",
        INVENTORY,
        "Is SKU-4 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-4"})]), (X, "Yes, 14 units of SKU-4.")],
        2,
        None,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "pro", "customer_id": "cust-208"},
    ),
    "li-9": (
        "retries_exhausted",
        INVENTORY,
        "Is SKU-5 in stock?",
        [(T, [("check_inventory", {"sku": "SKU-5"})]), (X, "never reached")],
        3,
        None,
        {"task_type": "stock_check", "channel": "api", "customer_tier": "enterprise", "customer_id": "cust-209"},
    ),
    "li-10": (
        "model_error",
        INVENTORY,
        "Where is order D4?",
        [("rate_limit",), (T, [("lookup_order", {"order_id": "D4"})]), (X, "D4 has shipped.")],
        0,
        None,
        {"task_type": "order_status", "channel": "email", "customer_tier": "pro", "customer_id": "cust-210"},
    ),
    "li-11": (
        "model_error",
        INVENTORY,
        "Is SKU-6 in stock?",
        [("rate_limit",), ("rate_limit",)],
        0,
        None,
        {"task_type": "stock_check", "channel": "chat", "customer_tier": "free", "customer_id": "cust-211"},
    ),
    "li-12": (
        "tool_error_handled",
        INVENTORY,
        "SKU-7 is out of stock, so cancel order J1.",
        [
            (T, [("check_inventory", {"sku": "SKU-7"})]),
            (T, [("cancel_order", {"order_id": "J1"})]),
            (X, "SKU-7 is in stock after all, and J1 is with the carrier, so it stays."),
        ],
        1,
        None,
        {"task_type": "cancellation", "channel": "email", "customer_tier": "enterprise", "customer_id": "cust-212"},
    ),
}


def _key(tool: str, kwargs: dict[str, Any]) -> tuple[str, str]:
    return tool, json.dumps(kwargs, sort_keys=True)


async def _run(agent: FunctionAgent, prompt: str, max_iterations: int | None, events: list[Any]) -> Any:
    handler = agent.run(user_msg=prompt, max_iterations=max_iterations)
    async for event in handler.stream_events():
        events.append(event)
    return await handler


def main() -> None:
    runs = []
    for task, (scenario, agent_name, prompt, plan, failures, max_iterations, cohorts) in PLANS.items():
        run = fixture_kit.new_run(task, scenario, agent_name, **cohorts)
        STATE.update(run=run, plan=list(plan), inventory_failures=failures, call_seq=0, attempts=[])
        TOKENS.reset_counts()
        events: list[Any] = []
        with using_session(task), using_metadata(cohorts):
            try:
                asyncio.run(_run(AGENTS[agent_name], prompt, max_iterations, events))
                run.update(outcome="completed", error_type=None)
            except Exception as exc:  # the run raised: the framework's own verdict
                run.update(outcome="failed", error_type=type(exc).__name__)
        # the call id of every execution: the framework's ToolCall events (one per attempt)
        ids: dict[tuple[str, str], set[str]] = {}
        for event in events:
            if type(event) is ToolCall:
                ids.setdefault(_key(event.tool_name, event.tool_kwargs), set()).add(event.tool_id)
        for tool, kwargs, ok in STATE["attempts"]:
            (call,) = ids[_key(tool, kwargs)]
            fixture_kit.tool_attempt(run, tool, call, ok)
        # the framework's own counts: TokenCountingHandler (requests, prompt/completion), AgentOutput usage
        assert len(TOKENS.llm_token_counts) == run["model_calls"], task
        usages = [event.raw["usage"] for event in events if type(event) is AgentOutput and event.raw]
        assert len(usages) == len(run["calls"]), task
        fixture_kit.agree(
            run,
            input_tokens=TOKENS.prompt_llm_token_count,
            output_tokens=TOKENS.completion_llm_token_count,
            cached_input_tokens=sum(u["prompt_tokens_details"]["cached_tokens"] for u in usages),
            reasoning_output_tokens=sum(u["completion_tokens_details"]["reasoning_tokens"] for u in usages),
        )
        assert not STATE["plan"] or run["outcome"] == "failed", (task, STATE["plan"])
        runs.append(run)
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "openinference",
        runs,
        distributions=[
            "llama-index-core",
            "llama-index-workflows",
            "llama-index-instrumentation",
            "openinference-instrumentation-llama-index",
            "openinference-instrumentation",
            "openinference-semantic-conventions",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={
            "agent_id": "no AGENT span and no agent.name attribute: the outermost span is the workflow's "
            "'<AgentClass>.run' CHAIN span (FunctionAgent.run / RetryingFunctionAgent.run); the agent's name "
            "appears only inside Python reprs (current_agent_name='support-agent') in the step spans' "
            "input.value / output.value",
            "tool_call_id": "TOOL spans (FunctionTool.acall) carry no tool_call.id; the id is on the LLM span's "
            "llm.output_messages.0.message.tool_calls.N.tool_call.id, on the next LLM span's input tool "
            "message (message.tool_call_id), and in the parent call_tool CHAIN span only inside Python reprs "
            '(input.value JSON $.ev = "ToolCall(..., tool_id=\'...\')", output.value "ToolCallResult(...)")',
        },
        unsupported_scenarios={
            "guardrail_tripped": "LlamaIndex agents have no guardrail facility (no input/output guardrails "
            "in FunctionAgent / AgentWorkflow) and the instrumentation has no GUARDRAIL span",
            "evaluated": "openinference-instrumentation-llama-index records no evaluation (no EVALUATOR span, "
            "no annotation); LlamaIndex's evaluation module runs outside the agent and is not traced as one",
        },
    )


if __name__ == "__main__":
    main()
