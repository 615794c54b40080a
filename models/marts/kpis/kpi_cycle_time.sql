{#- Cycle time (resolution minutes of completed tasks) per day and week against a baseline
    period: vars cycle_time_baseline_start/_end, by default the first 7 days of data. -#}
with

kpi_values as (

    select * from {{ ref('kpi_values_computed') }}

),

tasks as (

    select * from {{ ref('fct_tasks') }}

),

completed as (

    select * from tasks
    where terminal_event_type = 'completed'

),

baseline_window as (

    select
            {%- if var('cycle_time_baseline_start') %}
        cast('{{ var("cycle_time_baseline_start") }}' as date) as baseline_start,
        cast('{{ var("cycle_time_baseline_end") }}' as date) as baseline_end
        {%- else %}
        min(resolved_date) as baseline_start,
        cast({{ dbt.dateadd('day', 6, 'min(resolved_date)') }} as date) as baseline_end
        {%- endif %}
    from completed

),

baseline as (

    select
        baseline_window.baseline_start,
        baseline_window.baseline_end,
        {{ agent_kpis.percentile_cont('completed.resolution_minutes', 0.5) }} as baseline_p50_minutes,
        {{ agent_kpis.percentile_cont('completed.resolution_minutes', 0.9) }} as baseline_p90_minutes
    from completed
    cross join baseline_window
    where completed.resolved_date between baseline_window.baseline_start and baseline_window.baseline_end
    group by baseline_window.baseline_start, baseline_window.baseline_end

),

periods as (

    select
        period_grain,
        period_start,
        max(case when kpi_name = 'ttr_p50_minutes' then kpi_value end) as ttr_p50_minutes,
        max(case when kpi_name = 'ttr_p90_minutes' then kpi_value end) as ttr_p90_minutes
    from kpi_values
    where
        cohort_dimension = 'overall'
        and period_grain in ('day', 'week')
        and kpi_name in ('ttr_p50_minutes', 'ttr_p90_minutes')
    group by period_grain, period_start

),

final as (

    select
        {{ agent_kpis.surrogate_key(['periods.period_grain', 'periods.period_start']) }} as cycle_time_id,
        periods.period_grain,
        periods.period_start,
        periods.ttr_p50_minutes,
        periods.ttr_p90_minutes,
        baseline.baseline_start,
        baseline.baseline_end,
        baseline.baseline_p50_minutes,
        baseline.baseline_p90_minutes,
        {{ agent_kpis.safe_divide('periods.ttr_p50_minutes - baseline.baseline_p50_minutes', 'baseline.baseline_p50_minutes') }}
            as p50_change_vs_baseline

    from periods
    cross join baseline

)

select * from final
