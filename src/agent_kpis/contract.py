"""The raw telemetry contract (docs/contract.md) as data.

The generator writes exactly these fields; the tests check generated files against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["string", "timestamp", "integer", "decimal", "boolean", "json", "string_list"]


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool = False
    enum: tuple[str, ...] | None = None


def _f(name: str, type_: FieldType = "string", required: bool = False, enum: tuple[str, ...] | None = None) -> Field:
    return Field(name, type_, required, enum)


EVENT_TYPES = (
    "created",
    "started",
    "escalated",
    "handed_off",
    "resumed",
    "completed",
    "failed",
    "abandoned",
    "reopened",
)
TOOL_STATUSES = ("success", "error", "timeout", "denied")
ERROR_CATEGORIES = (
    "validation_failure",
    "dependency_outage",
    "policy_deny",
    "timeout",
    "rate_limited",
    "auth_error",
    "agent_error",
    "unknown",
)
VERIFICATION_STATUSES = ("passed", "failed", "error", "pending")
INTERVENTION_KINDS = ("review", "approval", "edit", "handoff", "takeover")
POLICY_DECISIONS = ("allow", "deny", "require_approval")
SEVERITIES = ("low", "medium", "high", "critical")
THUMBS = ("up", "down")
EVALUATOR_TYPES = ("human", "llm_judge", "rule")
RELEASE_COMPONENTS = ("agent", "prompt", "model", "tool", "policy", "dataset", "retrieval")

_COMMON = (_f("event_id", required=True), _f("_emitted_at", "timestamp"))

TABLES: dict[str, tuple[Field, ...]] = {
    "task_events": (
        *_COMMON,
        _f("task_id", required=True),
        _f("event_type", enum=EVENT_TYPES),
        _f("occurred_at", "timestamp", required=True),
        _f("agent_id"),
        _f("agent_version"),
        _f("prompt_version"),
        _f("model"),
        _f("task_type"),
        _f("channel"),
        _f("region"),
        _f("product_line"),
        _f("customer_tier"),
        _f("customer_id"),
        _f("reason"),
    ),
    "tool_calls": (
        *_COMMON,
        _f("call_id", required=True),
        _f("task_id", required=True),
        _f("attempt", "integer", required=True),
        _f("tool_name", required=True),
        _f("tool_version"),
        _f("is_side_effecting", "boolean"),
        _f("idempotency_key"),
        _f("started_at", "timestamp", required=True),
        _f("ended_at", "timestamp"),
        _f("status", enum=TOOL_STATUSES),
        _f("error_category", enum=ERROR_CATEGORIES),
        _f("error_message"),
        _f("input", "json"),
        _f("output", "json"),
        _f("sensitive_fields", "string_list"),
    ),
    "llm_calls": (
        *_COMMON,
        _f("task_id", required=True),
        _f("model"),
        _f("provider"),
        _f("input_tokens", "integer"),
        _f("output_tokens", "integer"),
        _f("cached_input_tokens", "integer"),
        _f("cache_creation_input_tokens", "integer"),
        _f("reasoning_output_tokens", "integer"),
        _f("started_at", "timestamp"),
        _f("ended_at", "timestamp"),
        _f("cost_usd", "decimal"),
    ),
    "verifications": (
        *_COMMON,
        _f("task_id", required=True),
        _f("check_name"),
        _f("system_of_record"),
        _f("status", enum=VERIFICATION_STATUSES),
        _f("verified_at", "timestamp", required=True),
        _f("expected"),
        _f("observed"),
    ),
    "human_interventions": (
        *_COMMON,
        _f("task_id", required=True),
        _f("kind", enum=INTERVENTION_KINDS),
        _f("actor_role"),
        _f("started_at", "timestamp"),
        _f("minutes", "decimal"),
        _f("outcome"),
    ),
    "policy_events": (
        *_COMMON,
        _f("task_id", required=True),
        _f("call_id"),
        _f("policy_id"),
        _f("decision", enum=POLICY_DECISIONS),
        _f("is_violation", "boolean"),
        _f("is_near_miss", "boolean"),
        _f("severity", enum=SEVERITIES),
        _f("sensitive_field"),
        _f("occurred_at", "timestamp", required=True),
    ),
    "feedback": (
        *_COMMON,
        _f("task_id", required=True),
        _f("submitted_at", "timestamp", required=True),
        _f("csat", "integer"),
        _f("nps", "integer"),
        _f("thumbs", enum=THUMBS),
        _f("opted_out", "boolean"),
        _f("comment"),
    ),
    "evaluations": (
        *_COMMON,
        _f("task_id", required=True),
        _f("evaluator_type", enum=EVALUATOR_TYPES),
        _f("rubric"),
        _f("score", "decimal"),
        _f("passed", "boolean"),
        _f("evaluated_at", "timestamp"),
    ),
    "business_outcomes": (
        *_COMMON,
        _f("task_id", required=True),
        _f("outcome_type"),
        _f("value_usd", "decimal"),
        _f("occurred_at", "timestamp"),
    ),
    "releases": (
        *_COMMON,
        _f("release_id", required=True),
        _f("agent_id"),
        _f("component", enum=RELEASE_COMPONENTS),
        _f("component_name"),
        _f("version"),
        _f("deployed_at", "timestamp", required=True),
        _f("description"),
    ),
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
# OpenTelemetry traces land beside the contract tables (OTLP/JSON, one export request per line)
TRACE_TABLES: tuple[str, ...] = ("otel_traces",)


def required_fields(table: str) -> list[str]:
    return [f.name for f in TABLES[table] if f.required]


def primary_enum(table: str) -> Field | None:
    """The enum field the generator corrupts for the unknown-enum fault."""
    for f in TABLES[table]:
        if f.enum is not None:
            return f
    return None
