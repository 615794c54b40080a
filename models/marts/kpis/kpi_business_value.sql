with

business_outcomes as (

    select * from {{ ref('stg_telemetry__business_outcomes') }}

),

tasks as (

    select * from {{ ref('fct_tasks') }}

),

terminal_outcomes as (

    -- value counts toward its task, on the task's resolved date (docs/kpis.md section 2)
    select
        coalesce(business_outcomes.outcome_type, '(missing)') as outcome_type,
        business_outcomes.value_usd,
        business_outcomes.task_id,
        {{ agent_kpis.period_columns('tasks.resolved_date') }}
    from business_outcomes
    inner join tasks
        on business_outcomes.task_id = tasks.task_id
    where tasks.is_terminal

),

outcomes_by_period as (

    {{ agent_kpis.expand_periods('terminal_outcomes') }}

),

aggregated as (

    select
        outcome_type,
        period_grain,
        period_start,
        cast({{ agent_kpis.exact_sum('value_usd', 'money') }} as {{ agent_kpis.type_double() }}) as value_usd,
        count(*) as outcome_count,
        count(distinct task_id) as task_count
    from outcomes_by_period
    group by outcome_type, period_grain, period_start

),

final as (

    select
        {{ agent_kpis.surrogate_key([
            'outcome_type', 'period_grain',
            "coalesce(" ~ dbt.cast('period_start', dbt.type_string()) ~ ", 'all')"
        ]) }} as business_value_id,
        {{ dbt.concat(['outcome_type', "'_usd'"]) }} as kpi_name,
        outcome_type,
        period_grain,
        period_start,
        value_usd,
        outcome_count,
        task_count

    from aggregated

)

select * from final
