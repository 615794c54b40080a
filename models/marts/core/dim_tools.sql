with

tool_calls as (

    select * from {{ ref('int_tool_calls_unioned') }}

),

final as (

    select
        tool_name,
        {{ agent_kpis.first_non_null_by('tool_version', 'started_at desc, event_id desc') }} as current_tool_version,
        count(distinct tool_version) as tool_version_count,
        max(case when is_side_effecting then 1 else 0 end) = 1 as is_side_effecting,
        min(started_at) as first_seen_at,
        max(started_at) as last_seen_at

    from tool_calls
    group by tool_name

)

select * from final
