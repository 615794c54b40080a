-- The engine's floor: the task outcome and the headline KPIs computed by one hand-written
-- DuckDB script straight from the raw Parquet, with no dbt, no quarantine, no tests.
-- {raw} and {seeds} are replaced by agent-kpis bench, which checks the result equal to the marts.
create or replace temp table task_events as
select * from read_parquet('{raw}/task_events/*.parquet', union_by_name = true)
where event_id is not null and task_id is not null and occurred_at is not null
qualify row_number() over (partition by event_id order by _emitted_at desc) = 1;

create or replace temp table tasks as
with state as (
    select task_id, event_type, occurred_at,
        row_number() over (partition by task_id order by occurred_at desc) as rn
    from task_events
    where event_type in ('completed', 'failed', 'abandoned', 'reopened')
)
select
    e.task_id,
    coalesce(min(e.occurred_at) filter (where e.event_type = 'created'), min(e.occurred_at)) as created_at,
    any_value(s.event_type) filter (where s.rn = 1) as last_state,
    any_value(s.occurred_at) filter (where s.rn = 1) as last_state_at,
    bool_or(e.event_type in ('escalated', 'handed_off')) as is_escalated,
    arg_min(e.task_type, case when e.event_type = 'created' then 0 else 1 end) as task_type,
    arg_min(e.agent_id, case when e.event_type = 'created' then 0 else 1 end) as agent_id
from task_events as e
left join state as s on e.task_id = s.task_id and s.rn = 1
group by e.task_id;

create or replace temp table checks as
with latest as (
    select task_id, check_name, status
    from read_parquet('{raw}/verifications/*.parquet', union_by_name = true)
    where event_id is not null and task_id is not null and verified_at is not null
    qualify row_number() over (partition by task_id, check_name order by verified_at desc) = 1
)
select t.task_id,
    count(*) as required,
    count(*) filter (where l.status = 'passed') as passed,
    count(*) filter (where l.status in ('failed', 'error')) as failed
from tasks as t
join read_csv('{seeds}/task_required_checks.csv') as r on t.task_type = r.task_type
left join latest as l on l.task_id = t.task_id and l.check_name = r.check_name
group by t.task_id;

create or replace temp table costs as
with calls as (
    select * from read_parquet('{raw}/llm_calls/*.parquet', union_by_name = true)
    where event_id is not null and task_id is not null
    qualify row_number() over (partition by event_id order by _emitted_at desc) = 1
),
priced as (
    select c.task_id, coalesce(c.cost_usd,
        ((c.input_tokens - c.cached_input_tokens) * p.input_usd_per_1m_tokens
         + c.cached_input_tokens * p.cached_input_usd_per_1m_tokens
         + c.output_tokens * p.output_usd_per_1m_tokens) / 1e6, 0) as cost
    from calls as c
    asof left join read_csv('{seeds}/model_prices.csv') as p
        on c.model = p.model and cast(c.started_at as date) >= p.valid_from
),
interventions as (
    select * from read_parquet('{raw}/human_interventions/*.parquet', union_by_name = true)
    where event_id is not null and task_id is not null
    qualify row_number() over (partition by event_id order by _emitted_at desc) = 1
),
human as (
    select h.task_id, sum(greatest(h.minutes, 0) / 60 * coalesce(r.usd_per_hour, 0)) as cost
    from interventions as h
    left join read_csv('{seeds}/human_cost_rates.csv') as r on h.actor_role = r.actor_role
    group by h.task_id
)
select task_id, sum(cost) as cost from (select * from priced union all select * from human) group by task_id;

create or replace temp table outcomes as
select t.*,
    case
        when t.last_state is null or t.last_state = 'reopened' then 'open'
        when t.last_state in ('failed', 'abandoned') then t.last_state
        when t.is_escalated then 'escalated'
        when c.required > 0 and c.passed = c.required then 'verified_success'
        when c.failed > 0 then 'verification_failed'
        else 'unverified_success'
    end as outcome,
    coalesce(k.cost, 0) as cost,
    coalesce(v.violations, 0) as violations
from tasks as t
left join checks as c on t.task_id = c.task_id
left join costs as k on t.task_id = k.task_id
left join (
    select task_id, count(*) filter (where is_violation) as violations
    from (
        select * from read_parquet('{raw}/policy_events/*.parquet', union_by_name = true)
        where event_id is not null and task_id is not null
        qualify row_number() over (partition by event_id order by _emitted_at desc) = 1
    )
    group by task_id
) as v on t.task_id = v.task_id;

create or replace temp table tool_calls as
select * from read_parquet('{raw}/tool_calls/*.parquet', union_by_name = true)
where event_id is not null and call_id is not null and task_id is not null and attempt >= 1
qualify row_number() over (partition by event_id order by _emitted_at desc) = 1;

select 'task_success_rate' as kpi, avg((outcome = 'verified_success')::int) as value
from outcomes where outcome <> 'open'
union all
select 'escalation_rate', avg(is_escalated::int) from outcomes where outcome <> 'open'
union all
select 'cost_per_successful_task_usd', sum(cost) / count(*) filter (where outcome = 'verified_success')
from outcomes where outcome <> 'open'
union all
select 'policy_violation_rate', avg((violations > 0)::int) from outcomes where outcome <> 'open'
union all
select 'tool_call_success_rate', avg((last_status = 'success')::int)
from (select call_id, arg_max(status, attempt) as last_status from tool_calls group by call_id);
