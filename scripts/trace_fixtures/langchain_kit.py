"""What the LangChain 1.5 fixture scripts share (langgraph, langgraph_quickstart, openllmetry,
otel_genai_langchain, opensearch_genai): imported like fixture_kit, after sys.path holds
scripts/trace_fixtures. Needs only langchain (and langchain-core), which every one of their venvs
has; `chat_openai` imports langchain-openai when called.

* The script of a run: `start` (or `start_support_run`) makes the run record and resets STATE, the
  plan the scripted model answers from, one step per model request: ("tools", [(name, args), ...]),
  ("text", str), or an error step the script's model or transport understands.
* The scripted model: `ScriptedChatModel` (a `BaseChatModel`, usage in `AIMessage.usage_metadata`)
  or, behind a real `ChatOpenAI`, `chat_completion` (the body of one Chat Completions answer, for the
  script's own httpx / httpx2 MockTransport). Either way every successful request gets usage that
  is distinct per call (`support_desk_usage` unless the script gives its own), recorded with
  fixture_kit.model_call, and tool call ids made from the task id.
* The support desk: six tools that record their own executions under the tool call id LangChain
  injected (`ToolRuntime.tool_call_id`), LangChain's own middleware (`PIIMiddleware` as the
  guardrail, `ModelRetryMiddleware`, `ToolErrorMiddleware`, `ToolRetryMiddleware`) and
  `support_agent`, the named agent over them.
* `invoke`: one run; the outcome is what `agent.invoke` did (returned / raised) and LangChain's own
  `get_usage_metadata_callback()` totals must agree with what the scripted model returned.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, ExitStack
from typing import Any

from langchain import agents as lc_agents
from langchain.agents.middleware import (
    ModelRetryMiddleware,
    PIIMiddleware,
    ToolErrorMiddleware,
    ToolRetryMiddleware,
)
from langchain.agents.middleware.pii import detect_credit_card
from langchain.tools import ToolRuntime, tool
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import ToolException
from langchain_core.utils.function_calling import convert_to_openai_tool

import fixture_kit

TOOLS, TEXT = "tools", "text"  # the plan's steps the scripted model answers with
NEVER_REACHED = (TEXT, "never reached")  # a plan's last answer when the run stops before it
SUPPORT_AGENT = "support-agent"
SUPPORT_PROMPT = "You are the support desk's agent. Use the tools."
PII_GUARDRAIL = "PIIMiddleware[credit_card]"

# the current run (run, plan, call_seq, tool state); global_calls counts successful model requests
# over the whole script, so that every call's usage is distinct
STATE: dict[str, Any] = {"global_calls": 0}


# --- the run -------------------------------------------------------------------------------------


def start(
    task: str, scenario: str, agent_id: str, plan: list[tuple[Any, ...]], cohorts: dict[str, str], **tool_state: Any
) -> dict[str, Any]:
    """A new run record; the scripted model answers from a copy of the plan."""
    run = fixture_kit.new_run(task, scenario, agent_id, **cohorts)
    STATE.update(run=run, plan=list(plan), call_seq=0, **tool_state)
    return run


def start_support_run(
    task: str, entry: tuple[Any, ...], mailbox_full: Iterable[str] = (), **tool_state: Any
) -> tuple[dict[str, Any], str, dict[str, str]]:
    """A support-desk run from its plan entry (scenario, prompt, plan, check_inventory failures,
    cohorts); send_email fails for the tasks in mailbox_full. Returns (run, prompt, cohorts)."""
    scenario, prompt, plan, inventory_failures, cohorts = entry
    run = start(
        task,
        scenario,
        SUPPORT_AGENT,
        plan,
        cohorts,
        inventory_failures=inventory_failures,
        mailbox_full=task in mailbox_full,
        **tool_state,
    )
    return run, prompt, cohorts


def invoke(
    run: dict[str, Any],
    agent: Any,
    prompt: str,
    *,
    config: dict[str, Any] | None = None,
    contexts: Iterable[AbstractContextManager[Any]] = (),
    usage_model: str | None = None,
    reraise: bool = False,
) -> Any:
    """One `agent.invoke` on the user's prompt, inside the given context managers (the task id and
    cohorts where the instrumentation reads them from the context). Records the framework's own
    verdict (completed: returned; failed: raised, with the exception's short class name), checks
    LangChain's usage totals (those of usage_model, or of the only model that answered) against
    what the scripted model returned, and that the plan was used up. Returns the agent's result
    (None when it raised; with reraise the exception is raised again after the checks)."""
    result, error = None, None
    with get_usage_metadata_callback() as usage_cb:
        try:
            with ExitStack() as stack:
                for context in contexts:
                    stack.enter_context(context)
                result = agent.invoke({"messages": [{"role": "user", "content": prompt}]}, config=config)
            run.update(outcome="completed", error_type=None)
        except Exception as exc:  # the run raised: the framework's own verdict
            run.update(outcome="failed", error_type=type(exc).__name__)
            error = exc
    check_usage(run, usage_cb.usage_metadata, usage_model)
    assert not STATE["plan"] or STATE["plan"] == [NEVER_REACHED], (run["task_id"], STATE["plan"])
    if error is not None and reraise:
        raise error
    return result


def check_usage(run: dict[str, Any], usage_metadata: dict[str, Any], model: str | None = None) -> None:
    """LangChain's own totals over the run's model responses (get_usage_metadata_callback, keyed by
    response model) must equal what the scripted model returned."""
    if model is None:
        assert len(usage_metadata) <= 1, usage_metadata
        usage = next(iter(usage_metadata.values()), None)
    else:
        usage = usage_metadata.get(model)
    if usage is None:
        assert not run["calls"], run["task_id"]
        return
    fixture_kit.agree(
        run,
        input_tokens=usage["input_tokens"],
        output_tokens=usage["output_tokens"],
        cached_input_tokens=usage.get("input_token_details", {}).get("cache_read", 0),
        reasoning_output_tokens=usage.get("output_token_details", {}).get("reasoning", 0),
    )


# --- the scripted model --------------------------------------------------------------------------


def support_desk_usage(g: int) -> tuple[int, int, int, int]:
    """(input, output, cache-read input, reasoning output) tokens of the script's g-th successful call."""
    cached = 32 + g if g % 2 == 0 else 0
    reasoning = 3 + g % 5 if g % 3 == 0 else 0
    return 100 * g + 7, 10 + g, cached, reasoning


def next_step() -> tuple[dict[str, Any], tuple[Any, ...]]:
    """The current run and the plan's next step (one per model request)."""
    return STATE["run"], STATE["plan"].pop(0)


def scripted_call(
    run: dict[str, Any], usage: Callable[[int], tuple[int, int, int, int]] = support_desk_usage
) -> tuple[int, tuple[int, int, int, int]]:
    """A successful model request: its number over the script and its usage, recorded on the run."""
    STATE["global_calls"] += 1
    g = STATE["global_calls"]
    input_tokens, output_tokens, cached, reasoning = tokens = usage(g)
    fixture_kit.model_call(run, input_tokens, output_tokens, cached=cached, reasoning=reasoning)
    return g, tokens


def tool_call_ids(run: dict[str, Any], count: int, id_format: str) -> list[str]:
    """The ids of one response's tool calls: id_format with {task}, {seq} (the run's tool-calling
    response) and {letter} (a, b, ... within the response)."""
    STATE["call_seq"] += 1
    return [id_format.format(task=run["task_id"], seq=STATE["call_seq"], letter="abcdef"[i]) for i in range(count)]


class ScriptedChatModel(BaseChatModel):
    """Answers from the current run's plan: ("tools", [(name, args), ...]), ("text", str) or
    ("rate_limit",), which raises rate_limit_error (the script's own class: its qualified name is in
    the traces). Usage is distinct per call, with cache reads and reasoning on some."""

    model_name: str
    rate_limit_error: type[Exception]
    scripted_usage: Callable[[int], tuple[int, int, int, int]] = support_desk_usage
    call_id_format: str = "{task}-call-{seq}{letter}"

    @property
    def _llm_type(self) -> str:
        return "scripted-chat"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        run, step = next_step()
        if step[0] == "rate_limit":
            fixture_kit.model_error(run)
            RateLimitError = self.rate_limit_error  # the traces' stack trace shows this raise line
            raise RateLimitError("Error code: 429 - rate limit reached for requests")
        _, (input_tokens, output_tokens, cached, reasoning) = scripted_call(run, self.scripted_usage)
        usage = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "input_token_details": {"cache_read": cached},
            "output_token_details": {"reasoning": reasoning},
        }
        if step[0] == TOOLS:
            ids = tool_call_ids(run, len(step[1]), self.call_id_format)
            calls = [
                {"name": name, "args": args, "id": call_id, "type": "tool_call"}
                for call_id, (name, args) in zip(ids, step[1], strict=True)
            ]
            message = AIMessage(content="", tool_calls=calls, usage_metadata=usage)
        else:
            message = AIMessage(content=step[1], usage_metadata=usage)
        message.response_metadata = {
            "model_name": self.model_name,
            "finish_reason": "tool_calls" if step[0] == TOOLS else "stop",
        }
        return ChatResult(generations=[ChatGeneration(message=message)])


