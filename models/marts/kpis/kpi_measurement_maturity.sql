with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

tool_calls as (

    select * from {{ ref('fct_tool_calls') }}

),

targets as (

    select * from {{ ref('kpi_targets') }}

),

movements as (

    select * from {{ ref('kpi_movements') }}

),

thresholds as (

    select * from {{ ref('maturity_thresholds') }}

),

coverage as (

    select
        'task_outcomes' as domain,
        {{ agent_kpis.safe_divide(
            "count(case when terminal_event_type = 'completed' and required_check_count > 0 and missing_check_count = 0 then 1 end)",
            "count(case when terminal_event_type = 'completed' then 1 end)") }} as coverage_value,
        cast(null as {{ agent_kpis.type_double() }}) as secondary_coverage_value,
        'completed tasks with a result for every required check / completed tasks' as coverage_definition
    from tasks

    union all

    select
        'tool_execution' as domain,
        {{ agent_kpis.safe_divide(
            "count(case when status <> 'success' and error_category is not null and error_category <> 'unknown' then 1 end)",
            "count(case when status <> 'success' then 1 end)") }} as coverage_value,
        {{ agent_kpis.safe_divide(
            'count(case when is_side_effecting and has_idempotency_key then 1 end)',
            'count(case when is_side_effecting then 1 end)') }} as secondary_coverage_value,
        'failed attempts with a known error_category / failed attempts; and side-effecting attempts'
        || ' with an idempotency key / side-effecting attempts (both must pass)'
            as coverage_definition
    from tool_calls

    union all

    select
        'quality' as domain,
        {{ agent_kpis.safe_divide('count(case when evaluation_count > 0 then 1 end)', 'count(*)') }} as coverage_value,
        cast(null as {{ agent_kpis.type_double() }}) as secondary_coverage_value,
        'eval_coverage_rate: terminal tasks with an evaluation / terminal tasks' as coverage_definition
    from tasks
    where is_terminal

    union all

    select
        'efficiency' as domain,
        {{ agent_kpis.safe_divide('count(case when costed_llm_call_count > 0 then 1 end)', 'count(*)') }} as coverage_value,
        cast(null as {{ agent_kpis.type_double() }}) as secondary_coverage_value,
        'terminal tasks with at least one costed llm call / terminal tasks' as coverage_definition
    from tasks
    where is_terminal

    union all

    select
        'risk_and_safety' as domain,
        {{ agent_kpis.safe_divide('count(stop_the_line)', 'count(*)') }} as coverage_value,
        cast(null as {{ agent_kpis.type_double() }}) as secondary_coverage_value,
        'policy KPIs with a stop-the-line threshold / policy KPIs (kpi_targets, domain risk_and_safety)'
            as coverage_definition
    from targets
    where domain = 'risk_and_safety'

    union all

    select
        'adoption_and_trust' as domain,
        {{ agent_kpis.safe_divide('count(case when feedback_count > 0 then 1 end)', 'count(*)') }} as coverage_value,
        cast(null as {{ agent_kpis.type_double() }}) as secondary_coverage_value,
        'feedback_response_rate: terminal tasks with feedback / terminal tasks' as coverage_definition
    from tasks
    where is_terminal

    union all

    select
        'traceability' as domain,
        {{ agent_kpis.safe_divide('count(case when is_attributed then 1 end)', 'count(*)') }} as coverage_value,
        cast(null as {{ agent_kpis.type_double() }}) as secondary_coverage_value,
        'headline-KPI moves attributed to a release / all moves (kpi_movements)' as coverage_definition
    from movements

),

final as (

    select
        coverage.domain,
        coverage.coverage_value,
        coverage.secondary_coverage_value,
        thresholds.coverage_threshold,
        case
            when
                coverage.coverage_value >= thresholds.coverage_threshold
                and coalesce(coverage.secondary_coverage_value >= thresholds.coverage_threshold, true)
                then 'operationalized'
            else 'early'
        end as maturity_level,
        coverage.coverage_definition

    from coverage
    left join thresholds
        on coverage.domain = thresholds.domain

)

select * from final
