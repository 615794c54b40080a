with

tool_attempts as (

    select * from {{ ref('int_tool_attempts_chained') }}

),

tasks as (

    select * from {{ ref('int_task_lifecycles_derived') }}

),

final as (

    select
        tool_attempts.event_id,
        tool_attempts.call_id,
        tool_attempts.task_id,
        tool_attempts.attempt,
        tool_attempts.attempt_order,
        tool_attempts.call_attempt_count,
        tool_attempts.tool_name,
        tool_attempts.tool_version,
        tool_attempts.status,
        tool_attempts.error_category,
        tool_attempts.error_class,
        tool_attempts.is_retryable,
        tool_attempts.is_side_effecting,
        tool_attempts.has_idempotency_key,
        tool_attempts.is_duplicate_side_effect,
        tool_attempts.is_final_attempt,
        tool_attempts.is_retry,
        tool_attempts.is_call_successful,
        tool_attempts.started_at,
        cast(tool_attempts.started_at as date) as started_date,
        tool_attempts.ended_at,
        tool_attempts.duration_ms,
        tool_attempts.sensitive_field_count,
        tasks.agent_id,
        tasks.agent_version,
        tasks.task_type,
        tool_attempts.has_clock_skew,
        tasks.task_id is null as is_orphan_attempt

    from tool_attempts
    left join tasks
        on tool_attempts.task_id = tasks.task_id

)

select * from final
