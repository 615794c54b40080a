"""The demo world as OpenTelemetry traces (`agent-kpis generate --format otlp`).

Every finished agent run becomes one trace, written as one OTLP/JSON ExportTraceServiceRequest
per line (as the Collector's file exporter writes them) under `<raw root>/otel_traces/`, in
the OpenTelemetry GenAI conventions:

* an `invoke_agent` span from the task's `created` event to its final event: status ERROR
  when the task failed; gen_ai.conversation.id is the task id, gen_ai.agent.name the agent,
  gen_ai.request.model the model, and the other cohort fields ride in a `metadata` JSON
  attribute (as pydantic-ai and OpenInference put run metadata);
* a `chat` span per model call (model, provider, input/output/cache-read tokens; no cost:
  the conventions carry none, so model_prices prices them);
* an `execute_tool` span per tool attempt (tool name, the call's id, error.type = the error
  category and status ERROR when it failed, and `pydantic_ai.tool.retry.attempt` on an
  attempt that was retried, as pydantic-ai marks them).

What traces cannot carry stays in the contract tables, keyed by the same task ids: the
other state changes (started, escalated, handed_off, resumed, reopened, abandoned, an earlier
completion), verifications, human interventions, policy events, feedback, evaluations,
business outcomes and releases. Runs still in flight at the end of the window have not
exported their spans yet; their events and calls stay in the contract tables too.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

TRACE_FOLDER = "otel_traces"

_SPLIT_SQL = """
create or replace temp table traced as
with events as (
    select *, case event_type when 'reopened' then 4 when 'failed' then 3 when 'abandoned' then 2 else 1 end as tie_rank
    from task_events
),
ranked as (
    select *,
        row_number() over (partition by task_id order by occurred_at desc, tie_rank desc, event_id desc) as from_last,
        row_number() over (partition by task_id order by occurred_at, tie_rank, event_id) as from_first
    from events
),
finals as (
    select task_id, event_id as final_event_id, event_type as final_type, occurred_at as ended_at, reason
    from ranked where from_last = 1 and event_type in ('completed', 'failed', 'abandoned')
),
createds as (
    select * from (
        select *, row_number() over (partition by task_id order by occurred_at, event_id) as n
        from events where event_type = 'created'
    ) where n = 1
)
select
    createds.task_id, createds.event_id as created_event_id, createds.occurred_at as created_at,
    finals.final_event_id, finals.final_type, finals.ended_at, finals.reason,
    createds.agent_id, createds.agent_version, createds.prompt_version, createds.model, createds.task_type,
    createds.channel, createds.region, createds.product_line, createds.customer_tier, createds.customer_id,
    md5('trace:' || createds.task_id) as trace_id, left(md5('root:' || createds.task_id), 16) as root_span_id
