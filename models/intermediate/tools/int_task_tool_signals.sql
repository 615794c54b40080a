{#- One row per task (task_id) with tool attempts: attempts, failures, logical calls, sensitive access. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='task_id',
        on_schema_change='fail',
        pre_hook="{{ agent_kpis.delete_derived_tasks() }}",
        meta={'rows_loaded_at_column': 'last_loaded_at'},
    )
}}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

tool_attempts as (

    select * from {{ ref('int_tool_attempts_chained') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

per_task as (

    select
        task_id,
        count(*) as tool_attempt_count,
        count(case when status <> 'success' then 1 end) as failed_tool_attempt_count,
        count(distinct call_id) as tool_call_count,
        max(case when sensitive_field_count > 0 then 1 else 0 end) = 1 as has_sensitive_tool_access,
        max(case when has_clock_skew then 1 else 0 end) = 1 as has_tool_clock_skew
    from tool_attempts
    group by task_id

),

final as (

    select
        per_task.*,
        derived_tasks.last_loaded_at
    from per_task
    inner join derived_tasks
        on per_task.task_id = derived_tasks.task_id

)

select * from final
