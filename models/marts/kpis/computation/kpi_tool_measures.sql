{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

attempts as (

    select * from {{ ref('kpi_tool_attempts_by_cohort') }}

),

by_period as (

    {{ agent_kpis.expand_periods('attempts') }}

),

final as (

    select
        {{ keys | join(', ') }},
        period_grain,
        period_start,
        count(*) as attempt_count,
        {{ agent_kpis.kpi_aggregates(agent_kpis.tool_kpi_definitions()) }}
    from by_period
    group by {{ keys | join(', ') }}, period_grain, period_start

)

select * from final
