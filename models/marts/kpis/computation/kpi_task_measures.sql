{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

terminal_tasks as (

    select * from {{ ref('kpi_terminal_tasks_by_cohort') }}

),

by_period as (

    {{ agent_kpis.expand_periods('terminal_tasks') }}

),

final as (

    select
        {{ keys | join(', ') }},
        period_grain,
        period_start,
        count(*) as terminal_task_count,
        {{ agent_kpis.kpi_aggregates(agent_kpis.task_kpi_definitions()) }}
    from by_period
    group by {{ keys | join(', ') }}, period_grain, period_start

)

select * from final
