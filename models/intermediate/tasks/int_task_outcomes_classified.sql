{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

lifecycles as (

    select * from {{ ref('int_task_lifecycles_derived') }}

),

checks as (

    select * from {{ ref('int_task_checks_verified') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

task_definitions as (

    select * from {{ ref('task_definitions') }}

),

check_summary as (

    select
        task_id,
        count(*) as required_check_count,
        count(case when is_passed then 1 end) as passed_check_count,
        count(case when is_failed then 1 end) as failed_check_count,
        count(case when is_missing then 1 end) as missing_check_count
    from checks
    group by task_id

),

joined as (

    select
        lifecycles.*,
        task_definitions.task_type is null as is_unknown_task_type,
        task_definitions.sla_minutes,
        coalesce(check_summary.required_check_count, 0) as required_check_count,
        coalesce(check_summary.passed_check_count, 0) as passed_check_count,
        coalesce(check_summary.failed_check_count, 0) as failed_check_count,
        coalesce(check_summary.missing_check_count, 0) as missing_check_count
    from lifecycles
    inner join derived_tasks
        on lifecycles.task_id = derived_tasks.task_id
    left join task_definitions
        on lifecycles.task_type = task_definitions.task_type
    left join check_summary
        on lifecycles.task_id = check_summary.task_id

),

final as (

    select
        *,
        -- docs/kpis.md section 1: the first rule that applies
        case
            when not is_terminal then 'open'
            when terminal_event_type in ('abandoned', 'failed') then terminal_event_type
            when is_escalated then 'escalated'
            when required_check_count > 0 and passed_check_count = required_check_count then 'verified_success'
            when failed_check_count > 0 then 'verification_failed'
            else 'unverified_success'
        end as outcome,
        case
            when is_terminal then {{ agent_kpis.seconds_between('created_at', 'resolved_at') }} / 60.0
        end as resolution_minutes,
        coalesce(resolved_at < created_at, false) as has_clock_skew

    from joined

)

select * from final
