"""LangChain's quickstart agent, UNNAMED, traced by OpenInference, run offline.

    .venv-traces/langgraph/bin/python scripts/trace_fixtures/langgraph_quickstart/run.py

The agent exactly as LangChain's quickstart builds it, `create_agent(model, tools=[...],
system_prompt=...)` with no `name` and no middleware: what most users run. The tools are the
quickstart's plain functions (`get_weather`, and `get_user_location` taking a `ToolRuntime` as
its real-world part does) plus `get_forecast`, a `@tool` whose `ToolException` the tool hands
back to the model itself (`handle_tool_error=True`). The model is a scripted `BaseChatModel`
(usage in `AIMessage.usage_metadata`); a model error is a `RateLimitError` subclassing
LangChain's `ModelRateLimitError`. Traced with `openinference-instrumentation-langchain` into the
README's exporter set-up, the task id by `using_session(task_id)`, cohorts by `using_metadata`.

Without a name the graph is LangGraph's default "LangGraph": the root span is that CHAIN and
no span is an AGENT; agent_id is therefore the service name.
"""

from __future__ import annotations

import os

os.environ.setdefault("LANGSMITH_TRACING", "false")  # LangSmith's own tracing off (no phone-home)
os.environ.setdefault("LANGCHAIN_TRACING_V2", "false")

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from langchain.agents import create_agent
from langchain.tools import ToolRuntime, tool
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.exceptions import ModelRateLimitError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import ToolException
from langchain_core.utils.function_calling import convert_to_openai_tool
from openinference.instrumentation import using_metadata, using_session
from openinference.instrumentation.langchain import LangChainInstrumentor

import fixture_kit

NAME = "langgraph_quickstart"
SERVICE = "weather-bot"
MODEL = "scripted-weather-model"

provider = fixture_kit.tracer_provider(NAME, SERVICE, "0.4.1")
LangChainInstrumentor().instrument(tracer_provider=provider)

STATE: dict[str, Any] = {"global_calls": 0}


class RateLimitError(ModelRateLimitError):
    """What a provider package raises on HTTP 429 (they subclass LangChain's ModelRateLimitError)."""


class ScriptedChatModel(BaseChatModel):
    """Answers from the current run's plan: ("tools", [(name, args), ...]), ("text", str) or
    ("rate_limit",). Usage is distinct per call, with cache reads and reasoning on some."""

    model_name: str = MODEL

    @property
    def _llm_type(self) -> str:
        return "scripted-chat"

    def bind_tools(self, tools: Any, **kwargs: Any) -> Any:
        return self.bind(tools=[convert_to_openai_tool(t) for t in tools], **kwargs)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kwargs: Any
    ) -> ChatResult:
        run = STATE["run"]
        step = STATE["plan"].pop(0)
        if step[0] == "rate_limit":
            fixture_kit.model_error(run)
            raise RateLimitError("Error code: 429 - rate limit reached for requests")
        STATE["global_calls"] += 1
        g = STATE["global_calls"]
        input_tokens, output_tokens = 150 * g + 3, 20 + g
        cached = 48 + g if g % 2 == 1 else 0
        reasoning = 6 + g if g % 3 == 2 else 0
        fixture_kit.model_call(run, input_tokens, output_tokens, cached=cached, reasoning=reasoning)
        usage = {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
            "input_token_details": {"cache_read": cached},
            "output_token_details": {"reasoning": reasoning},
        }
        if step[0] == "tools":
            STATE["call_seq"] += 1
            calls = [
                {
                    "name": name,
                    "args": args,
                    "id": f"{run['task_id']}-call-{STATE['call_seq']}{'ab'[i]}",
                    "type": "tool_call",
                }
                for i, (name, args) in enumerate(step[1])
            ]
            message = AIMessage(content="", tool_calls=calls, usage_metadata=usage)
        else:
            message = AIMessage(content=step[1], usage_metadata=usage)
        message.response_metadata = {
            "model_name": MODEL,
            "finish_reason": "tool_calls" if step[0] == "tools" else "stop",
        }
        return ChatResult(generations=[ChatGeneration(message=message)])


def get_weather(city: str, runtime: ToolRuntime) -> str:
    """Get weather for a given city."""
    if city not in ("sf", "nyc", "Paris"):
        fixture_kit.tool_attempt(STATE["run"], "get_weather", runtime.tool_call_id, False)
        raise KeyError(city)  # not handled: the run raises
    fixture_kit.tool_attempt(STATE["run"], "get_weather", runtime.tool_call_id, True)
    return f"It's always sunny in {city}!"


def get_user_location(runtime: ToolRuntime) -> str:
    """Retrieve the user's location."""
    fixture_kit.tool_attempt(STATE["run"], "get_user_location", runtime.tool_call_id, True)
    return "Paris"


