with

tool_calls as (

    select * from {{ ref('int_tool_calls_unioned') }}

),

error_taxonomy as (

    select * from {{ ref('error_taxonomy') }}

),

ordered as (

    select
        *,
        row_number() over (
            partition by call_id
            order by attempt, started_at, event_id
        ) as attempt_order,
        count(*) over (partition by call_id) as call_attempt_count,
        coalesce(trim(idempotency_key), '') <> '' as has_idempotency_key
    from tool_calls

),

final_attempts as (

    select
        call_id,
        status = 'success' as is_call_successful
    from ordered
    where attempt_order = call_attempt_count

),

side_effects as (

    -- successful side-effecting attempts, numbered per (tool, idempotency key)
    select
        event_id,
        row_number() over (
            partition by tool_name, idempotency_key
            order by started_at, event_id
        ) as side_effect_number
    from ordered
    where is_side_effecting and status = 'success' and has_idempotency_key

),

final as (

    select
        ordered.event_id,
        ordered.call_id,
        ordered.task_id,
        ordered.attempt,
        ordered.attempt_order,
        ordered.call_attempt_count,
        ordered.attempt_order = ordered.call_attempt_count as is_final_attempt,
        ordered.attempt_order > 1 as is_retry,
        final_attempts.is_call_successful,
        ordered.tool_name,
        ordered.tool_version,
        ordered.status,
        ordered.error_category,
        coalesce(
            error_taxonomy.error_class,
            case when ordered.error_category is not null then 'unclassified' end
        ) as error_class,
        error_taxonomy.is_retryable,
        ordered.is_side_effecting,
        ordered.has_idempotency_key,
        coalesce(side_effects.side_effect_number > 1, false) as is_duplicate_side_effect,
        ordered.started_at,
        ordered.ended_at,
        case
            when ordered.ended_at >= ordered.started_at
                then {{ agent_kpis.milliseconds_between('ordered.started_at', 'ordered.ended_at') }}
        end as duration_ms,
        ordered.has_clock_skew,
        ordered.sensitive_field_count,
        ordered.is_unknown_status,
        ordered.is_unknown_error_category

    from ordered
    left join final_attempts
        on ordered.call_id = final_attempts.call_id
    left join error_taxonomy
        on ordered.error_category = error_taxonomy.error_category
    left join side_effects
        on ordered.event_id = side_effects.event_id

)

select * from final
