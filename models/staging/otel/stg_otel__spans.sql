{{ config(unique_key='span_key') }}
{#-
    One row per span (span_key = trace_id:span_id), valid spans only, once: delivery is at
    least once, and the copies of a span are the same span (the copy from the last file is
    kept). An incremental run re-decides only the spans that arrived since the newest
    loaded_at already staged, from every copy of them.
-#}
with

parsed as (

    select * from {{ ref('base_otel__spans') }}
    where
        reject_reason is null
    {% if is_incremental() -%}
        and span_key in (
            select arrived.span_key from {{ ref('base_otel__spans') }} as arrived
            where arrived.loaded_at > (
                select coalesce(max(staged.loaded_at), cast('1900-01-01' as {{ api.Column.translate_type('timestamp') }}))
                from {{ this }} as staged
            )
        )
        {%- endif %}

),

deduplicated as (

    {{ agent_kpis.deduplicate('parsed', 'span_key', 'source_file desc, line_loaded_at desc') }}

),

final as (

    select
        span_key,
        trace_id,
        span_id,
        parent_span_id,
        span_name,
        scope_name,
        span_kind_code,
        started_at,
        ended_at,
        duration_ms,
        status_code,
        status_code = 2 as is_error,
        {{ agent_kpis.mask_personal_text('status_message') }} as status_message_masked,
        exception_type,
        attributes,
        resource_attributes,
        evaluation_events,
        source_file,
        loaded_at

    from deduplicated

)

select * from final
