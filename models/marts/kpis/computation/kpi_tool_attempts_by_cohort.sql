{{ config(materialized='view') }}

with

tool_calls as (

    select * from {{ ref('fct_tool_calls') }}

),

tasks as (

    select * from {{ ref('fct_tasks') }}

),

attempts as (

    -- tool KPIs count attempts on the UTC date of started_at, in the cohort of their task
    select
        tool_calls.*,
        tasks.channel,
        tasks.region,
        tasks.product_line,
        tasks.customer_tier,
        {{ agent_kpis.period_columns('tool_calls.started_date') }}
    from tool_calls
    left join tasks
        on tool_calls.task_id = tasks.task_id

),

final as (

    {{ agent_kpis.expand_cohorts('attempts') }}

)

select * from final
