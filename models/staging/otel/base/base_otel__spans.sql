{#-
    One row per span unnested from the valid export lines (resourceSpans -> scopeSpans ->
    spans), typed, with reject_reason where a span cannot be used: a missing or malformed
    trace or span id, a missing or unparseable start or end time, an end before the start, a
    start later than the run's clock plus var('future_timestamp_tolerance_hours').
    Attributes are kept as (key, value text) lists, without content-sized values, plus the
    JSON fields the mapping reads by 'name:path' keys (otel_attribute_list); evaluation
    events likewise (otel_event_list). Reads the landed lines itself (base_otel__lines keeps
    no text of valid lines); incremental runs read only files it has not read.
-#}
{%- set future_limit = dbt.dateadd('hour', var('future_timestamp_tolerance_hours') | int, 'loaded_at') -%}
{%- set json_keys = agent_kpis.otel_json_keys() %}
-- depends_on: {{ ref('otel_span_roles') }}, {{ ref('otel_attribute_aliases') }}

with

lines as (

    -- the same lines base_otel__lines accepts: readable trace exports
    select
        source_file,
        raw_line,
        cast({{ dbt.current_timestamp() }} as {{ api.Column.translate_type('timestamp') }}) as line_loaded_at
    from {{ source('telemetry', 'otel_traces') }}
    where
        landing_error is null
        and {{ agent_kpis.json_is_object('raw_line') }}
    {% if is_incremental() -%}
        and {{ agent_kpis.unread_files_filter(source('telemetry', 'otel_traces'), this) }}
        {%- endif %}

),

spans as (

    -- one row per span of each line, its fields as text (engine-specific: otel_unnest_spans)
    {{ agent_kpis.otel_unnest_spans('lines') }}

),

typed as (

    select
        spans.source_file,
        spans.line_loaded_at,
        cast({{ dbt.current_timestamp() }} as {{ api.Column.translate_type('timestamp') }}) as loaded_at,
        lower(nullif(trim(spans.trace_id_text), '')) as trace_id,
        lower(nullif(trim(spans.span_id_text), '')) as span_id,
        lower(nullif(trim(spans.parent_span_id_text), '')) as parent_span_id,
        spans.span_name,
        spans.scope_name,
        case upper(spans.span_kind_text)
            when 'SPAN_KIND_INTERNAL' then 1
            when 'SPAN_KIND_SERVER' then 2
            when 'SPAN_KIND_CLIENT' then 3
            when 'SPAN_KIND_PRODUCER' then 4
            when 'SPAN_KIND_CONSUMER' then 5
            else {{ agent_kpis.parse_integer('spans.span_kind_text') }}
        end as span_kind_code,
        {{ agent_kpis.parse_integer('spans.start_time_text') }} as start_unix_nano,
        {{ agent_kpis.parse_integer('spans.end_time_text') }} as end_unix_nano,
        coalesce(
            case upper(spans.status_code_text)
                when 'STATUS_CODE_UNSET' then 0
                when 'STATUS_CODE_OK' then 1
                when 'STATUS_CODE_ERROR' then 2
                else {{ agent_kpis.parse_integer('spans.status_code_text') }}
            end,
            0
        ) as status_code,
        nullif(trim(spans.status_message), '') as status_message,
        {{ agent_kpis.otel_attribute_list('spans.attributes', json_keys) }} as attributes,
        {{ agent_kpis.otel_attribute_list('spans.resource_attributes') }} as resource_attributes,
        {{ agent_kpis.otel_attribute(
            agent_kpis.otel_attribute_list('spans.exception_attributes'),
            'exception.type'
        ) }} as exception_type,
        {{ agent_kpis.otel_event_list('spans.evaluation_events') }} as evaluation_events

    from spans

),

timed as (

    select
        *,
        case
            when start_unix_nano between 1 and 9223372036854775807
                then {{ agent_kpis.timestamp_from_unix_nanos('start_unix_nano') }}
        end as started_at,
        case
            when end_unix_nano between 1 and 9223372036854775807
                then {{ agent_kpis.timestamp_from_unix_nanos('end_unix_nano') }}
        end as ended_at

    from typed

),

final as (

    select
        case
            when trace_id is null then 'missing_required_field:trace_id'
            when span_id is null then 'missing_required_field:span_id'
            when not {{ agent_kpis.regex_full_match('trace_id', '[0-9a-f]{32}') }} or trace_id = repeat('0', 32)
                then 'invalid_id:trace_id'
            when not {{ agent_kpis.regex_full_match('span_id', '[0-9a-f]{16}') }} or span_id = repeat('0', 16)
                then 'invalid_id:span_id'
            when parent_span_id is not null and not {{ agent_kpis.regex_full_match('parent_span_id', '[0-9a-f]{16}') }}
                then 'invalid_id:parent_span_id'
            when start_unix_nano is null then 'missing_required_field:start_time'
            when end_unix_nano is null then 'missing_required_field:end_time'
            when started_at is null then 'unparseable_required_field:start_time'
            when ended_at is null then 'unparseable_required_field:end_time'
            when end_unix_nano < start_unix_nano then 'end_before_start'
            when started_at > {{ future_limit }} then 'future_timestamp:start_time'
        end as reject_reason,
        trace_id || ':' || span_id as span_key,
        trace_id,
        span_id,
        case when parent_span_id <> repeat('0', 16) then parent_span_id end as parent_span_id,
        span_name,
        scope_name,
        span_kind_code,
        started_at,
        ended_at,
        cast(end_unix_nano - start_unix_nano as {{ agent_kpis.type_double() }}) / 1e6 as duration_ms,
        status_code,
        status_message,
        exception_type,
        attributes,
        resource_attributes,
        evaluation_events,
        source_file,
        line_loaded_at,
        loaded_at

    from timed

)

select * from final
