{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

attempts as (

    select * from {{ ref('kpi_tool_attempts_by_cohort') }}

),

final as (

    {{ agent_kpis.kpi_measures('attempts', agent_kpis.tool_kpi_definitions(), keys, 'attempt_count') }}

)

select * from final
