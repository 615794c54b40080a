{{
    config(
        materialized=agent_kpis.incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='task_id',
        on_schema_change='fail',
    )
}}
{#-
    Incremental by task: a run replaces every attempt of each task that received a tool
    call or task event since the newest load in the table (minus the lookback), and of
    each task sharing a (tool, idempotency key) with an arrived attempt, since a late
    attempt can change which success counts as the first side effect.
-#}
with

staged_tool_calls as (

    select * from {{ ref('int_tool_calls_unioned') }}

),

staged_task_events as (

    select * from {{ ref('int_task_events_unioned') }}

),

tool_attempts as (

    select * from {{ ref('int_tool_attempts_chained') }}

),

tasks as (

    select * from {{ ref('int_task_lifecycles_derived') }}

),

arrived_attempts as (

    select
        task_id,
        tool_name,
        idempotency_key,
        loaded_at
    from staged_tool_calls
    {%- if is_incremental() %}
    where loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
    {%- endif %}

),

affected_tasks as (

    select task_id from arrived_attempts
    union
    select staged_task_events.task_id
    from staged_task_events
    {%- if is_incremental() %}
    where staged_task_events.loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
    {%- endif %}
    union
    select staged_tool_calls.task_id
    from staged_tool_calls
    inner join arrived_attempts
        on
            staged_tool_calls.tool_name = arrived_attempts.tool_name
            and staged_tool_calls.idempotency_key = arrived_attempts.idempotency_key

),

task_loads as (

    select
        loads.task_id,
        max(loads.loaded_at) as last_loaded_at
    from (
        select
            staged_tool_calls.task_id,
            staged_tool_calls.loaded_at
        from staged_tool_calls
        union all
        select
            staged_task_events.task_id,
            staged_task_events.loaded_at
        from staged_task_events
    ) as loads
    where loads.task_id in (select affected_tasks.task_id from affected_tasks)
    group by loads.task_id

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
        tasks.task_id is null as is_orphan_attempt,
        task_loads.last_loaded_at

    from tool_attempts
    inner join task_loads
        on tool_attempts.task_id = task_loads.task_id
    left join tasks
        on tool_attempts.task_id = tasks.task_id

)

select * from final
