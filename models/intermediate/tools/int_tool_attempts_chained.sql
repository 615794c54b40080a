{{ config(**agent_kpis.incremental_by_task()) }}
{#-
    Incremental by task (docs/decisions.md, "Intermediate models incremental by task"),
    with one cross-task rule: a successful side-effecting attempt is numbered among every
    attempt with the same (tool, idempotency key), so a run also re-derives each task with
    such an attempt sharing a key with a derived task's, and numbers every key of the tasks
    it writes over all of that key's attempts.
-#}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

tool_calls as (

    select * from {{ ref('int_tool_calls_unioned') }}

),

error_taxonomy as (

    select * from {{ ref('error_taxonomy') }}

),

keyed_tool_calls as (

    select
        *,
        {{ agent_kpis.has_idempotency_key('idempotency_key') }} as has_idempotency_key
    from tool_calls

),

side_effecting_successes as (

    -- the attempts numbered per (tool, idempotency key)
    {{ agent_kpis.side_effecting_successes('tool_calls') }}

),

{%- if is_incremental() %}

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

rederived_tasks as (

    select derived_tasks.task_id from derived_tasks
    union
    {{ agent_kpis.tasks_sharing_keys('side_effecting_successes') }}

),

numbered_keys as (

    -- every key of the attempts written, numbered over all of that key's attempts
    select distinct
        side_effecting_successes.tool_name,
        side_effecting_successes.idempotency_key
    from side_effecting_successes
    where side_effecting_successes.task_id in (select rederived_tasks.task_id from rederived_tasks)

),
{%- endif %}

task_tool_calls as (

    select * from keyed_tool_calls
    {%- if is_incremental() %}
    where keyed_tool_calls.task_id in (select rederived_tasks.task_id from rederived_tasks)
    {%- endif %}

),

ordered as (

    select
        *,
        cast(row_number() over (
            partition by call_id
            order by attempt, started_at, event_id
        ) as {{ dbt.type_bigint() }}) as attempt_order,
        count(*) over (partition by call_id) as call_attempt_count
    from task_tool_calls

),

final_attempts as (

    select
        call_id,
        status = 'success' as is_call_successful
    from ordered
    where attempt_order = call_attempt_count

),

side_effects as (

    select
        side_effecting_successes.event_id,
        row_number() over (
            partition by side_effecting_successes.tool_name, side_effecting_successes.idempotency_key
            order by side_effecting_successes.started_at, side_effecting_successes.event_id
        ) as side_effect_number
    from side_effecting_successes
    {%- if is_incremental() %}
    inner join numbered_keys
        on
            side_effecting_successes.tool_name = numbered_keys.tool_name
            and side_effecting_successes.idempotency_key = numbered_keys.idempotency_key
    {%- endif %}

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
        ordered.is_unknown_error_category,
        task_loads.last_loaded_at

    from ordered
    inner join task_loads
        on ordered.task_id = task_loads.task_id
    left join final_attempts
        on ordered.call_id = final_attempts.call_id
    left join error_taxonomy
        on ordered.error_category = error_taxonomy.error_category
    left join side_effects
        on ordered.event_id = side_effects.event_id

)

select * from final
