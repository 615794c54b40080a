{{ config(materialized='view') }}

with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

terminal_tasks as (

    -- task KPIs count terminal tasks on the UTC date of resolved_at (docs/kpis.md section 2)
    select
        *,
        {{ agent_kpis.period_columns('resolved_date') }}
    from tasks
    where is_terminal

),

final as (

    {{ agent_kpis.expand_cohorts('terminal_tasks') }}

)

select * from final
