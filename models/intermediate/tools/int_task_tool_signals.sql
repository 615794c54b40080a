{#- One row per task (task_id) with tool attempts: attempts, failures, logical calls, sensitive access. -#}
with

tool_attempts as (

    select * from {{ ref('int_tool_attempts_chained') }}

),

final as (

    select
        task_id,
        count(*) as tool_attempt_count,
        count(case when status <> 'success' then 1 end) as failed_tool_attempt_count,
        count(distinct call_id) as tool_call_count,
        max(case when sensitive_field_count > 0 then 1 else 0 end) = 1 as has_sensitive_tool_access,
        max(case when has_clock_skew then 1 else 0 end) = 1 as has_tool_clock_skew
    from tool_attempts
    group by task_id

)

select * from final