def chat_completion(
    run: dict[str, Any],
    step: tuple[Any, ...],
    response_model: str,
    *,
    call_id_format: str = "{task}-call-{seq}{letter}",
) -> dict[str, Any]:
    """The Chat Completions body answering a ("tools", ...) or ("text", ...) step, with a usage block
    (prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens); id
    chatcmpl-<task>-<call number>."""
    g, (input_tokens, output_tokens, cached, reasoning) = scripted_call(run)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if step[0] == TOOLS:
        ids = tool_call_ids(run, len(step[1]), call_id_format)
        message["tool_calls"] = [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
            for call_id, (name, args) in zip(ids, step[1], strict=True)
        ]
        finish = "tool_calls"
    else:
        message["content"] = step[1]
        finish = "stop"
    return {
        "id": f"chatcmpl-{run['task_id']}-{g}",
        "object": "chat.completion",
        "created": 1767225600 + g,
        "model": response_model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {
            "prompt_tokens": input_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": reasoning, "audio_tokens": 0},
        },
        "system_fingerprint": "fp_scripted",
    }


def chat_openai(model: str, base_url: str, http_client: Any, temperature: float = 0.0) -> Any:
    """A real langchain_openai.ChatOpenAI whose OpenAI client talks to the script's MockTransport
    (http_client). The SDK's own retries are off, so one HTTP request is one model request and the
    retry is LangChain's ModelRetryMiddleware."""
    from langchain_openai import ChatOpenAI  # not in every venv: only where the model is ChatOpenAI

    return ChatOpenAI(
        model=model,
        api_key="sk-offline-fixture",
        base_url=base_url,
        http_client=http_client,
        max_retries=0,
        temperature=temperature,
    )


