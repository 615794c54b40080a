with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__policy_events')) }}

),

final as (

    select
        event_id,
        task_id,
        call_id,
        policy_id,
        {{ agent_kpis.enum_columns('decision', 'policy_decision') }},
        coalesce(is_violation, false) as is_violation,
        coalesce(is_near_miss, false) as is_near_miss,
        {{ agent_kpis.enum_columns('severity', 'severity') }},
        sensitive_field,
        occurred_at,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
