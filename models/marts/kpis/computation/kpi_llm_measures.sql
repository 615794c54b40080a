{{ config(**agent_kpis.incremental_by_period()) }}
{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

calls as (

    select * from {{ ref('kpi_llm_calls_by_cohort') }}

),

counted_days as (

    select * from {{ ref('kpi_task_counted_days') }}

),

final as (

    {{ agent_kpis.kpi_measures('calls', agent_kpis.llm_kpi_definitions(), keys, 'llm_call_count', 'counted_days') }}

)

select * from final
