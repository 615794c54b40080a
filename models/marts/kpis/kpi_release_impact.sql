{#- the headline KPIs are the catalog's (kpi_targets.is_headline); shares get the z-test -#}
{%- set window_days = var('release_window_days') -%}
{%- set keys = ['release_id', 'window_side'] -%}

with

catalog as (

    select * from {{ ref('kpi_targets') }}

),

releases as (

    select * from {{ ref('dim_releases') }}

),

tasks as (

    select * from {{ ref('fct_tasks') }}

),

tool_calls as (

    select * from {{ ref('fct_tool_calls') }}

),

-- half-open windows [t - W, t) and [t, t + W) around deployed_at
release_tasks as (

    select
        releases.release_id,
        case when tasks.resolved_at < releases.deployed_at then 'before' else 'after' end as window_side,
        tasks.*
    from releases
    inner join tasks
        on
            (releases.agent_id is null or releases.agent_id = tasks.agent_id)
            and tasks.is_terminal
            and tasks.resolved_at >= {{ dbt.dateadd('day', -window_days, 'releases.deployed_at') }}
            and tasks.resolved_at < {{ dbt.dateadd('day', window_days, 'releases.deployed_at') }}

),

release_attempts as (

    select
        releases.release_id,
        case when tool_calls.started_at < releases.deployed_at then 'before' else 'after' end as window_side,
        tool_calls.*
    from releases
    inner join tool_calls
        on
            (releases.agent_id is null or releases.agent_id = tool_calls.agent_id)
            and tool_calls.started_at >= {{ dbt.dateadd('day', -window_days, 'releases.deployed_at') }}
            and tool_calls.started_at < {{ dbt.dateadd('day', window_days, 'releases.deployed_at') }}

),

task_measures as (

    select
        {{ keys | join(', ') }},
        count(*) as volume,
        {{ agent_kpis.kpi_aggregates(agent_kpis.task_kpi_definitions()) }}
    from release_tasks
    group by {{ keys | join(', ') }}

),

tool_measures as (

    select
        {{ keys | join(', ') }},
        count(*) as volume,
        {{ agent_kpis.kpi_aggregates(agent_kpis.tool_kpi_definitions()) }}
    from release_attempts
    group by {{ keys | join(', ') }}

),

sides as (

    {{ agent_kpis.kpi_unpivot('task_measures', agent_kpis.task_kpi_definitions(), keys, 'volume') }}
    union all
    {{ agent_kpis.kpi_unpivot('tool_measures', agent_kpis.tool_kpi_definitions(), keys, 'volume') }}

),

headline_kpis as (

    select
        catalog.kpi_name,
        catalog.unit = 'share' as is_proportion
    from catalog
    where catalog.is_headline

),

release_kpis as (

    select
        releases.release_id,
        headline_kpis.kpi_name,
        headline_kpis.is_proportion
    from releases
    cross join headline_kpis

),

compared as (

    select
        release_kpis.release_id,
        release_kpis.kpi_name,
        release_kpis.is_proportion,
        before_window.kpi_value as before_value,
        after_window.kpi_value as after_value,
        before_window.numerator as before_numerator,
        before_window.denominator as before_denominator,
        after_window.numerator as after_numerator,
        after_window.denominator as after_denominator,
        coalesce(before_window.volume, 0) as before_volume,
        coalesce(after_window.volume, 0) as after_volume
    from release_kpis
    left join sides as before_window
        on
            release_kpis.release_id = before_window.release_id
            and release_kpis.kpi_name = before_window.kpi_name
            and before_window.window_side = 'before'
    left join sides as after_window
        on
            release_kpis.release_id = after_window.release_id
            and release_kpis.kpi_name = after_window.kpi_name
            and after_window.window_side = 'after'

),

tested as (

    select
        *,
        case
            when is_proportion
                then {{ agent_kpis.two_proportion_p_value(
                    'before_numerator', 'before_denominator', 'after_numerator', 'after_denominator') }}
        end as p_value
    from compared

),

final as (

    select
        {{ agent_kpis.surrogate_key(['tested.release_id', 'tested.kpi_name']) }} as release_impact_id,
        tested.release_id,
        tested.kpi_name,
        releases.agent_id,
        releases.component,
        releases.component_name,
        releases.version,
        releases.deployed_at,
        {{ window_days }} as window_days,
        tested.before_value,
        tested.after_value,
        tested.after_value - tested.before_value as delta,
        tested.before_numerator,
        tested.before_denominator,
        tested.after_numerator,
        tested.after_denominator,
        tested.before_volume,
        tested.after_volume,
        tested.p_value,
        coalesce(tested.p_value < {{ var('release_significance_level') }}, false) as is_significant

    from tested
    inner join releases
        on tested.release_id = releases.release_id

)

select * from final
