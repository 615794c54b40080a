with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__verifications')) }}

),

final as (

    select
        event_id,
        task_id,
        check_name,
        system_of_record,
        {{ agent_kpis.enum_columns('status', 'verification_status', null_is_unknown=true) }},
        verified_at,
        {{ agent_kpis.mask_personal_text('expected') }} as expected_masked,
        {{ agent_kpis.mask_personal_text('observed') }} as observed_masked,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
