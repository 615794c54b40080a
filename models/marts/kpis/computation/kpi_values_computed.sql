{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

terminal_tasks_by_cohort as (

    select * from {{ ref('kpi_terminal_tasks_by_cohort') }}

),

task_measures as (

    select * from {{ ref('kpi_task_measures') }}

),

tool_measures as (

    select * from {{ ref('kpi_tool_measures') }}

),

llm_measures as (

    select * from {{ ref('kpi_llm_measures') }}

),

state_intervals as (

    select * from {{ ref('int_task_state_intervals_derived') }}

),

dates as (

    select * from {{ ref('dim_dates') }}

),

-- repeat use: customers of the period whose first task of the period had another task
-- created in the 30 days before it ----------------------------------------------------
customer_tasks as (

    select
        task_id,
        customer_key,
        created_at,
        lag(created_at) over (partition by customer_key order by created_at, task_id) as previous_task_created_at,
        row_number() over (partition by customer_key order by created_at, task_id) as customer_task_number
    from tasks
    where customer_key is not null

),

terminal_customer_tasks as (

    select
        terminal_tasks_by_cohort.cohort_dimension,
        terminal_tasks_by_cohort.cohort_value,
        terminal_tasks_by_cohort.customer_key,
        terminal_tasks_by_cohort.created_at,
        terminal_tasks_by_cohort.task_id,
        terminal_tasks_by_cohort.period_day,
        terminal_tasks_by_cohort.period_week,
        terminal_tasks_by_cohort.period_month,
        customer_tasks.customer_task_number,
        case
            when
                customer_tasks.previous_task_created_at
                >= {{ dbt.dateadd('day', -30, 'customer_tasks.created_at') }}
                then 1
            else 0
        end as had_recent_previous_task
    from terminal_tasks_by_cohort
    inner join customer_tasks
        on terminal_tasks_by_cohort.task_id = customer_tasks.task_id

),

terminal_customer_tasks_by_period as (

    {{ agent_kpis.expand_periods('terminal_customer_tasks') }}

),

customers_per_period as (

    select
        {{ keys | join(', ') }},
        customer_key,
        period_grain,
        period_start,
        -- the flag of the customer's first task in the period: the lowest task number, whose
        -- flag is the last bit of number × 2 + flag (docs/decisions.md, "Ordered aggregates")
        mod(min(customer_task_number * 2 + had_recent_previous_task), 2) as is_repeat_customer
    from terminal_customer_tasks_by_period
    group by {{ keys | join(', ') }}, customer_key, period_grain, period_start

),

repeat_use as (

    select
        {{ keys | join(', ') }},
        period_grain,
        period_start,
        'repeat_use_rate' as kpi_name,
        {{ agent_kpis.safe_divide('sum(is_repeat_customer)', 'count(*)') }} as kpi_value,
        cast(sum(is_repeat_customer) as {{ agent_kpis.type_double() }}) as numerator,
        cast(count(*) as {{ agent_kpis.type_double() }}) as denominator,
        count(*) as volume
    from customers_per_period
    group by {{ keys | join(', ') }}, period_grain, period_start

),

-- backlog: tasks created by the end of the day and not terminal at that moment ---------
task_days as (

    select dates.date_day
    from dates
    where
        dates.date_day >= (select min(tasks.created_date) from tasks)
        and dates.date_day <= (select max(coalesce(tasks.resolved_date, tasks.created_date)) from tasks)

),

tasks_by_cohort as (

    {{ agent_kpis.expand_cohorts('tasks') }}

),

backlog as (

    select
        tasks_by_cohort.cohort_dimension,
        tasks_by_cohort.cohort_value,
        'day' as period_grain,
        task_days.date_day as period_start,
        'backlog_open_tasks' as kpi_name,
        cast(count(*) as {{ agent_kpis.type_double() }}) as kpi_value,
        cast(count(*) as {{ agent_kpis.type_double() }}) as numerator,
        cast(null as {{ agent_kpis.type_double() }}) as denominator,
        count(*) as volume
    from task_days
    inner join tasks_by_cohort
        on tasks_by_cohort.created_at < {{ dbt.dateadd('day', 1, 'task_days.date_day') }}
    left join state_intervals
        on
            tasks_by_cohort.task_id = state_intervals.task_id
            and state_intervals.is_terminal_state
            and state_intervals.state_started_at < {{ dbt.dateadd('day', 1, 'task_days.date_day') }}
            and (
                state_intervals.state_ended_at is null
                or state_intervals.state_ended_at >= {{ dbt.dateadd('day', 1, 'task_days.date_day') }}
            )
    where state_intervals.task_id is null
    group by tasks_by_cohort.cohort_dimension, tasks_by_cohort.cohort_value, task_days.date_day

),

unioned as (

    {{ agent_kpis.kpi_unpivot('task_measures', agent_kpis.task_kpi_definitions(),
                              keys + ['period_grain', 'period_start'], 'terminal_task_count') }}
    union all
    {{ agent_kpis.kpi_unpivot('tool_measures', agent_kpis.tool_kpi_definitions(),
                              keys + ['period_grain', 'period_start'], 'attempt_count') }}
    union all
    {{ agent_kpis.kpi_unpivot('llm_measures', agent_kpis.llm_kpi_definitions(),
                              keys + ['period_grain', 'period_start'], 'llm_call_count') }}
    union all
    select * from repeat_use
    union all
    select * from backlog

),

final as (

    select
        kpi_name,
        period_grain,
        period_start,
        cohort_dimension,
        cohort_value,
        kpi_value,
        numerator,
        denominator,
        volume
    from unioned

)

select * from final
