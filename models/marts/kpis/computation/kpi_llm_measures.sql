{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

calls as (

    select * from {{ ref('kpi_llm_calls_by_cohort') }}

),

by_period as (

    {{ agent_kpis.expand_periods('calls') }}

),

final as (

    select
        {{ keys | join(', ') }},
        period_grain,
        period_start,
        count(*) as llm_call_count,
        {{ agent_kpis.kpi_aggregates(agent_kpis.llm_kpi_definitions()) }}
    from by_period
    group by {{ keys | join(', ') }}, period_grain, period_start

)

select * from final
