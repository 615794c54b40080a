with

task_events as (

    select * from {{ ref('int_task_events_unioned') }}

),

state_changes as (

    -- same ordering and tie rule as int_task_lifecycles_derived
    select
        task_id,
        event_id,
        event_type,
        occurred_at,
        row_number() over (
            partition by task_id
            order by
                occurred_at asc,
                {{ agent_kpis.state_change_tie_rank('event_type') }} asc,
                event_id desc
        ) as state_number
    from task_events
    where event_type in ('completed', 'failed', 'abandoned', 'reopened')

),

final as (

    select
        current_state.task_id,
        current_state.state_number,
        current_state.event_type as state_event_type,
        current_state.event_type in ('completed', 'failed', 'abandoned') as is_terminal_state,
        current_state.occurred_at as state_started_at,
        next_state.occurred_at as state_ended_at

    from state_changes as current_state
    left join state_changes as next_state
        on
            current_state.task_id = next_state.task_id
            and current_state.state_number + 1 = next_state.state_number

)

select * from final
