{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

task_events as (

    select * from {{ ref('int_task_events_unioned') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

state_changes as (

    -- completed, failed, abandoned and reopened decide whether a task is terminal;
    -- at equal timestamps the more cautious reading wins (reopened, then failed, abandoned)
    select
        task_id,
        event_type,
        occurred_at,
        reason_masked,
        row_number() over (
            partition by task_id
            order by
                occurred_at desc,
                {{ agent_kpis.state_change_tie_rank('event_type') }} desc,
                event_id asc
        ) as recency_rank
    from task_events
    where event_type in ('completed', 'failed', 'abandoned', 'reopened')

),

latest_state_change as (

    select
        task_id,
        event_type as latest_state_event_type,
        occurred_at as latest_state_at,
        reason_masked as latest_state_reason_masked
    from state_changes
    where recency_rank = 1

),

per_task as (

    select
        task_id,
        min(case when event_type = 'created' then occurred_at end) as first_created_at,
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at,
        count(*) as event_count,
        max(case when event_type in ('escalated', 'handed_off') then 1 else 0 end) = 1 as is_escalated,
        max(case when event_type = 'reopened' then 1 else 0 end) = 1 as is_reopened,
        max(case when is_unknown_event_type then 1 else 0 end) = 1 as has_unknown_event_type,
        {%- for field in ['agent_id', 'agent_version', 'prompt_version', 'model', 'task_type',
                          'channel', 'region', 'product_line', 'customer_tier', 'customer_key'] %}
        {{ agent_kpis.first_non_null_by(
            field,
            "case when event_type = 'created' then 0 else 1 end, case when is_from_trace then 1 else 0 end, occurred_at, event_id"
        ) }} as {{ field }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from task_events
    group by task_id

),

final as (

    select
        per_task.task_id,
        coalesce(per_task.first_created_at, per_task.first_event_at) as created_at,
        per_task.first_created_at is null as is_missing_created_event,
        coalesce(latest_state_change.latest_state_event_type in ('completed', 'failed', 'abandoned'), false)
            as is_terminal,
        case
            when latest_state_change.latest_state_event_type in ('completed', 'failed', 'abandoned')
                then latest_state_change.latest_state_event_type
        end as terminal_event_type,
        case
            when latest_state_change.latest_state_event_type in ('completed', 'failed', 'abandoned')
                then latest_state_change.latest_state_at
        end as resolved_at,
        case
            when latest_state_change.latest_state_event_type in ('failed', 'abandoned')
                then latest_state_change.latest_state_reason_masked
        end as failure_reason,
        per_task.is_escalated,
        per_task.is_reopened,
        per_task.has_unknown_event_type,
        per_task.event_count,
        per_task.last_event_at,
        per_task.agent_id,
        per_task.agent_version,
        per_task.prompt_version,
        per_task.model,
        per_task.task_type,
        per_task.channel,
        per_task.region,
        per_task.product_line,
        per_task.customer_tier,
        per_task.customer_key,
        derived_tasks.last_loaded_at

    from per_task
    inner join derived_tasks
        on per_task.task_id = derived_tasks.task_id
    left join latest_state_change
        on per_task.task_id = latest_state_change.task_id

)

select * from final
