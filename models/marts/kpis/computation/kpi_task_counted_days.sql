{{
    config(
        materialized=agent_kpis.incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='task_id',
        on_schema_change='fail',
        meta={'rows_loaded_at_column': 'last_loaded_at'},
    )
}}
{#-
    The ledger of the KPI periods (docs/decisions.md, "KPI measures rebuilt by period"): one
    row per task and UTC day that a task KPI, tool KPI or model-call KPI counts the task's
    rows on. is_counted is false for a day the task was counted on before and no longer is;
    such a row stays, so a measure that missed a run still finds the day to recompute.
    Incremental: a run rewrites the rows of the tasks it re-derives (int_task_loads past the
    watermark, and the tasks whose side-effecting success shares a key with theirs), with
    the day rows they had before.
-#}
-- depends_on: {{ ref('int_tool_calls_unioned') }} (read only in an incremental run)

with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

terminal_tasks as (

    select * from {{ ref('kpi_terminal_tasks_by_cohort') }}

),

attempts as (

    select * from {{ ref('kpi_tool_attempts_by_cohort') }}

),

calls as (

    select * from {{ ref('kpi_llm_calls_by_cohort') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

{%- if is_incremental() %}

tool_calls_unioned as (

    select * from {{ ref('int_tool_calls_unioned') }}

),

side_effecting_successes as (

    {{ agent_kpis.side_effecting_successes('tool_calls_unioned') }}

),

key_sharing_tasks as (

    -- their duplicate side effects may change with a derived task's new success; they
    -- carry the newest load of this run
    select distinct
        sharing.task_id,
        (select max(derived_tasks.last_loaded_at) from derived_tasks) as last_loaded_at
    from ({{ agent_kpis.tasks_sharing_keys('side_effecting_successes') }}) as sharing
    where sharing.task_id not in (select derived_tasks.task_id from derived_tasks)

),
{%- endif %}

changed_tasks as (

    select
        task_id,
        last_loaded_at
    from derived_tasks
    {%- if is_incremental() %}
    union all
    select
        task_id,
        last_loaded_at
    from key_sharing_tasks
    {%- endif %}

),

counted_days as (

    -- the days the KPI measures count a task's rows on, as their inputs define them
    -- (one cohort cut: every row is in the overall one)
    select
        task_id,
        period_day,
        true as is_counted
    from terminal_tasks
    where cohort_dimension = 'overall'
    union all
    select
        task_id,
        period_day,
        true as is_counted
    from attempts
    where cohort_dimension = 'overall'
    union all
    select
        task_id,
        period_day,
        true as is_counted
    from calls
    where cohort_dimension = 'overall'

),

{%- if is_incremental() %}

previous_days as (

    select
        task_id,
        period_day,
        false as is_counted
    from {{ this }}
    where task_id in (select changed_tasks.task_id from changed_tasks)

),
{%- endif %}

task_days as (

    select * from counted_days
    {%- if is_incremental() %}
    union all
    select * from previous_days
    {%- endif %}

),

final as (

    select
        changed_tasks.task_id,
        task_days.period_day,
        {{ dbt.bool_or('task_days.is_counted') }} as is_counted,
        changed_tasks.last_loaded_at
    from changed_tasks
    inner join task_days
        on changed_tasks.task_id = task_days.task_id
    where task_days.period_day is not null
    group by changed_tasks.task_id, task_days.period_day, changed_tasks.last_loaded_at

)

select * from final
