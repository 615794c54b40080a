{#- One row per UTC date from var('date_spine_start') to a year after today. -#}
with

spine as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('date_spine_start') ~ "' as date)",
        dbt.dateadd('day', 366, 'current_date')
    ) }}

),

final as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        {{ agent_kpis.iso_day_of_week('date_day') }} as iso_day_of_week,
        {{ agent_kpis.iso_day_of_week('date_day') }} in (6, 7) as is_weekend

    from spine

)

select * from final
