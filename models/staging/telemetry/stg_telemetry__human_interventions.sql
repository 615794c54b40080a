with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__human_interventions')) }}

),

final as (

    select
        event_id,
        task_id,
        {{ agent_kpis.enum_columns('kind', 'intervention_kind', null_is_unknown=true) }},
        actor_role,
        started_at,
        minutes,
        coalesce(minutes < 0, false) as is_negative_minutes,
        outcome,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
