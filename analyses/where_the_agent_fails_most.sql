-- Which cohort fails most? Task success and escalation by every cohort value over the
-- whole history, worst success first, with enough tasks behind it to matter.
with

by_cohort as (

    select * from {{ ref('kpi_by_cohort') }}

),

cohort_success as (

    select
        cohort_dimension,
        cohort_value,
        max(case when kpi_name = 'task_success_rate' then value end) as task_success_rate,
        max(case when kpi_name = 'escalation_rate' then value end) as escalation_rate,
        max(case when kpi_name = 'cost_per_successful_task_usd' then value end) as cost_per_successful_task_usd,
        max(case when kpi_name = 'terminal_tasks' then value end) as terminal_tasks
    from by_cohort
    where period_grain = 'all'
    group by cohort_dimension, cohort_value

),

final as (

    select *
    from cohort_success
    where terminal_tasks >= 50

)

select * from final
order by task_success_rate asc, terminal_tasks desc
