{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

verifications as (

    select * from {{ ref('stg_telemetry__verifications') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

lifecycles as (

    select * from {{ ref('int_task_lifecycles_derived') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

required_checks as (

    select * from {{ ref('task_required_checks') }}

),

ranked_results as (

    select
        task_id,
        check_name,
        status,
        verified_at,
        row_number() over (
            partition by task_id, check_name
            order by verified_at desc, event_id desc
        ) as recency_rank,
        count(*) over (partition by task_id, check_name) as result_count
    from verifications

),

latest_results as (

    select
        task_id,
        check_name,
        status as latest_status,
        verified_at as latest_verified_at,
        result_count
    from ranked_results
    where recency_rank = 1

),

task_required_checks as (

    select
        lifecycles.task_id,
        required_checks.check_name
    from lifecycles
    inner join required_checks
        on lifecycles.task_type = required_checks.task_type

),

final as (

    select
        task_required_checks.task_id,
        task_required_checks.check_name,
        latest_results.latest_status,
        latest_results.latest_verified_at,
        coalesce(latest_results.result_count, 0) as result_count,
        coalesce(latest_results.result_count, 0) > 1 as has_superseded_result,
        coalesce(latest_results.latest_status = 'passed', false) as is_passed,
        coalesce(latest_results.latest_status in ('failed', 'error'), false) as is_failed,
        latest_results.latest_status is null as is_missing,
        derived_tasks.last_loaded_at

    from task_required_checks
    inner join derived_tasks
        on task_required_checks.task_id = derived_tasks.task_id
    left join latest_results
        on
            task_required_checks.task_id = latest_results.task_id
            and task_required_checks.check_name = latest_results.check_name

)

select * from final
