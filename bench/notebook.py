"""The analyst's notebook the warehouse should beat: pandas over the raw Parquet.

The task outcome (docs/kpis.md section 1) and five headline KPIs, overall and by ISO week
of resolution, the way an analyst would write them in a notebook: read each table, keep the
newest copy of each event, join, group. No quarantine, no tests. `agent-kpis bench` runs it
as `python bench/notebook.py <raw root> <seeds folder>` and compares its JSON output with
kpi_scorecard.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd

TERMINAL = ("completed", "failed", "abandoned")


def read(raw: Path, table: str, columns: list[str]) -> pd.DataFrame:
    frames = [pd.read_parquet(path, columns=columns) for path in sorted((raw / table).glob("*.parquet"))]
    return pd.concat(frames, ignore_index=True)


def newest_copy(df: pd.DataFrame, required: list[str]) -> pd.DataFrame:
    df = df.dropna(subset=["event_id", *required])
    return df.sort_values("_emitted_at").drop_duplicates("event_id", keep="last")


def task_outcomes(raw: Path, seeds: Path) -> pd.DataFrame:
    events = newest_copy(
        read(raw, "task_events", ["event_id", "task_id", "event_type", "occurred_at", "task_type", "_emitted_at"]),
        ["task_id", "occurred_at"],
    )
    events = events.sort_values(["task_id", "occurred_at"])
    created = events[events["event_type"] == "created"].groupby("task_id")["task_type"].first()
    fallback = events.dropna(subset=["task_type"]).groupby("task_id")["task_type"].first()
    tasks = pd.DataFrame({"task_type": created.combine_first(fallback)})
    states = events[events["event_type"].isin([*TERMINAL, "reopened"])].groupby("task_id").last()
    tasks["last_state"] = states["event_type"]
    tasks["resolved_at"] = states["occurred_at"].where(states["event_type"].isin(TERMINAL))
    escalated = events[events["event_type"].isin(["escalated", "handed_off"])]["task_id"].unique()
    tasks["is_escalated"] = tasks.index.isin(escalated)

    checks = newest_copy(
        read(raw, "verifications", ["event_id", "task_id", "check_name", "status", "verified_at", "_emitted_at"]),
        ["task_id", "verified_at"],
    )
    latest = checks.sort_values(["verified_at", "event_id"]).groupby(["task_id", "check_name"])["status"].last()
    required = pd.read_csv(seeds / "task_required_checks.csv")
    needed = tasks[["task_type"]].reset_index().merge(required, on="task_type")
    needed = needed.join(latest, on=["task_id", "check_name"])
    per_task = (
        needed.assign(passed=needed["status"].eq("passed"), failed=needed["status"].isin(["failed", "error"]))
        .groupby("task_id")[["check_name", "passed", "failed"]]
        .agg({"check_name": "count", "passed": "sum", "failed": "sum"})
    )
    tasks = tasks.join(per_task.rename(columns={"check_name": "required"}))

    def outcome(t: pd.Series) -> str:
        if t["last_state"] not in TERMINAL:
            return "open"
        if t["last_state"] != "completed":
            return str(t["last_state"])
        if t["is_escalated"]:
            return "escalated"
        if t["required"] > 0 and t["passed"] == t["required"]:
            return "verified_success"
        if t["failed"] > 0:
            return "verification_failed"
        return "unverified_success"

    tasks["outcome"] = tasks.apply(outcome, axis=1)
    tasks["cost"] = task_costs(raw, seeds).reindex(tasks.index, fill_value=0.0)
    policy = newest_copy(
        read(raw, "policy_events", ["event_id", "task_id", "is_violation", "_emitted_at"]), ["task_id"]
    )
    violating = policy[policy["is_violation"].fillna(False).astype(bool)]["task_id"].unique()
    tasks["has_violation"] = tasks.index.isin(violating)
    return tasks


def task_costs(raw: Path, seeds: Path) -> pd.Series:
    calls = newest_copy(
        read(raw, "llm_calls", ["event_id", "task_id", "model", "started_at", "input_tokens", "cached_input_tokens",
                                "output_tokens", "cost_usd", "_emitted_at"]),
        ["task_id"],
    )  # fmt: skip
    prices = pd.read_csv(seeds / "model_prices.csv", parse_dates=["valid_from"]).sort_values("valid_from")
    calls["call_date"] = pd.to_datetime(calls["started_at"]).dt.tz_localize(None).dt.normalize()
    calls = pd.merge_asof(
        calls.sort_values("call_date"), prices, left_on="call_date", right_on="valid_from", by="model"
    )
    cached = calls["cached_input_tokens"].fillna(0)
    priced = (
        (calls["input_tokens"].fillna(0) - cached) * calls["input_usd_per_1m_tokens"]
        + cached * calls["cached_input_usd_per_1m_tokens"]
        + calls["output_tokens"].fillna(0) * calls["output_usd_per_1m_tokens"]
    ) / 1e6
    calls["cost"] = calls["cost_usd"].combine_first(priced).fillna(0.0)
    human = newest_copy(
        read(raw, "human_interventions", ["event_id", "task_id", "actor_role", "minutes", "_emitted_at"]), ["task_id"]
    )
    rates = pd.read_csv(seeds / "human_cost_rates.csv").set_index("actor_role")["usd_per_hour"]
    human["cost"] = human["minutes"].clip(lower=0).fillna(0) / 60 * human["actor_role"].map(rates).fillna(0)
    return pd.concat([calls[["task_id", "cost"]], human[["task_id", "cost"]]]).groupby("task_id")["cost"].sum()


def task_kpis(terminal: pd.DataFrame) -> dict[str, float | None]:
    successes = int((terminal["outcome"] == "verified_success").sum())
    return {
        "task_success_rate": successes / len(terminal),
        "escalation_rate": float(terminal["is_escalated"].mean()),
        "cost_per_successful_task_usd": float(terminal["cost"].sum()) / successes if successes else None,
        "policy_violation_rate": float(terminal["has_violation"].mean()),
    }


def tool_call_success_rate(raw: Path) -> float:
    attempts = newest_copy(
        read(raw, "tool_calls", ["event_id", "task_id", "call_id", "attempt", "status", "_emitted_at"]),
        ["task_id", "call_id", "attempt"],
    )
    attempts = attempts[attempts["attempt"] >= 1]
    final = attempts.sort_values(["call_id", "attempt"]).groupby("call_id")["status"].last()
    return float((final == "success").mean())


def main(raw: Path, seeds: Path) -> dict[str, object]:
    tasks = task_outcomes(raw, seeds)
    terminal = tasks[tasks["outcome"] != "open"].copy()
    resolved = pd.to_datetime(terminal["resolved_at"], utc=True).dt.tz_localize(None)
    terminal["week"] = (resolved.dt.normalize() - pd.to_timedelta(resolved.dt.day_of_week, unit="D")).dt.date
    overall: dict[str, float | None] = {**task_kpis(terminal), "tool_call_success_rate": tool_call_success_rate(raw)}
    weeks = {str(week): task_kpis(group) for week, group in terminal.groupby("week")}
    return {"all": overall, "week": weeks}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]))))
