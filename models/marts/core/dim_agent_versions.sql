with

tasks as (

    select * from {{ ref('int_task_lifecycles_derived') }}

),

final as (

    select
        {{ agent_kpis.surrogate_key(['agent_id', 'agent_version'], separator='@') }} as agent_version_key,
        agent_id,
        agent_version,
        min(created_at) as first_task_created_at,
        max(created_at) as last_task_created_at,
        count(*) as task_count
    from tasks
    where agent_id is not null and agent_version is not null
    group by agent_id, agent_version

)

select * from final
