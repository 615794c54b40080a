with

kpi_values as (

    select * from {{ ref('kpi_values_computed') }}

),

targets as (

    select * from {{ ref('kpi_targets') }}

),

with_previous_period as (

    select
        *,
        case period_grain
            when 'day' then cast({{ dbt.dateadd('day', -1, 'period_start') }} as date)
            when 'week' then cast({{ dbt.dateadd('day', -7, 'period_start') }} as date)
            when 'month' then cast({{ dbt.dateadd('month', -1, 'period_start') }} as date)
        end as previous_period_start
    from kpi_values

),

final as (

    select
        current_period.kpi_name,
        current_period.period_grain,
        current_period.period_start,
        current_period.cohort_dimension,
        current_period.cohort_value,
        current_period.kpi_value,
        current_period.numerator,
        current_period.denominator,
        current_period.volume,
        targets.domain,
        targets.direction,
        targets.target,
        targets.stop_the_line,
        case
            when current_period.kpi_value is null then 'no_data'
            when
                targets.stop_the_line is not null
                and (
                    (targets.direction = 'lower_is_better' and current_period.kpi_value > targets.stop_the_line)
                    or (targets.direction = 'higher_is_better' and current_period.kpi_value < targets.stop_the_line)
                )
                then 'stop_the_line'
            when targets.target is null then 'on_track'
            when targets.direction = 'lower_is_better' and current_period.kpi_value <= targets.target then 'on_track'
            when targets.direction = 'higher_is_better' and current_period.kpi_value >= targets.target then 'on_track'
            else 'off_track'
        end as status,
        previous_period.kpi_value as previous_value,
        current_period.kpi_value - previous_period.kpi_value as delta,
        previous_period.numerator as previous_numerator,
        previous_period.denominator as previous_denominator,
        previous_period.volume as previous_volume

    from with_previous_period as current_period
    left join targets
        on current_period.kpi_name = targets.kpi_name
    left join kpi_values as previous_period
        on
            current_period.kpi_name = previous_period.kpi_name
            and current_period.period_grain = previous_period.period_grain
            and current_period.cohort_dimension = previous_period.cohort_dimension
            and current_period.cohort_value = previous_period.cohort_value
            and current_period.previous_period_start = previous_period.period_start

)

select * from final
