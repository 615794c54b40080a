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

The scripted model and the run loop are scripts/trace_fixtures/langchain_kit.py's (with this
script's own usage per call); the tools, the agent and the plans are this script's.
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
from langchain_core.exceptions import ModelRateLimitError
from langchain_core.tools import ToolException
from openinference.instrumentation import using_metadata, using_session
from openinference.instrumentation.langchain import LangChainInstrumentor

import fixture_kit
import langchain_kit

NAME = "langgraph_quickstart"
SERVICE = "weather-bot"
MODEL = "scripted-weather-model"

provider = fixture_kit.tracer_provider(NAME, SERVICE, "0.4.1")
LangChainInstrumentor().instrument(tracer_provider=provider)


class RateLimitError(ModelRateLimitError):
    """What a provider package raises on HTTP 429 (they subclass LangChain's ModelRateLimitError)."""


def weather_usage(g: int) -> tuple[int, int, int, int]:
    """(input, output, cache-read, reasoning) tokens of the g-th successful model call."""
    cached = 48 + g if g % 2 == 1 else 0
    reasoning = 6 + g if g % 3 == 2 else 0
    return 150 * g + 3, 20 + g, cached, reasoning


def get_weather(city: str, runtime: ToolRuntime) -> str:
    """Get weather for a given city."""
    if city not in ("sf", "nyc", "Paris"):
        langchain_kit.attempt("get_weather", runtime, False)
        raise KeyError(city)  # not handled: the run raises
    langchain_kit.attempt("get_weather", runtime, True)
    return f"It's always sunny in {city}!"


def get_user_location(runtime: ToolRuntime) -> str:
    """Retrieve the user's location."""
    langchain_kit.attempt("get_user_location", runtime, True)
    return "Paris"


@tool
def get_forecast(city: str, days: int, runtime: ToolRuntime) -> str:
    """Get a multi-day forecast for a city."""
    langchain_kit.attempt("get_forecast", runtime, False)
    raise ToolException(f"no forecast beyond 3 days for {city}")


get_forecast.handle_tool_error = True  # the tool hands its ToolException back to the model

model = langchain_kit.ScriptedChatModel(model_name=MODEL, rate_limit_error=RateLimitError, scripted_usage=weather_usage)
agent = create_agent(
    model=model,
    tools=[get_weather, get_user_location, get_forecast],
    system_prompt="You are a helpful assistant",
)

T, X = langchain_kit.TOOLS, langchain_kit.TEXT
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
        run = langchain_kit.start(task, scenario, SERVICE, plan, cohorts)
        contexts = (using_session(task), using_metadata(cohorts))
        langchain_kit.invoke(run, agent, prompt, contexts=contexts, usage_model=MODEL)
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
