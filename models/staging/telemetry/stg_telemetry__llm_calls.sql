with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__llm_calls')) }}

),

final as (

    select
        event_id,
        task_id,
        model,
        provider,
        input_tokens,
        output_tokens,
        cached_input_tokens,
        cache_creation_input_tokens,
        reasoning_output_tokens,
        started_at,
        ended_at,
        cost_usd,
        coalesce(
            input_tokens < 0 or output_tokens < 0 or cached_input_tokens < 0
            or cached_input_tokens > input_tokens
            or cache_creation_input_tokens < 0 or reasoning_output_tokens < 0
            or reasoning_output_tokens > output_tokens,
            false
        ) as has_invalid_tokens,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