from createds
inner join finals on createds.task_id = finals.task_id
where finals.ended_at >= createds.occurred_at
"""

_ATTRIBUTE = "case when {v} is not null then {{'key': '{k}', 'value': json_object('{t}', {v}::varchar)}} end"


def _attributes(pairs: list[tuple[str, str, str]]) -> str:
    items = ", ".join(_ATTRIBUTE.format(k=k, v=v, t=t) for k, v, t in pairs)
    return f"list_filter([{items}], lambda a: a is not null)"


def _ns(column: str) -> str:
    return f"(epoch_us({column}) * 1000)::varchar"


_SPANS_SQL = f"""
create or replace temp table spans as
with root as (
    select
        traced.task_id, traced.trace_id, traced.root_span_id as span_id, cast(null as varchar) as parent_span_id,
        'invoke_agent ' || coalesce(traced.agent_id, 'agent') as name,
        {_ns("traced.created_at")} as start_ns, {_ns("traced.ended_at")} as end_ns,
        case when traced.final_type = 'failed' then 2 else 1 end as status_code,
        case when traced.final_type = 'failed' then traced.reason end as status_message,
        {
    _attributes(
        [
            ("gen_ai.operation.name", "'invoke_agent'", "stringValue"),
            ("gen_ai.agent.name", "traced.agent_id", "stringValue"),
            ("gen_ai.conversation.id", "traced.task_id", "stringValue"),
            ("gen_ai.request.model", "traced.model", "stringValue"),
            ("error.type", "case when traced.final_type = 'failed' then 'TaskFailed' end", "stringValue"),
            (
                "metadata",
                "json_object('task_type', traced.task_type, 'channel', traced.channel, 'region', traced.region,"
                " 'product_line', traced.product_line, 'customer_tier', traced.customer_tier,"
                " 'customer_id', traced.customer_id, 'agent_version', traced.agent_version,"
                " 'prompt_version', traced.prompt_version)",
                "stringValue",
            ),
        ]
    )
} as attributes
    from traced
),
chats as (
    select
        traced.task_id, traced.trace_id, left(md5(llm_calls.event_id), 16) as span_id,
        traced.root_span_id as parent_span_id, 'chat ' || coalesce(llm_calls.model, 'model') as name,
        {_ns("llm_calls.started_at")} as start_ns, {
    _ns("coalesce(llm_calls.ended_at, llm_calls.started_at)")
} as end_ns,
        0 as status_code, cast(null as varchar) as status_message,
        {
    _attributes(
        [
            ("gen_ai.operation.name", "'chat'", "stringValue"),
            ("gen_ai.request.model", "llm_calls.model", "stringValue"),
            ("gen_ai.provider.name", "llm_calls.provider", "stringValue"),
            ("gen_ai.usage.input_tokens", "llm_calls.input_tokens", "intValue"),
            ("gen_ai.usage.output_tokens", "llm_calls.output_tokens", "intValue"),
            ("gen_ai.usage.cache_read.input_tokens", "llm_calls.cached_input_tokens", "intValue"),
            ("gen_ai.usage.cache_creation.input_tokens", "llm_calls.cache_creation_input_tokens", "intValue"),
            ("gen_ai.usage.reasoning.output_tokens", "llm_calls.reasoning_output_tokens", "intValue"),
        ]
    )
} as attributes
    from llm_calls
    inner join traced on llm_calls.task_id = traced.task_id
    where llm_calls.started_at is not null
),
tool_attempts as (
    select *, max(attempt) over (partition by call_id) as last_attempt from tool_calls
),
tools as (
    select
        traced.task_id, traced.trace_id, left(md5(tool_attempts.event_id), 16) as span_id,
        traced.root_span_id as parent_span_id, 'execute_tool ' || tool_attempts.tool_name as name,
        {_ns("tool_attempts.started_at")} as start_ns,
        {_ns("coalesce(tool_attempts.ended_at, tool_attempts.started_at)")} as end_ns,
        case when tool_attempts.status = 'success' then 0 else 2 end as status_code,
        cast(null as varchar) as status_message,
        {
    _attributes(
        [
            ("gen_ai.operation.name", "'execute_tool'", "stringValue"),
            ("gen_ai.tool.name", "tool_attempts.tool_name", "stringValue"),
            ("gen_ai.tool.call.id", "tool_attempts.call_id", "stringValue"),
            (
                "error.type",
                "case when tool_attempts.status <> 'success' then tool_attempts.error_category end",
                "stringValue",
            ),
            (
                "pydantic_ai.tool.retry.attempt",
                "case when tool_attempts.attempt < tool_attempts.last_attempt then tool_attempts.attempt end",
                "intValue",
            ),
        ]
    )
} as attributes
    from tool_attempts
    inner join traced on tool_attempts.task_id = traced.task_id
    where tool_attempts.ended_at is null or tool_attempts.ended_at >= tool_attempts.started_at
)
select * from root union all select * from chats union all select * from tools
"""

_LINES_SQL = """
select
    traced.task_id,
    to_json({'resourceSpans': [{
        'resource': {'attributes': [{'key': 'service.name', 'value': json_object('stringValue', 'agent-kpis-demo')}]},
        'scopeSpans': [{
            'scope': {'name': 'agent_kpis.generator', 'version': '1'},
            'spans': list({
                'traceId': spans.trace_id, 'spanId': spans.span_id, 'parentSpanId': spans.parent_span_id,
                'name': spans.name, 'kind': 1, 'startTimeUnixNano': spans.start_ns, 'endTimeUnixNano': spans.end_ns,
                'attributes': spans.attributes,
                'status': {'code': spans.status_code, 'message': spans.status_message}
            } order by spans.start_ns, spans.span_id)
        }]
    }]})::varchar as line
from spans
inner join traced on spans.task_id = traced.task_id
where traced.day = ?
group by traced.task_id, traced.ended_at
order by traced.ended_at, traced.task_id
"""


def split_world(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """Builds the traced runs and their spans (temp tables `traced` and `spans`) and returns
    the contract tables left over: without what the traces carry."""
    for name in ("task_events", "tool_calls", "llm_calls"):
        con.register(name, tables[name])
    con.execute(_SPLIT_SQL)
    con.execute("alter table traced add column day bigint")
    con.execute("update traced set day = epoch_us(ended_at) // 86400000000")
    con.execute(_SPANS_SQL)
    rest = dict(tables)
    rest["task_events"] = con.sql(
        "select * from task_events where event_id not in (select created_event_id from traced)"
        " and event_id not in (select final_event_id from traced where final_type in ('completed', 'failed'))"
    ).to_arrow_table()
    for name in ("tool_calls", "llm_calls"):
        rest[name] = con.sql(f"select * from {name} where task_id not in (select task_id from traced)").to_arrow_table()
    for name in ("task_events", "tool_calls", "llm_calls"):
        con.unregister(name)
    return rest


def write_lines(
    con: duckdb.DuckDBPyConnection, out_dir: Path, duplicate: float, not_json: float, rng: np.random.Generator
) -> tuple[int, int, int]:
    """One file per day of the runs' ends, rendered a day at a time (memory stays at one day);
    a share of lines redelivered (at least once) in the next day's file, a share cut in half
    (not JSON). Returns (runs, lines written, files)."""
    from agent_kpis.generator.files import _day_name  # one file naming for every table

    folder = out_dir / TRACE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    days = [int(r[0]) for r in con.execute("select distinct day from traced order by day").fetchall()]
    carried: list[str] = []
    runs = written = files = 0
    for day in [*days, days[-1] + 1] if days else []:
        text = [r[1] for r in con.execute(_LINES_SQL, [day]).fetchall()] if day in days else []
        runs += len(text)
        bad = rng.random(len(text)) < not_json
        again = rng.random(len(text)) < duplicate
        out = carried + [line[: len(line) // 2] if b else line for line, b in zip(text, bad, strict=True)]
        carried = [line for line, a in zip(text, again, strict=True) if a]
        if out:
            (folder / f"traces-{_day_name(day)}.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
            written += len(out)
            files += 1
    return runs, written, files
