-- Release post-mortem: for one release (set var release_id, e.g.
--   dbt compile --select release_post_mortem --vars '{release_id: rel-103}'),
-- every headline KPI before and after, the delta and its significance, and the
-- day-over-day moves attributed to it.
{%- set release_id = var('release_id', 'rel-103') %}

with

impact as (

    select * from {{ ref('kpi_release_impact') }}

),

movements as (

    select * from {{ ref('kpi_movements') }}

),

release_impact as (

    select
        'impact' as section,
        kpi_name,
        cast(deployed_at as date) as day_of_interest,
        before_value,
        after_value,
        delta,
        p_value,
        is_significant
    from impact
    where release_id = '{{ release_id }}'

),

release_moves as (

    select
        'movement' as section,
        kpi_name,
        movement_date as day_of_interest,
        previous_value as before_value,
        value as after_value,
        delta,
        p_value,
        true as is_significant
    from movements
    where attributed_release_ids like '%{{ release_id }}%'

),

final as (

    select * from release_impact
    union all
    select * from release_moves

)

select * from final
order by section asc, kpi_name asc, day_of_interest asc
