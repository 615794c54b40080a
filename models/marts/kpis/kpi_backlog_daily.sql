with

kpi_values as (

    select * from {{ ref('kpi_values_computed') }}

),

tasks as (

    select * from {{ ref('fct_tasks') }}

),

backlog as (

    select
        period_start as backlog_date,
        kpi_value as open_tasks
    from kpi_values
    where kpi_name = 'backlog_open_tasks' and cohort_dimension = 'overall'

),

created_per_day as (

    select
        created_date,
        count(*) as tasks_created
    from tasks
    group by created_date

),

resolved_per_day as (

    select
        resolved_date,
        count(*) as tasks_resolved
    from tasks
    where is_terminal
    group by resolved_date

),

final as (

    select
        backlog.backlog_date,
        cast(backlog.open_tasks as bigint) as open_tasks,
        coalesce(created_per_day.tasks_created, 0) as tasks_created,
        coalesce(resolved_per_day.tasks_resolved, 0) as tasks_resolved

    from backlog
    left join created_per_day
        on backlog.backlog_date = created_per_day.created_date
    left join resolved_per_day
        on backlog.backlog_date = resolved_per_day.resolved_date

)

select * from final
