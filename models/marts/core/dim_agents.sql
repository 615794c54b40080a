with

tasks as (

    select * from {{ ref('int_task_lifecycles_derived') }}

),

releases as (

    select * from {{ ref('stg_telemetry__releases') }}

),

agents_seen as (

    select
        agent_id,
        created_at as seen_at,
        agent_version
    from tasks
    where agent_id is not null
    union all
    select
        agent_id,
        deployed_at as seen_at,
        cast(null as {{ dbt.type_string() }}) as agent_version
    from releases
    where agent_id is not null

),

latest_version as (

    select
        agent_id,
        {{ agent_kpis.first_non_null_by('agent_version', 'seen_at desc') }} as current_agent_version
    from agents_seen
    group by agent_id

),

final as (

    select
        agents_seen.agent_id,
        min(agents_seen.seen_at) as first_seen_at,
        max(agents_seen.seen_at) as last_seen_at,
        count(distinct agents_seen.agent_version) as agent_version_count,
        max(latest_version.current_agent_version) as current_agent_version
    from agents_seen
    inner join latest_version
        on agents_seen.agent_id = latest_version.agent_id
    group by agents_seen.agent_id

)

select * from final