@tool
def get_forecast(city: str, days: int, runtime: ToolRuntime) -> str:
    """Get a multi-day forecast for a city."""
    fixture_kit.tool_attempt(STATE["run"], "get_forecast", runtime.tool_call_id, False)
    raise ToolException(f"no forecast beyond 3 days for {city}")


get_forecast.handle_tool_error = True  # the tool hands its ToolException back to the model

agent = create_agent(
    model=ScriptedChatModel(),
    tools=[get_weather, get_user_location, get_forecast],
    system_prompt="You are a helpful assistant",
)

T, X = "tools", "text"
# task -> (scenario, prompt, plan, cohorts)
PLANS: dict[str, tuple[str, str, list[tuple[Any, ...]], dict[str, str]]] = {
    "lq-1": (
        "several_tools",
        "what is the weather outside?",
        [(T, [("get_user_location", {})]), (T, [("get_weather", {"city": "Paris"})]), (X, "It's sunny in Paris.")],
        {"task_type": "weather", "channel": "chat", "customer_tier": "free", "customer_id": "user-201"},
    ),
    "lq-2": (
        "parallel_tools",
        "what is the weather in sf and in nyc?",
        [(T, [("get_weather", {"city": "sf"}), ("get_weather", {"city": "nyc"})]), (X, "Sunny in both sf and nyc.")],
        {"task_type": "weather", "channel": "api", "customer_tier": "pro", "customer_id": "user-202"},
    ),
    "lq-3": (
        "tool_error_handled",
        "what will the weather in sf be over the next 10 days?",
        [(T, [("get_forecast", {"city": "sf", "days": 10})]), (X, "I can only forecast 3 days ahead.")],
        {"task_type": "forecast", "channel": "chat", "customer_tier": "pro", "customer_id": "user-203"},
    ),
    "lq-4": (
        "plain",
        "hello, who are you?",
        [(X, "I am a helpful assistant.")],
        {"task_type": "smalltalk", "channel": "chat", "customer_tier": "free", "customer_id": "user-204"},
    ),
    "lq-5": (
        "model_error",
        "what is the weather in sf",
        [("rate_limit",)],
        {"task_type": "weather", "channel": "api", "customer_tier": "free", "customer_id": "user-205"},
    ),
    "lq-6": (
        "run_raises",
        "what is the weather in Atlantis?",
        [(T, [("get_weather", {"city": "Atlantis"})]), (X, "never reached")],
        {"task_type": "weather", "channel": "chat", "customer_tier": "enterprise", "customer_id": "user-206"},
    ),
}


def main() -> None:
    runs = []
    for task, (scenario, prompt, plan, cohorts) in PLANS.items():
        run = fixture_kit.new_run(task, scenario, SERVICE, **cohorts)
        STATE.update(run=run, plan=list(plan), call_seq=0)
        with get_usage_metadata_callback() as usage_cb:
            try:
                with using_session(task), using_metadata(cohorts):
                    agent.invoke({"messages": [{"role": "user", "content": prompt}]})
                run.update(outcome="completed", error_type=None)
            except Exception as exc:  # the run raised: the framework's own verdict
                run.update(outcome="failed", error_type=type(exc).__name__)
        usage = usage_cb.usage_metadata.get(MODEL)
        if usage is not None:  # LangChain's own totals over the run's model responses
            fixture_kit.agree(
                run,
                input_tokens=usage["input_tokens"],
                output_tokens=usage["output_tokens"],
                cached_input_tokens=usage.get("input_token_details", {}).get("cache_read", 0),
                reasoning_output_tokens=usage.get("output_token_details", {}).get("reasoning", 0),
            )
        else:
            assert not run["calls"], task
        runs.append(run)
    provider.shutdown()
    fixture_kit.write_expected(
        NAME,
        "openinference",
        runs,
        distributions=[
            "langchain",
            "langchain-core",
            "langgraph",
            "langgraph-prebuilt",
            "openinference-instrumentation-langchain",
            "openinference-instrumentation",
            "openinference-semantic-conventions",
            "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-json-file",
        ],
        not_carried={},
        unsupported_scenarios={
            "tool_retried": "the quickstart agent has no retry: ToolRetryMiddleware is opt-in middleware "
            "(exercised in the langgraph fixture)",
            "retries_exhausted": "the quickstart agent has no retry: ToolRetryMiddleware is opt-in middleware "
            "(exercised in the langgraph fixture)",
            "guardrail_tripped": "the quickstart agent has no guardrail: PIIMiddleware is opt-in middleware "
            "(exercised in the langgraph fixture)",
            "evaluated": "openinference-instrumentation-langchain records no evaluation (no EVALUATOR span, "
            "no annotation); LangChain evaluations live in LangSmith, outside the trace",
        },
    )


if __name__ == "__main__":
    main()
