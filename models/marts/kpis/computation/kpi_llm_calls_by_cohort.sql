{{ config(materialized='view') }}

with

llm_calls as (

    select * from {{ ref('fct_llm_calls') }}

),

calls as (

    -- model-call KPIs count calls on the UTC date of started_at, in the cohort of their task
    select
        *,
        {{ agent_kpis.period_columns('started_date') }}
    from llm_calls
    where started_date is not null

),

final as (

    {{ agent_kpis.expand_cohorts('calls') }}

)

select * from final
