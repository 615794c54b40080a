with

assessed as (

    select * from {{ ref('kpi_values_assessed') }}

),

final as (

    select
        kpi_name,
        period_grain,
        period_start,
        cohort_dimension,
        cohort_value,
        kpi_value as value,
        numerator,
        denominator,
        target,
        status,
        previous_value,
        delta,
        domain,
        direction,
        stop_the_line,
        volume

    from assessed
    where cohort_dimension <> 'overall'

)

select * from final
