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

-- backlog at the end of each day: a running sum of per-day changes (+1 the day a task is
-- created, -1 the day a terminal state begins, +1 the day it ends by a reopen), one row for
-- every day of the feed, 0 included (docs/decisions.md, "Backlog") ---------------------
feed_days as (

    select dates.date_day
    from dates
    where
        dates.date_day >= (select min(tasks.created_date) from tasks)
        and dates.date_day <= (select max(coalesce(tasks.resolved_date, tasks.created_date)) from tasks)

),

terminal_spans as (

    -- the days a terminal state covers at their end, from the task's creation day on
    select
        state_intervals.task_id,
        greatest(cast(state_intervals.state_started_at as date), tasks.created_date) as first_day,
        cast(state_intervals.state_ended_at as date) as end_day
    from state_intervals
    inner join tasks
        on state_intervals.task_id = tasks.task_id
    where state_intervals.is_terminal_state

),

backlog_changes as (

    select
        task_id,
        created_date as change_date,
        1 as open_task_change
    from tasks
    union all
    select
        task_id,
        first_day as change_date,
        -1 as open_task_change
    from terminal_spans
    where end_day is null or end_day > first_day
    union all
    select
        task_id,
        end_day as change_date,
        1 as open_task_change
    from terminal_spans
    where end_day > first_day

),

backlog_changes_with_cohorts as (

    select
        backlog_changes.change_date,
        backlog_changes.open_task_change,
        {{ agent_kpis.cohort_dimensions() | join(', ') }}
    from backlog_changes
    inner join tasks
        on backlog_changes.task_id = tasks.task_id

),

backlog_changes_by_cohort as (

    {{ agent_kpis.expand_cohorts('backlog_changes_with_cohorts') }}

),

daily_changes as (

    select
        cohort_dimension,
        cohort_value,
        change_date,
        sum(open_task_change) as net_change
    from backlog_changes_by_cohort
    group by cohort_dimension, cohort_value, change_date

),

cohort_first_days as (

    select
        cohort_dimension,
        cohort_value,
        min(change_date) as first_day
    from daily_changes
    group by cohort_dimension, cohort_value

),

cohort_days as (

    -- every day from the cohort's first change to the feed's last day
    select
        cohort_first_days.cohort_dimension,
        cohort_first_days.cohort_value,
        feed_days.date_day
    from cohort_first_days
    inner join feed_days
        on cohort_first_days.first_day <= feed_days.date_day

),

open_tasks_per_day as (

    select
        cohort_days.cohort_dimension,
        cohort_days.cohort_value,
        cohort_days.date_day,
        sum(coalesce(daily_changes.net_change, 0)) over (
            partition by cohort_days.cohort_dimension, cohort_days.cohort_value
            order by cohort_days.date_day
            rows between unbounded preceding and current row
        ) as open_tasks
    from cohort_days
    left join daily_changes
        on
            cohort_days.cohort_dimension = daily_changes.cohort_dimension
            and cohort_days.cohort_value = daily_changes.cohort_value
            and cohort_days.date_day = daily_changes.change_date

),

backlog as (

    select
        cohort_dimension,
        cohort_value,
        'day' as period_grain,
        date_day as period_start,
        'backlog_open_tasks' as kpi_name,
        cast(open_tasks as {{ agent_kpis.type_double() }}) as kpi_value,
        cast(open_tasks as {{ agent_kpis.type_double() }}) as numerator,
        cast(null as {{ agent_kpis.type_double() }}) as denominator,
        cast(open_tasks as {{ api.Column.translate_type('bigint') }}) as volume
    from open_tasks_per_day

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
