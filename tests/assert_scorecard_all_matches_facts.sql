-- kpi_scorecard for period_grain = 'all' equals a direct recomputation of the headline
-- KPIs from fct_tasks and fct_tool_calls, written here without the project's macros (a
-- KPI without data is null on both sides, e.g. over an intentionally empty feed).
with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

tool_calls as (

    select * from {{ ref('fct_tool_calls') }}

),

scorecard as (

    select * from {{ ref('kpi_scorecard') }}
    where period_grain = 'all'

),

terminal as (

    select * from tasks
    where is_terminal

),

expected as (

    select
        'terminal_tasks' as kpi_name,
        cast(nullif(count(*), 0) as {{ agent_kpis.type_double() }}) as expected_value
    from terminal
    union all
    select
        'task_success_rate' as kpi_name,
        avg(case when outcome = 'verified_success' then 1 else 0 end) as expected_value
    from terminal
    union all
    select
        'escalation_rate' as kpi_name,
        avg(case when is_escalated then 1 else 0 end) as expected_value
    from terminal
    union all
    select
        'containment_rate' as kpi_name,
        avg(case when is_contained then 1 else 0 end) as expected_value
    from terminal
    union all
    select
        'cost_per_successful_task_usd' as kpi_name,
        cast(sum(total_cost_usd) as {{ agent_kpis.type_double() }})
        / nullif(sum(case when outcome = 'verified_success' then 1 else 0 end), 0) as expected_value
    from terminal
    union all
    select
        'human_minutes_per_task' as kpi_name,
        avg(cast(human_minutes as {{ agent_kpis.type_double() }})) as expected_value
    from terminal
    union all
    select
        'policy_violation_rate' as kpi_name,
        avg(case when policy_violation_count > 0 then 1 else 0 end) as expected_value
    from terminal
    union all
    select
        'csat_pct_satisfied' as kpi_name,
        cast(sum(csat_satisfied_count) as {{ agent_kpis.type_double() }}) / nullif(sum(csat_response_count), 0) as expected_value
    from terminal
    union all
    select
        'ttr_p50_minutes' as kpi_name,
        {{ agent_kpis.percentile_cont('resolution_minutes', 0.5) }} as expected_value
    from terminal
    where terminal_event_type = 'completed'
    union all
    select
        'tool_attempt_success_rate' as kpi_name,
        avg(case when status = 'success' then 1 else 0 end) as expected_value
    from tool_calls
    union all
    select
        'tool_call_success_rate' as kpi_name,
        cast(count(distinct case when is_call_successful then call_id end) as {{ agent_kpis.type_double() }})
        / nullif(count(distinct call_id), 0) as expected_value
    from tool_calls

),

compared as (

    select
        expected.kpi_name,
        expected.expected_value,
        scorecard.value as scorecard_value
    from expected
    left join scorecard
        on expected.kpi_name = scorecard.kpi_name

)

select *
from compared
where
    (scorecard_value is null) <> (expected_value is null)
    or abs(scorecard_value - expected_value) > 1e-9 * greatest(1, abs(expected_value))
