{#-
    One row per landed line of raw OpenTelemetry traces (OTLP/JSON: one
    ExportTraceServiceRequest per line), with reject_reason where the line is not a trace
    export: the landing_error, empty_line, not_json, not_a_json_object, not_a_trace_export.
    The text is kept for rejected lines only (for the quarantine): base_otel__spans reads
    the files itself. Incremental runs read only new files.
-#}
with

landing as (

    select
        source_file,
        raw_line,
        landing_error,
        cast({{ dbt.current_timestamp() }} as {{ api.Column.translate_type('timestamp') }}) as loaded_at

    from {{ source('telemetry', 'otel_traces') }}
    {%- if is_incremental() %}
    where {{ agent_kpis.unread_files_filter(source('telemetry', 'otel_traces'), this) }}
    {%- endif %}

),

checked as (

    select
        *,
        {{ agent_kpis.json_is_valid('raw_line') }} as is_valid_json,
        {{ agent_kpis.json_is_object('raw_line') }} as is_json_object

    from landing

),

classified as (

    select
        source_file,
        case
            when landing_error is not null then landing_error
            when raw_line is null or trim(raw_line) = '' then 'empty_line'
            when not is_valid_json then 'not_json'
            when not is_json_object then 'not_a_json_object'
            when not {{ agent_kpis.json_field_is_array('raw_line', 'resourceSpans') }} then 'not_a_trace_export'
        end as reject_reason,
        loaded_at,
        raw_line

    from checked

),

final as (

    select
        source_file,
        case when reject_reason is not null then raw_line end as raw_line,
        reject_reason,
        loaded_at

    from classified

)

select * from final
