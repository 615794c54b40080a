with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__task_events')) }}

),

final as (

    select
        event_id,
        task_id,
        {{ agent_kpis.enum_columns('event_type', 'event_type', null_is_unknown=true) }},
        occurred_at,
        agent_id,
        agent_version,
        prompt_version,
        model,
        task_type,
        channel,
        region,
        product_line,
        customer_tier,
        {{ agent_kpis.hash_personal_id('customer_id') }} as customer_key,
        {{ agent_kpis.mask_personal_text('reason') }} as reason_masked,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
