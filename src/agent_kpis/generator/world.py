"""The simulated world: tasks and everything attached to them, as pyarrow tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agent_kpis import catalog as cat
from agent_kpis.contract import (
    ERROR_CATEGORIES,
    EVENT_TYPES,
    TABLES,
    TOOL_STATUSES,
)
from agent_kpis.generator.arrays import _choice, _cumcount, _ids, _lognormal_minutes, _null_where, _take, _ts, _with_pii
from agent_kpis.generator.config import _ARROW_TYPES, DAY, HOUR, MINUTE, US, GeneratorConfig


class _World:
    """Simulates tasks and everything attached to them; builds one arrow table per raw table."""

    def __init__(self, cfg: GeneratorConfig, rng: np.random.Generator) -> None:
        self.cfg = cfg
        self.rng = rng
        end = datetime(cfg.end_date.year, cfg.end_date.month, cfg.end_date.day, tzinfo=UTC)
        self.end_us = int(end.timestamp()) * US
        self.start_us = self.end_us - cfg.days * DAY
        self.start_weekday = (end - timedelta(days=cfg.days)).weekday()
        self.release_us = {r.release_id: self.start_us + int(r.day_fraction * cfg.days * DAY) for r in cat.RELEASES}
        self.tables: dict[str, pa.Table] = {}

    # -- tasks --------------------------------------------------------------------------
    def simulate(self) -> dict[str, pa.Table]:
        self._tasks()
        self._task_events()
        self._tool_calls()
        self._llm_calls()
        self._verifications()
        self._policy_events()
        self._human_interventions()
        self._feedback()
        self._evaluations()
        self._business_outcomes()
        self._releases()
        return self.tables

    def _tasks(self) -> None:
        rng, n, days = self.rng, self.cfg.tasks, self.cfg.days
        day = np.arange(days)
        weekday = (self.start_weekday + day) % 7
        w_day = np.where(weekday >= 5, 0.45, 1.0) * (1 + 0.01 * day)
        hour_w = np.array([1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 9, 8, 9, 10, 10, 9, 7, 5, 4, 3, 2, 2, 1], float)
        created = (
            self.start_us
            + rng.choice(days, n, p=w_day / w_day.sum()) * DAY
            + rng.choice(24, n, p=hour_w / hour_w.sum()) * HOUR
            + rng.integers(0, HOUR, n)
        )
        self.created = np.sort(created)

        types = cat.TASK_TYPES
        n_def = len(types)
        w_type = np.array([t.weight for t in types] + [cat.UNDEFINED_TASK_TYPE_SHARE])
        self.tt = rng.choice(n_def + 1, n, p=w_type / w_type.sum())
        self.type_names = [t.name for t in types] + [cat.UNDEFINED_TASK_TYPES[0]]
        agents = list(cat.AGENTS)
        self.agent_names = agents
        self.agent = np.array([agents.index(t.agent) for t in types] + [0])[self.tt]

        def per_type(attr: str, default: float) -> np.ndarray:
            return np.array([getattr(t, attr) for t in types] + [default], float)[self.tt]

        sla = per_type("sla_minutes", 60)
        check_pass = per_type("check_pass", 0.8)
        escalation = per_type("escalation", 0.1)
        fail = per_type("fail", 0.08)

        # planted release effects
        billing, support = agents.index("billing-agent"), agents.index("support-agent")
        after_101 = (self.agent == billing) & (self.created >= self.release_us["rel-101"])
        escalation = np.where(after_101, 0.08, escalation)
        after_102 = (self.agent == support) & (self.created >= self.release_us["rel-102"])
        check_pass = np.where(after_102, 0.95, check_pass)
        fail = np.where(after_102, fail * 0.5, fail)
        self.p_violation = np.where(self.created >= self.release_us["rel-104"], 0.005, 0.05)

        # versions in effect at creation
        self.version_names = sorted({v for v, _ in cat.BASELINE_VERSIONS.values()} | {"2.0.0"})
        self.prompt_names = sorted({p for _, p in cat.BASELINE_VERSIONS.values()} | {"support-v8"})
        base_v = np.array([self.version_names.index(cat.BASELINE_VERSIONS[a][0]) for a in agents])[self.agent]
        self.agent_version = np.where(after_101, self.version_names.index("2.0.0"), base_v)
        base_p = np.array([self.prompt_names.index(cat.BASELINE_VERSIONS[a][1]) for a in agents])[self.agent]
        self.prompt_version = np.where(after_102, self.prompt_names.index("support-v8"), base_p)

        self.channel = _choice(rng, cat.CHANNELS, n)
        self.region = _choice(rng, cat.REGIONS, n)
        self.product_line = _choice(rng, cat.PRODUCT_LINES, n)
        self.tier = _choice(rng, cat.CUSTOMER_TIERS, n)
        n_customers = max(1, n // 3)
        self.customer = np.minimum(rng.zipf(1.3, n), n_customers) - 1 + rng.integers(0, n_customers, n) // 7

        u = rng.random(n)
        self.kind = np.where(u < 0.04, 2, np.where(u < 0.04 + fail, 1, 0))  # 0 completed 1 failed 2 abandoned
        self.stuck = rng.random(n) < 0.015
        self.escalated = rng.random(n) < escalation
        self.handed_off = self.escalated & (rng.random(n) < 0.4)
        dur = _lognormal_minutes(rng, sla * 0.55, 0.7, n)
        dur = np.where(self.escalated, dur * 2.5 + 10, dur)
        dur = np.where(self.kind == 2, dur * 1.5, dur)
        self.started = self.created + rng.integers(2 * US, 90 * US, n)
        self.resolved = self.started + (dur * MINUTE).astype("int64")
        self.escalated_at = self.started + ((self.resolved - self.started) * rng.uniform(0.2, 0.6, n)).astype("int64")
        self.terminal = ~self.stuck
        self.completed = self.terminal & (self.kind == 0)
        self.all_pass = rng.random(n) < check_pass
        bad = rng.choice(4, n, p=[0.55, 0.10, 0.15, 0.20])  # failed, error, pending, missing
        self.bad_kind = np.where(self.all_pass, -1, bad)
        self.reopened = self.completed & (rng.random(n) < 0.05)
        self.reopen_at = self.resolved + rng.integers(HOUR, 48 * HOUR, n)
        self.recompleted = self.reopened & (rng.random(n) < 0.75)
        self.recomplete_at = self.reopen_at + (_lognormal_minutes(rng, sla * 0.5, 0.5, n) * MINUTE).astype("int64")
        self.final_resolved = np.where(self.recompleted, self.recomplete_at, self.resolved)
        self.good = self.completed & self.all_pass & ~self.escalated
        self.task_ids = _ids(self.cfg.id_prefix + "task-", np.arange(n))

    def _task_events(self) -> None:
        rng, n = self.rng, self.cfg.tasks
        ar = np.arange(n)
        # event type index in contract order
        e = {name: i for i, name in enumerate(EVENT_TYPES)}
        resumed = self.handed_off & (rng.random(n) < 0.3)
        parts = [
            (ar, np.full(n, e["created"]), self.created),
            (ar, np.full(n, e["started"]), self.started),
            (
                ar[self.escalated],
                np.where(self.handed_off, e["handed_off"], e["escalated"])[self.escalated],
                self.escalated_at[self.escalated],
            ),
            (ar[resumed], np.full(resumed.sum(), e["resumed"]), self.escalated_at[resumed] + 5 * MINUTE),
            (
                ar[self.terminal],
                np.array([e["completed"], e["failed"], e["abandoned"]])[self.kind[self.terminal]],
                self.resolved[self.terminal],
            ),
            (ar[self.reopened], np.full(self.reopened.sum(), e["reopened"]), self.reopen_at[self.reopened]),
            (
                ar[self.recompleted],
                np.full(self.recompleted.sum(), e["completed"]),
                self.recomplete_at[self.recompleted],
            ),
        ]
        task = np.concatenate([p[0] for p in parts])
        etype = np.concatenate([p[1] for p in parts])
        at = np.concatenate([p[2] for p in parts])
        m = len(task)
        is_created = etype == e["created"]
        repeat_agent = is_created | (rng.random(m) < 0.5)

        def cohort(values: list[str] | tuple[str, ...], idx: np.ndarray) -> pa.Array:
            return _null_where(_take(values, idx[task]), ~is_created)

        reasons = [
            "customer asked for a human",
            "tool returned an error",
            "could not verify identity",
            "customer stopped responding",
            "request outside policy",
            "missing information",
        ]
        has_reason = np.isin(etype, [e["escalated"], e["handed_off"], e["failed"], e["abandoned"]])
        reason = _with_pii(rng, _take(reasons, rng.integers(0, len(reasons), m)), 0.3)
        self._emit(
            "task_events",
            at,
            {
                "task_id": pc.take(self.task_ids, pa.array(task)),
                "event_type": _take(list(e), etype),
                "occurred_at": _ts(at),
                "agent_id": _null_where(_take(self.agent_names, self.agent[task]), ~repeat_agent),
                "agent_version": cohort(self.version_names, self.agent_version),
                "prompt_version": cohort(self.prompt_names, self.prompt_version),
                "model": cohort([cat.AGENTS[a]["model"] for a in self.agent_names], self.agent),
                "task_type": cohort(self.type_names, self.tt),
                "channel": cohort([c for c, _ in cat.CHANNELS], self.channel),
                "region": cohort([c for c, _ in cat.REGIONS], self.region),
                "product_line": cohort([c for c, _ in cat.PRODUCT_LINES], self.product_line),
                "customer_tier": cohort([c for c, _ in cat.CUSTOMER_TIERS], self.tier),
                "customer_id": _null_where(_ids("cust-", self.customer[task]), ~is_created),
                "reason": _null_where(reason, ~has_reason),
            },
        )

    def _spread(self, task: np.ndarray, k: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Times for the k-th of `counts` items of a task, spread over the task's working time."""
        frac = (k + self.rng.random(len(task))) / counts[task]
        return self.started[task] + (frac * (self.resolved[task] - self.started[task])).astype("int64")

    def _tool_calls(self) -> None:
        rng, n = self.rng, self.cfg.tasks
        tool_names = list(cat.TOOLS)
        tools_per_type = [list(t.tools) for t in cat.TASK_TYPES] + [["crm.lookup_customer"]]
        width = max(len(t) for t in tools_per_type)
        table = np.array([[tool_names.index(x) for x in t] + [-1] * (width - len(t)) for t in tools_per_type])
        n_tools = np.array([len(t) for t in tools_per_type])[self.tt]
        n_calls = n_tools + rng.poisson(0.6, n)
        task = np.repeat(np.arange(n), n_calls)
        k = _cumcount(n_calls)
        tool = table[self.tt[task], k % n_tools[task]]
        c = len(task)
        call_start = self._spread(task, k, n_calls)
        side = np.array([cat.TOOLS[t].is_side_effecting for t in tool_names])[tool]

        refund = tool_names.index("billing.issue_refund")
        after_103 = (tool == refund) & (call_start >= self.release_us["rel-103"])
        p_val = np.where(after_103, 0.60, 0.03)
        r1, r2, r3 = rng.random(c), rng.random(c), rng.random(c)
        n_transient = (r1 < 0.10).astype(int) + ((r1 < 0.10) & (r2 < 0.3)).astype(int)
        uf = rng.random(c) - np.where(self.kind[task] == 1, 0.2, 0.0)
        # final attempt: 0 success, 1 validation, 2 auth, 3 agent_error, 4 denied, 5 timeout (gave up)
        final = np.select(
            [uf < p_val, uf < p_val + 0.01, uf < p_val + 0.03, uf < p_val + 0.045],
            [1, 2, 3, 4],
            default=0,
        )
        final = np.where(self.kind[task] == 1, np.where(uf < 0, 3, final), final)
        final = np.where((final == 0) & (n_transient == 2) & (r3 < 0.4), 5, final)
        attempts = n_transient + 1

        # redundant successful call re-using an idempotency key: a duplicate side effect
        has_key = side & (rng.random(c) >= 0.03)
        dup = side & has_key & (final == 0) & (rng.random(c) < 0.01)

        call = np.concatenate([np.repeat(np.arange(c), attempts), np.flatnonzero(dup)])
        att = np.concatenate([_cumcount(attempts) + 1, np.ones(dup.sum(), int)])
        is_dup_row = np.concatenate([np.zeros(attempts.sum(), bool), np.ones(dup.sum(), bool)])
        is_final = is_dup_row | (att == attempts[call])
        m = len(call)
        transient_cat = rng.choice(3, m, p=[0.4, 0.3, 0.3])  # timeout, rate_limited, dependency_outage
        # status/category index per row
        status_names, cat_names = TOOL_STATUSES, ERROR_CATEGORIES  # indexes below follow contract order
        fin = np.where(is_dup_row, 0, final[call])
        status = np.where(
            is_final,
            np.array([0, 1, 1, 1, 3, 2])[fin],
            np.where(transient_cat == 0, 2, 1),
        )
        ecat = np.where(
            is_final,
            np.array([-1, 0, 5, 6, 2, 3])[fin],
            np.array([3, 4, 1])[transient_cat],
        )
        dur_ms = np.exp(np.log(400) + 0.6 * rng.standard_normal(m))
        dur_ms = np.where(status == 2, 30000 + rng.integers(0, 500, m), np.where(status == 0, dur_ms, dur_ms * 0.5))
        started = call_start[call] + (att - 1) * 32 * US + np.where(is_dup_row, 40 * US, 0)
        ended = started + (dur_ms * 1000).astype("int64")
        messages = [
            "amount failed schema validation",
            "upstream service unavailable",
            "blocked by policy",
            "request timed out",
            "rate limit exceeded",
            "token expired",
            "agent produced invalid arguments",
            "unexpected error",
        ]
        msg = _with_pii(rng, _take(messages, np.maximum(ecat, 0)), 0.2)
        tool_r = tool[call]
        version = np.where(after_103[call], "2.1.0", np.array([cat.TOOLS[t].version for t in tool_names])[tool_r])
        sens_lists = [list(cat.TOOLS[t].sensitive_fields) for t in tool_names]
        lens = np.array([len(s) for s in sens_lists])[tool_r]
        offsets = np.concatenate([[0], np.cumsum(lens)])
        rows_rep = np.repeat(np.arange(m), lens)
        pos = np.arange(int(lens.sum())) - offsets[rows_rep]
        sens_flat = [f for s in sens_lists for f in s]
        sens_start = np.concatenate([[0], np.cumsum([len(s) for s in sens_lists])])
        values = _take(sens_flat, sens_start[tool_r[rows_rep]] + pos)
        task_r = task[call]
        task_id = pc.take(self.task_ids, pa.array(task_r))
        call_idx = np.where(is_dup_row, c + call, call)
        self.tool_task, self.tool_started, self.tool_status = task_r, started, status
        self.tool_ids = _ids(self.cfg.id_prefix + "call-", call_idx)
        self.tool_side, self.tool_call_idx = side[call], call_idx
        self._emit(
            "tool_calls",
            started,
            {
                "call_id": self.tool_ids,
                "task_id": task_id,
                "attempt": pa.array(att, pa.int64()),
                "tool_name": _take(tool_names, tool_r),
                "tool_version": pa.array(version, pa.string()),
                "is_side_effecting": pa.array(side[call]),
                "idempotency_key": _null_where(_ids(self.cfg.id_prefix + "idem-", call), ~has_key[call]),
                "started_at": _ts(started),
                "ended_at": _ts(ended),
                "status": _take(status_names, status),
                "error_category": _null_where(_take(cat_names, np.maximum(ecat, 0)), ecat < 0),
                "error_message": _null_where(msg, ecat < 0),
                "input": pc.binary_join_element_wise(
                    '{"task_ref": "', task_id, '", "attempt": ', pc.cast(pa.array(att), pa.string()), "}", ""
                ),
                "output": _null_where(pa.array(np.full(m, '{"ok": true}'), pa.string()), status != 0),
                "sensitive_fields": pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values),
            },
        )

    def _llm_calls(self) -> None:
        rng, n = self.rng, self.cfg.tasks
        counts = 2 + rng.poisson(2.0, n)
        task = np.repeat(np.arange(n), counts)
        m = len(task)
        started = self._spread(task, _cumcount(counts), counts)
        models = [*cat.MODEL_PRICES, cat.UNPRICED_MODEL]
        model = np.array([models.index(cat.AGENTS[a]["model"]) for a in self.agent_names])[self.agent[task]]
        it = self.agent_names.index("it-agent")
        unpriced = (self.agent[task] == it) & (rng.random(m) < cat.UNPRICED_MODEL_SHARE)
        model = np.where(unpriced, len(models) - 1, model)
        providers = [
            next(a["provider"] for a in cat.AGENTS.values() if a["model"] == x)
            if x != cat.UNPRICED_MODEL
            else "self-hosted"
            for x in models
        ]
        input_tokens = np.exp(np.log(1800) + 0.5 * rng.standard_normal(m)).astype("int64")
        output_tokens = np.exp(np.log(250) + 0.6 * rng.standard_normal(m)).astype("int64")
        cached = np.where(rng.random(m) < 0.5, (input_tokens * rng.uniform(0, 0.6, m)).astype("int64"), 0)
        cost = np.zeros(m)
        for mi, name in enumerate(models[:-1]):
            for valid_from, p_in, p_cached, p_out in cat.MODEL_PRICES[name]:
                valid_us = int(datetime.fromisoformat(valid_from).replace(tzinfo=UTC).timestamp()) * US
                sel = (model == mi) & (started >= valid_us)
                cost = np.where(
                    sel, ((input_tokens - cached) * p_in + cached * p_cached + output_tokens * p_out) / 1e6, cost
                )
        has_cost = ~unpriced & (rng.random(m) < 0.6)
        ended = started + output_tokens * 20_000 + 300_000
        # part of the output tokens, drawn from a stream of its own (the rest of the world stays
        # as it was before the field existed); the demo's providers report no cache writes
        extra = np.random.default_rng([self.cfg.seed, 0x7EA5])
        reasoning = np.where(extra.random(m) < 0.3, (output_tokens * extra.uniform(0.2, 0.7, m)).astype("int64"), 0)
        self.llm_task = task
        self._emit(
            "llm_calls",
            started,
            {
                "task_id": pc.take(self.task_ids, pa.array(task)),
                "model": _take(models, model),
                "provider": _take(providers, model),
                "input_tokens": pa.array(input_tokens),
                "output_tokens": pa.array(output_tokens),
                "cached_input_tokens": pa.array(cached),
                "cache_creation_input_tokens": pa.nulls(m, pa.int64()),
                "reasoning_output_tokens": pa.array(reasoning),
                "started_at": _ts(started),
                "ended_at": _ts(ended),
                "cost_usd": pa.array(np.round(cost, 8), pa.float64(), mask=~has_cost),
            },
        )

    def _verifications(self) -> None:
        rng = self.rng
        checks = [list(t.checks) for t in cat.TASK_TYPES] + [[]]
        n_checks = np.array([len(x) for x in checks])[self.tt]
        n_checks = np.where(self.completed, n_checks, 0)
        task = np.repeat(np.arange(self.cfg.tasks), n_checks)
        k = _cumcount(n_checks)
        flat = [c for x in checks for c in x]
        start = np.concatenate([[0], np.cumsum([len(x) for x in checks])])
        check = start[self.tt[task]] + k
        # status index: passed, failed, error, pending; -1 missing
        status = np.where(
            (k == 0) & (self.bad_kind[task] >= 0), np.array([1, 2, 3, -1])[np.maximum(self.bad_kind[task], 0)], 0
        )
        keep = status >= 0
        task, check, status = task[keep], check[keep], status[keep]
        at = self.resolved[task] + rng.integers(30 * US, 20 * MINUTE, len(task))
        # superseded: an earlier non-passing result replaced by the later pass
        sup = (status == 0) & (rng.random(len(task)) < 0.06)
        task = np.concatenate([task, task[sup]])
        check = np.concatenate([check, check[sup]])
        at = np.concatenate([at, at[sup] - rng.integers(MINUTE, 10 * MINUTE, sup.sum())])
        status = np.concatenate([status, rng.choice([1, 2, 3], sup.sum(), p=[0.6, 0.2, 0.2])])
        evidence = ["status=done", "status=open", "status=unknown", "status=queued"]
        self._emit(
            "verifications",
            at,
            {
                "task_id": pc.take(self.task_ids, pa.array(task)),
                "check_name": _take([c for c, _ in flat], check),
                "system_of_record": _take([s for _, s in flat], check),
                "status": _take(["passed", "failed", "error", "pending"], status),
                "verified_at": _ts(at),
                "expected": pa.array(np.full(len(task), "status=done"), pa.string()),
                "observed": _take(evidence, status),
            },
        )

    def _policy_events(self) -> None:
        rng = self.rng
        n = self.cfg.tasks
        m = len(self.tool_task)
        allow = rng.random(m) < 0.2
        deny = self.tool_status == 3
        approve = self.tool_side & ~deny & (rng.random(m) < 0.04)
        att = np.flatnonzero(allow | deny | approve)
        decision = np.where(deny[att], 1, np.where(approve[att], 2, 0))
        policies = ["tool-allowlist", "pii-guard", "refund-approval", "spend-limit"]
        policy = np.where(decision == 1, np.where(rng.random(len(att)) < 0.5, 1, 3), np.where(decision == 2, 2, 0))
        violation = self.terminal & (rng.random(n) < self.p_violation)
        near_miss = rng.random(n) < 0.015
        vt, nt = np.flatnonzero(violation), np.flatnonzero(near_miss)
        mid = self.started + (self.resolved - self.started) // 2
        task = np.concatenate([self.tool_task[att], vt, nt])
        at = np.concatenate([self.tool_started[att], mid[vt], mid[nt] + MINUTE])
        decision = np.concatenate([decision, np.zeros(len(vt), int), np.ones(len(nt), int)])
        policy = np.concatenate([policy, np.ones(len(vt) + len(nt), int)])
        is_violation = np.concatenate([np.zeros(len(att), bool), np.ones(len(vt), bool), np.zeros(len(nt), bool)])
        is_near = np.concatenate([np.zeros(len(att) + len(vt), bool), np.ones(len(nt), bool)])
        k = len(task)
        severity = np.where(is_violation, rng.choice([1, 2, 3], k, p=[0.5, 0.35, 0.15]), np.where(is_near, 1, 0))
        sens = ["email", "card_last4", "phone"]
        has_sens = is_violation | is_near | (rng.random(k) < 0.05)
        call_ids = pa.concat_arrays([pc.take(self.tool_ids, pa.array(att)), pa.nulls(len(vt) + len(nt), pa.string())])
        self.approval_tasks = np.unique(self.tool_task[att][decision[: len(att)] == 2])
        self._emit(
            "policy_events",
            at,
            {
                "task_id": pc.take(self.task_ids, pa.array(task)),
                "call_id": call_ids,
                "policy_id": _take(policies, policy),
                "decision": _take(["allow", "deny", "require_approval"], decision),
                "is_violation": pa.array(is_violation),
                "is_near_miss": pa.array(is_near),
                "severity": _take(["low", "medium", "high", "critical"], severity),
                "sensitive_field": _null_where(_take(sens, rng.integers(0, 3, k)), ~has_sens),
                "occurred_at": _ts(at),
            },
        )

    def _human_interventions(self) -> None:
        rng, n = self.rng, self.cfg.tasks
        ar = np.arange(n)
        kinds = ["review", "approval", "edit", "handoff", "takeover"]
        roles = [*cat.HUMAN_ROLES, cat.UNKNOWN_ROLE]
        billing = self.agent_names.index("billing-agent")
        esc = ar[self.escalated]
        esc_kind = np.where(rng.random(len(esc)) < 0.7, 3, 4)
        esc_role = np.where(self.agent[esc] == billing, 3, np.where(rng.random(len(esc)) < 0.8, 1, 2))
        review = ar[self.terminal & (rng.random(n) < 0.06)]
        edit = ar[self.completed & (rng.random(n) < 0.04)]
        appr = self.approval_tasks
        task = np.concatenate([esc, review, edit, appr])
        kind = np.concatenate([esc_kind, np.zeros(len(review), int), np.full(len(edit), 2), np.ones(len(appr), int)])
        role = np.concatenate([esc_role, np.zeros(len(review) + len(edit), int), np.full(len(appr), 2)])
        m = len(task)
        role = np.where(rng.random(m) < cat.UNKNOWN_ROLE_SHARE, len(roles) - 1, role)
        median = np.array([4.0, 3.0, 7.0, 18.0, 25.0])[kind]
        minutes = np.round(_lognormal_minutes(rng, median, 0.6, m), 2)
        at = np.where(
            kind >= 3, self.escalated_at[task], self.started[task] + (self.resolved[task] - self.started[task]) // 2
        )
        outcome = np.where(kind == 1, np.where(rng.random(m) < 0.9, 0, 1), np.array([0, 0, 2, 3, 3])[kind])
        self.intervention_task, self.intervention_kind = task, kind
        self._emit(
            "human_interventions",
            at,
            {
                "task_id": pc.take(self.task_ids, pa.array(task)),
                "kind": _take(kinds, kind),
                "actor_role": _take(roles, role),
                "started_at": _ts(at),
                "minutes": pa.array(minutes, pa.float64()),
                "outcome": _take(["approved", "rejected", "edited", "resolved"], outcome),
            },
        )

    def _feedback(self) -> None:
        rng, n = self.rng, self.cfg.tasks
        t = np.flatnonzero(self.terminal & (rng.random(n) < 0.35))
        m = len(t)
        good, esc = self.good[t], self.escalated[t]
        u = rng.random(m)
        cdf_good = np.cumsum([0.02, 0.03, 0.07, 0.30, 0.58])
        cdf_esc = np.cumsum([0.08, 0.12, 0.25, 0.35, 0.20])
        cdf_bad = np.cumsum([0.35, 0.25, 0.20, 0.12, 0.08])
        csat = 1 + np.where(
            good, np.searchsorted(cdf_good, u), np.where(esc, np.searchsorted(cdf_esc, u), np.searchsorted(cdf_bad, u))
        )
        csat = np.minimum(csat, 5)
        nps_lo = np.array([0, 0, 2, 5, 7, 9])[csat]
        nps_hi = np.array([0, 3, 5, 7, 9, 10])[csat]
        nps = nps_lo + (rng.random(m) * (nps_hi - nps_lo + 1)).astype(int)
        opted = rng.random(m) < np.where(good, 0.02, 0.10)
        comments = ["Thanks, quick and correct", "Took too long", "Had to ask twice", "Great help", "Wrong answer"]
        comment = _with_pii(rng, _take(comments, rng.integers(0, len(comments), m)), 0.3)
        at = self.final_resolved[t] + rng.integers(2 * MINUTE, 36 * HOUR, m)
        self._emit(
            "feedback",
            at,
            {
                "task_id": pc.take(self.task_ids, pa.array(t)),
                "submitted_at": _ts(at),
                "csat": pa.array(csat, pa.int64(), mask=rng.random(m) < 0.1),
                "nps": pa.array(nps, pa.int64(), mask=rng.random(m) < 0.3),
                "thumbs": _null_where(_take(["up", "down"], np.where(csat >= 4, 0, 1)), rng.random(m) < 0.4),
                "opted_out": pa.array(opted),
                "comment": _null_where(comment, rng.random(m) < 0.75),
            },
        )

    def _evaluations(self) -> None:
        rng, n = self.rng, self.cfg.tasks
        t = np.flatnonzero(self.terminal & (rng.random(n) < 0.12))
        m = len(t)
        good = self.good[t]
        score = np.where(good, rng.beta(8, 2, m), rng.beta(3, 4, m))
        at = self.final_resolved[t] + rng.integers(10 * MINUTE, 48 * HOUR, m)
        self._emit(
            "evaluations",
            at,
            {
                "task_id": pc.take(self.task_ids, pa.array(t)),
                "evaluator_type": _take(["human", "llm_judge", "rule"], rng.choice(3, m, p=[0.2, 0.6, 0.2])),
                "rubric": _take(["resolution_quality", "policy_adherence", "tone"], rng.integers(0, 3, m)),
                "score": pa.array(np.round(score, 4)),
                "passed": pa.array(score >= 0.7),
                "evaluated_at": _ts(at),
            },
        )

    def _business_outcomes(self) -> None:
        rng, n = self.rng, self.cfg.tasks
        types = cat.TASK_TYPES
        p = np.array([0.35 if t.outcome_type == "pipeline_influenced" else 0.9 for t in types] + [0.9])[self.tt]
        t = np.flatnonzero(self.good & (rng.random(n) < p))
        m = len(t)
        otypes = [x.outcome_type for x in types] + ["ticket_deflected"]
        value = np.array([x.value_usd for x in types] + [5.0])[self.tt[t]] * np.exp(0.3 * rng.standard_normal(m))
        at = self.final_resolved[t] + rng.integers(0, 2 * HOUR, m)
        self._emit(
            "business_outcomes",
            at,
            {
                "task_id": pc.take(self.task_ids, pa.array(t)),
                "outcome_type": _take(otypes, self.tt[t]),
                "value_usd": pa.array(np.round(value, 2)),
                "occurred_at": _ts(at),
            },
        )

    def _releases(self) -> None:
        rel = cat.RELEASES
        at = np.array([self.release_us[r.release_id] for r in rel])
        self._emit(
            "releases",
            at,
            {
                "release_id": pa.array([r.release_id for r in rel]),
                "agent_id": pa.array([r.agent_id for r in rel], pa.string()),
                "component": pa.array([r.component for r in rel]),
                "component_name": pa.array([r.component_name for r in rel]),
                "version": pa.array([r.version for r in rel]),
                "deployed_at": _ts(at),
                "description": pa.array([r.description for r in rel]),
            },
        )

    def _emit(self, table: str, at: np.ndarray, cols: dict[str, pa.Array]) -> None:
        """Adds event_id and _emitted_at, keeps only what happened before the end of the window."""
        keep = at < self.end_us if table != "releases" else np.ones(len(at), bool)
        idx = np.flatnonzero(keep)
        emitted = at[idx] + self.rng.integers(200_000, 60 * US, len(idx))
        prefix = ("" if table == "releases" else self.cfg.id_prefix) + "".join(w[0] for w in table.split("_")) + "-"
        out: dict[str, pa.Array] = {"event_id": _ids(prefix, idx), "_emitted_at": _ts(emitted)}
        sel = pa.array(idx)
        for f in TABLES[table][2:]:
            out[f.name] = pc.take(cols[f.name], sel).cast(_ARROW_TYPES[f.type])
        self.tables[table] = pa.table(out)


# ---------------------------------------------------------------- faults and writing
