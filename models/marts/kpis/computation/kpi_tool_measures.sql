{{ config(**agent_kpis.incremental_by_period()) }}
{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

attempts as (

    select * from {{ ref('kpi_tool_attempts_by_cohort') }}

),

counted_days as (

    select * from {{ ref('kpi_task_counted_days') }}

),

final as (

    {{ agent_kpis.kpi_measures('attempts', agent_kpis.tool_kpi_definitions(), keys, 'attempt_count', 'counted_days') }}

)

select * from final
