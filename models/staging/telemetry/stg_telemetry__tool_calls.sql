with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__tool_calls'), identity=['task_id', 'call_id']) }}

),

final as (

    select
        event_id,
        call_id,
        task_id,
        attempt,
        tool_name,
        tool_version,
        coalesce(is_side_effecting, false) as is_side_effecting,
        idempotency_key,
        started_at,
        ended_at,
        {{ agent_kpis.enum_columns('status', 'tool_status', null_is_unknown=true) }},
        {{ agent_kpis.enum_columns('error_category', 'error_category') }},
        {{ agent_kpis.mask_personal_text('error_message') }} as error_message_masked,
        length(input) as input_size_chars,
        length(output) as output_size_chars,
        sensitive_fields,
        cast(coalesce({{ agent_kpis.json_array_length('sensitive_fields') }}, 0) as bigint) as sensitive_field_count,
        coalesce(ended_at < started_at, false) as has_clock_skew,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
