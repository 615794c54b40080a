with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__releases'), identity=['release_id']) }}

),

final as (

    select
        event_id,
        release_id,
        agent_id,
        {{ agent_kpis.enum_columns('component', 'release_component', null_is_unknown=true) }},
        component_name,
        version,
        deployed_at,
        description,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
