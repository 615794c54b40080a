-- A verified_success task has at least one required check and the latest result of
-- every required check of its task type is passed (checked from the raw results, not
-- from the fact's own counts).
with

tasks as (

    select * from {{ ref('fct_tasks') }}
    where outcome = 'verified_success'

),

required_checks as (

    select * from {{ ref('task_required_checks') }}

),

verifications as (

    select * from {{ ref('stg_telemetry__verifications') }}

),

latest as (

    select
        task_id,
        check_name,
        status,
        row_number() over (partition by task_id, check_name order by verified_at desc, event_id desc) as recency_rank
    from verifications

),

expected as (

    select
        tasks.task_id,
        required_checks.check_name
    from tasks
    inner join required_checks
        on tasks.task_type = required_checks.task_type

),

violations as (

    select
        expected.task_id,
        expected.check_name,
        latest.status
    from expected
    left join latest
        on
            expected.task_id = latest.task_id
            and expected.check_name = latest.check_name
            and latest.recency_rank = 1
    where latest.status is null or latest.status <> 'passed'

    union all

    select
        tasks.task_id,
        null as check_name,
        'no required checks' as status
    from tasks
    where not exists (
        select 1 from expected
        where expected.task_id = tasks.task_id
    )

)

select * from violations
