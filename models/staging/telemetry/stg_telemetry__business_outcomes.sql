with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__business_outcomes')) }}

),

final as (

    select
        event_id,
        task_id,
        outcome_type,
        value_usd,
        occurred_at,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
