{#- One row per task (task_id) with tool attempts: attempts, failures, logical calls, sensitive access. -#}
{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

tool_attempts as (

    select * from {{ ref('int_tool_attempts_chained') }}

),

final as (

    select
        tool_attempts.task_id,
        count(*) as tool_attempt_count,
        count(case when tool_attempts.status <> 'success' then 1 end) as failed_tool_attempt_count,
        count(distinct tool_attempts.call_id) as tool_call_count,
        max(case when tool_attempts.sensitive_field_count > 0 then 1 else 0 end) = 1 as has_sensitive_tool_access,
        max(case when tool_attempts.has_clock_skew then 1 else 0 end) = 1 as has_tool_clock_skew,
        derived_tasks.last_loaded_at
    from tool_attempts
    inner join derived_tasks
        on tool_attempts.task_id = derived_tasks.task_id
    group by tool_attempts.task_id, derived_tasks.last_loaded_at

)

select * from final
