{{ config(**agent_kpis.incremental_by_period()) }}
{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

terminal_tasks as (

    select * from {{ ref('kpi_terminal_tasks_by_cohort') }}

),

counted_days as (

    select * from {{ ref('kpi_task_counted_days') }}

),

final as (

    {{ agent_kpis.kpi_measures('terminal_tasks', agent_kpis.task_kpi_definitions(), keys, 'terminal_task_count', 'counted_days') }}

)

select * from final
