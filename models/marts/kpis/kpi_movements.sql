with

assessed as (

    select * from {{ ref('kpi_values_assessed') }}

),

catalog as (

    select * from {{ ref('kpi_targets') }}

),

releases as (

    select * from {{ ref('dim_releases') }}

),

daily_headline as (

    -- the catalog's headline KPIs (is_headline); shares get the z-test
    select
        assessed.*,
        case
            when catalog.unit = 'share'
                then {{ agent_kpis.two_proportion_p_value(
                    'assessed.previous_numerator', 'assessed.previous_denominator',
                    'assessed.numerator', 'assessed.denominator') }}
        end as p_value
    from assessed
    inner join catalog
        on assessed.kpi_name = catalog.kpi_name
    where
        catalog.is_headline
        and assessed.period_grain = 'day'
        and assessed.cohort_dimension = 'overall'
        and assessed.previous_value is not null
        and assessed.volume >= {{ var('alert_min_terminal_tasks') }}
        and assessed.previous_volume >= {{ var('alert_min_terminal_tasks') }}

),

moves as (

    select *
    from daily_headline
    where
        abs(delta) >= {{ var('movement_min_relative_change') }} * abs(previous_value)
        and abs(delta) > 0
        and (p_value is null or p_value < {{ var('movement_max_p_value') }})

),

-- releases deployed in the W days before the move: [day - W, day + 1)
attributions as (

    select
        moves.kpi_name,
        moves.period_start,
        releases.release_id
    from moves
    inner join releases
        on
            releases.deployed_at >= {{ dbt.dateadd('day', -var('release_window_days'), 'moves.period_start') }}
            and releases.deployed_at < {{ dbt.dateadd('day', 1, 'moves.period_start') }}

),

attribution_lists as (

    select
        kpi_name,
        period_start,
        count(*) as attributed_release_count,
        {{ dbt.listagg('release_id', "', '", 'order by release_id') }} as attributed_release_ids
    from attributions
    group by kpi_name, period_start

),

final as (

    select
        {{ agent_kpis.surrogate_key(['moves.kpi_name', 'moves.period_start']) }} as movement_id,
        moves.kpi_name,
        moves.period_start as movement_date,
        moves.previous_value,
        moves.kpi_value as value,
        moves.delta,
        moves.delta / abs(moves.previous_value) as relative_change,
        moves.p_value,
        moves.direction,
        case
            when moves.direction = 'higher_is_better' then moves.delta > 0
            when moves.direction = 'lower_is_better' then moves.delta < 0
        end as is_improvement,
        coalesce(attribution_lists.attributed_release_count, 0) as attributed_release_count,
        attribution_lists.attributed_release_ids,
        attribution_lists.attributed_release_count is not null as is_attributed

    from moves
    left join attribution_lists
        on
            moves.kpi_name = attribution_lists.kpi_name
            and moves.period_start = attribution_lists.period_start

)

select * from final
