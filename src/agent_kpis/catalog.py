"""The demo world: agents, task types, tools, models, roles and releases.

The dbt seeds in ``seeds/`` describe the same world; ``tests_py/test_one_home.py`` keeps
them in step. Release effects are what the generator plants so that release attribution
has something true to find.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TaskType:
    name: str
    agent: str
    sla_minutes: int
    weight: float
    check_pass: float  # probability that every required check passes
    escalation: float
    fail: float
    checks: tuple[tuple[str, str], ...]  # (check_name, system_of_record)
    tools: tuple[str, ...]
    outcome_type: str
    value_usd: float


@dataclass(frozen=True)
class Tool:
    name: str
    version: str
    is_side_effecting: bool
    sensitive_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Release:
    release_id: str
    agent_id: str | None
    component: str
    component_name: str
    version: str
    day_fraction: float  # position in the generated window (negative: before it)
    description: str
    planted_effect: str  # what the generator changes from this release on ("none": control)


AGENTS: dict[str, dict[str, str]] = {
    "support-agent": {"model": "gpt-4o-mini", "provider": "openai"},
    "billing-agent": {"model": "gpt-4o", "provider": "openai"},
    "sales-agent": {"model": "claude-sonnet-4", "provider": "anthropic"},
    "it-agent": {"model": "gpt-4o-mini", "provider": "openai"},
}

TASK_TYPES: tuple[TaskType, ...] = (
    TaskType(
        "order_status",
        "support-agent",
        10,
        0.22,
        0.80,
        0.06,
        0.05,
        (("ticket_closed", "ticketing"),),
        ("crm.lookup_order", "ticketing.update_ticket"),
        "ticket_deflected",
        8.0,
    ),
    TaskType(
        "password_reset",
        "support-agent",
        15,
        0.14,
        0.80,
        0.05,
        0.05,
        (("identity_verified", "iam"), ("password_reset_logged", "iam")),
        ("iam.verify_identity", "iam.reset_password"),
        "ticket_deflected",
        6.0,
    ),
    TaskType(
        "account_update",
        "support-agent",
        30,
        0.10,
        0.78,
        0.10,
        0.07,
        (("crm_record_updated", "crm"),),
        ("crm.lookup_customer", "crm.update_customer"),
        "ticket_deflected",
        7.0,
    ),
    TaskType(
        "refund_request",
        "billing-agent",
        60,
        0.14,
        0.80,
        0.22,
        0.08,
        (("refund_issued", "billing"), ("ticket_closed", "ticketing")),
        ("billing.get_invoice", "billing.issue_refund", "ticketing.update_ticket"),
        "revenue_recovered",
        45.0,
    ),
    TaskType(
        "invoice_dispute",
        "billing-agent",
        480,
        0.08,
        0.70,
        0.22,
        0.10,
        (("dispute_recorded", "billing"), ("ticket_closed", "ticketing")),
        ("billing.get_invoice", "billing.create_dispute", "ticketing.update_ticket"),
        "revenue_recovered",
        120.0,
    ),
    TaskType(
        "lead_qualification",
        "sales-agent",
        240,
        0.16,
        0.85,
        0.08,
        0.10,
        (("lead_recorded", "crm"),),
        ("crm.lookup_account", "enrichment.search_company", "crm.update_lead"),
        "pipeline_influenced",
        900.0,
    ),
    TaskType(
        "access_request",
        "it-agent",
        120,
        0.15,
        0.82,
        0.12,
        0.06,
        (("access_granted", "iam"),),
        ("iam.check_entitlement", "iam.grant_access"),
        "backlog_item_closed",
        15.0,
    ),
)

# Task types the generator emits that the seeds do not define: a data issue on purpose.
UNDEFINED_TASK_TYPES: tuple[str, ...] = ("bulk_export",)
UNDEFINED_TASK_TYPE_SHARE = 0.005

TOOLS: dict[str, Tool] = {
    t.name: t
    for t in (
        Tool("crm.lookup_order", "1.3.0", False, ("email",)),
        Tool("crm.lookup_customer", "1.3.0", False, ("email", "phone")),
        Tool("crm.lookup_account", "1.3.0", False),
        Tool("crm.update_customer", "1.3.0", True, ("email", "phone")),
        Tool("crm.update_lead", "1.3.0", True),
        Tool("ticketing.update_ticket", "4.2.0", True),
        Tool("iam.verify_identity", "2.0.1", False, ("date_of_birth",)),
        Tool("iam.reset_password", "2.0.1", True),
        Tool("iam.check_entitlement", "2.0.1", False),
        Tool("iam.grant_access", "2.0.1", True),
        Tool("billing.get_invoice", "2.0.0", False, ("billing_address",)),
        Tool("billing.issue_refund", "2.0.0", True, ("card_last4",)),
        Tool("billing.create_dispute", "2.0.0", True, ("card_last4",)),
        Tool("enrichment.search_company", "0.9.0", False),
    )
}

# model -> list of (valid_from, input, cached input, output) in USD per 1M tokens; as in seeds/model_prices.csv
MODEL_PRICES: dict[str, tuple[tuple[str, float, float, float], ...]] = {
    "gpt-4o": (("2024-05-13", 2.50, 1.25, 10.00), ("2026-11-10", 2.00, 1.00, 8.00)),
    "gpt-4o-mini": (("2024-07-18", 0.15, 0.075, 0.60),),
    "claude-sonnet-4": (("2025-05-22", 3.00, 0.30, 15.00),),
}
UNPRICED_MODEL = "llama-3-70b-local"  # used now and then by it-agent, not in model_prices
UNPRICED_MODEL_SHARE = 0.05

HUMAN_ROLES: dict[str, float] = {
    "tier1_agent": 38.0,
    "tier2_agent": 55.0,
    "supervisor": 80.0,
    "billing_specialist": 65.0,
}
UNKNOWN_ROLE = "contractor"  # not in human_cost_rates: costed 0 and flagged
UNKNOWN_ROLE_SHARE = 0.01

CHANNELS = (("chat", 0.5), ("email", 0.25), ("api", 0.15), ("voice", 0.10))
REGIONS = (("na", 0.45), ("emea", 0.35), ("apac", 0.15), ("latam", 0.05))
PRODUCT_LINES = (("core", 0.6), ("payments", 0.25), ("analytics", 0.15))
CUSTOMER_TIERS = (("free", 0.5), ("pro", 0.35), ("enterprise", 0.15))

BASELINE_VERSIONS: dict[str, tuple[str, str]] = {  # agent -> (agent_version, prompt_version)
    "support-agent": ("3.2.0", "support-v7"),
    "billing-agent": ("1.4.0", "billing-v3"),
    "sales-agent": ("0.9.0", "sales-v2"),
    "it-agent": ("2.0.0", "it-v5"),
}

RELEASES: tuple[Release, ...] = (
    *(
        Release(
            f"rel-base-{agent.split('-')[0]}",
            agent,
            "agent",
            agent,
            ver,
            -0.2,
            f"{agent} {ver} in production before the window",
            "none",
        )
        for agent, (ver, _prompt) in BASELINE_VERSIONS.items()
    ),
    Release(
        "rel-101",
        "billing-agent",
        "agent",
        "billing-agent",
        "2.0.0",
        0.23,
        "billing-agent 2.0: resolves more disputes without a human",
        "escalation_rate of billing-agent falls (0.22 -> 0.08)",
    ),
    Release(
        "rel-102",
        "support-agent",
        "prompt",
        "support-prompt",
        "support-v8",
        0.33,
        "support prompt v8: explicit post-condition checklist",
        "task_success_rate of support-agent rises (checks pass 0.80 -> 0.95)",
    ),
    Release(
        "rel-103",
        "billing-agent",
        "tool",
        "billing.issue_refund",
        "2.1.0",
        0.47,
        "issue_refund 2.1.0: stricter amount schema",
        "tool validation failures of billing.issue_refund rise (0.03 -> 0.60)",
    ),
    Release(
        "rel-104",
        None,
        "policy",
        "pii-guard",
        "v3",
        0.60,
        "pii-guard v3 blocks exports of unmasked fields",
        "policy_violation_rate falls for all agents (0.05 -> 0.005)",
    ),
    Release(
        "rel-105", "it-agent", "retrieval", "it-kb-index", "2026.11", 0.35, "IT knowledge-base index refresh", "none"
    ),
)

RELEASE_BY_ID: dict[str, Release] = {r.release_id: r for r in RELEASES}
