with

assessed as (

    select * from {{ ref('kpi_values_assessed') }}

),

latest_day as (

    select max(period_start) as latest_date
    from assessed
    where period_grain = 'day' and cohort_dimension = 'overall'

),

alerts as (

    select
        assessed.kpi_name,
        assessed.period_start as alert_date,
        case when assessed.cohort_dimension = 'overall' then 'overall' else 'agent' end as alert_scope,
        case when assessed.cohort_dimension = 'agent_id' then assessed.cohort_value end as agent_id,
        assessed.kpi_value,
        assessed.stop_the_line,
        assessed.direction,
        assessed.domain,
        assessed.volume,
        assessed.period_start
        > cast({{ dbt.dateadd('day', -var('alert_current_days'), 'latest_day.latest_date') }} as date) as is_current
    from assessed
    cross join latest_day
    where
        assessed.period_grain = 'day'
        and assessed.cohort_dimension in ('overall', 'agent_id')
        and assessed.status = 'stop_the_line'
        and assessed.volume >= {{ var('alert_min_terminal_tasks') }}

),

final as (

    select
        {{ agent_kpis.surrogate_key(
            ['kpi_name', 'alert_scope', "coalesce(agent_id, '')", 'alert_date'], hashed=true
        ) }} as alert_id,
        alert_date,
        kpi_name,
        alert_scope,
        agent_id,
        kpi_value,
        stop_the_line,
        direction,
        domain,
        volume,
        is_current

    from alerts

)

select * from final
