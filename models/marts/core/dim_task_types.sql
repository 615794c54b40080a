with

task_definitions as (

    select * from {{ ref('task_definitions') }}

),

required_checks as (

    select * from {{ ref('task_required_checks') }}

),

tasks as (

    select * from {{ ref('int_task_lifecycles_derived') }}

),

check_counts as (

    select
        task_type,
        count(*) as required_check_count
    from required_checks
    group by task_type

),

observed_types as (

    select distinct task_type from tasks
    where task_type is not null

),

all_types as (

    select task_type from task_definitions
    union
    select task_type from observed_types

),

final as (

    select
        all_types.task_type,
        task_definitions.description,
        task_definitions.sla_minutes,
        coalesce(check_counts.required_check_count, 0) as required_check_count,
        task_definitions.task_type is not null as is_defined

    from all_types
    left join task_definitions
        on all_types.task_type = task_definitions.task_type
    left join check_counts
        on all_types.task_type = check_counts.task_type

)

select * from final