# --- the support desk's tools --------------------------------------------------------------------


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


SUPPORT_TOOLS = [lookup_order, check_inventory, issue_refund, cancel_order, send_email, escalate_ticket]


# --- the support desk's middleware and agent -----------------------------------------------------


def pii_detector(content: str) -> list[Any]:
    """LangChain's own credit-card detector; records what the guardrail decided."""
    matches = detect_credit_card(content)
    fixture_kit.guardrail(STATE["run"], PII_GUARDRAIL, bool(matches))
    return matches


def on_tool_error(exc: Exception, request: Any) -> str | None:
    """ToolErrorMiddleware's handler: permission problems go back to the model."""
    if isinstance(exc, PermissionError):
        return f"`{request.tool_call['name']}` failed with PermissionError: {exc}"
    return None


def pii_guardrail() -> PIIMiddleware:
    """Credit cards, strategy "block": the guardrail."""
    return PIIMiddleware("credit_card", strategy="block", detector=pii_detector)


def model_retry() -> ModelRetryMiddleware:
    """One retry of a failed model request, then the run raises."""
    return ModelRetryMiddleware(max_retries=1, initial_delay=0.0, jitter=False, on_failure="error")


def tool_error_handler() -> ToolErrorMiddleware:
    """cancel_order's PermissionError goes back to the model as a ToolMessage(status="error")."""
    return ToolErrorMiddleware(on_tool_error, tools=["cancel_order"])


def tool_retry() -> ToolRetryMiddleware:
    """check_inventory: two retries, then an error ToolMessage."""
    return ToolRetryMiddleware(max_retries=2, tools=["check_inventory"], initial_delay=0.0, jitter=False)


def support_middleware() -> list[Any]:
    """All four, in the order the support desk runs them."""
    return [pii_guardrail(), model_retry(), tool_error_handler(), tool_retry()]


def support_agent(model: Any, middleware: list[Any] | None = None) -> Any:
    """The named support-desk agent over the six tools (all four middleware unless given).
    create_agent is looked up when called, so an instrumentor that wraps it has done so by then."""
    return lc_agents.create_agent(
        model,
        tools=list(SUPPORT_TOOLS),
        system_prompt=SUPPORT_PROMPT,
        middleware=support_middleware() if middleware is None else middleware,
        name=SUPPORT_AGENT,
    )
