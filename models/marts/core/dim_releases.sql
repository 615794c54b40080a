with

releases as (

    select * from {{ ref('stg_telemetry__releases') }}

),

ranked as (

    -- a release redelivered under a new event_id keeps its latest record
    select
        *,
        row_number() over (partition by release_id order by emitted_at desc nulls last, event_id desc) as record_rank
    from releases

),

final as (

    select
        release_id,
        agent_id,
        agent_id is null as applies_to_all_agents,
        component,
        component_name,
        version,
        deployed_at,
        cast(deployed_at as date) as deployed_date,
        description

    from ranked
    where record_rank = 1

)

select * from final
