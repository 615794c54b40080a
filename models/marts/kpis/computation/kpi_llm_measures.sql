{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

calls as (

    select * from {{ ref('kpi_llm_calls_by_cohort') }}

),

final as (

    {{ agent_kpis.kpi_measures('calls', agent_kpis.llm_kpi_definitions(), keys, 'llm_call_count') }}

)

select * from final
