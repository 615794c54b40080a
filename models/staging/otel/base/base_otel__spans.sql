{#-
    One row per span unnested from the valid export lines (resourceSpans -> scopeSpans ->
    spans), typed, with reject_reason where a span cannot be used: a missing or malformed
    trace or span id, a missing or unparseable start or end time, an end before the start, a
    start later than the run's clock plus var('future_timestamp_tolerance_hours').
    Attributes are kept as (key, value text) lists, without content-sized values
    (otel_attribute_list). Reads the landed lines itself (base_otel__lines keeps no text of
    valid lines); incremental runs read only files it has not read.
-#}
{%- set shape = {
    'resourceSpans': [{
        'resource': {'attributes': [{'key': 'VARCHAR', 'value': 'JSON'}]},
        'scopeSpans': [{
            'scope': {'name': 'VARCHAR', 'version': 'VARCHAR'},
            'spans': [{
                'traceId': 'VARCHAR', 'spanId': 'VARCHAR', 'parentSpanId': 'VARCHAR', 'name': 'VARCHAR',
                'kind': 'VARCHAR', 'startTimeUnixNano': 'VARCHAR', 'endTimeUnixNano': 'VARCHAR',
                'attributes': [{'key': 'VARCHAR', 'value': 'JSON'}],
                'events': [{'name': 'VARCHAR', 'attributes': [{'key': 'VARCHAR', 'value': 'JSON'}]}],
                'status': {'code': 'VARCHAR', 'message': 'VARCHAR'},
            }],
        }],
    }],
} -%}
{%- set future_limit = dbt.dateadd('hour', var('future_timestamp_tolerance_hours') | int, 'loaded_at') -%}

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

requests as (

    select
        lines.source_file,
        lines.line_loaded_at,
        json_transform(lines.raw_line, {{ agent_kpis.sql_literal(tojson(shape)) }}) as request

    from lines

),

resource_spans as (

    select
        requests.source_file,
        requests.line_loaded_at,
        unnest(requests.request.resourcespans) as resource_span

    from requests

),

scope_spans as (

    select
        resource_spans.source_file,
        resource_spans.line_loaded_at,
        resource_spans.resource_span.resource.attributes as resource_attributes,
        unnest(resource_spans.resource_span.scopespans) as scope_span

    from resource_spans

),

spans as (

    select
        scope_spans.source_file,
        scope_spans.line_loaded_at,
        scope_spans.resource_attributes,
        scope_spans.scope_span.scope.name as scope_name,
        unnest(scope_spans.scope_span.spans) as span

    from scope_spans

),

typed as (

    select
        spans.source_file,
        spans.line_loaded_at,
        cast({{ dbt.current_timestamp() }} as {{ api.Column.translate_type('timestamp') }}) as loaded_at,
        lower(nullif(trim(spans.span.traceid), '')) as trace_id,
        lower(nullif(trim(spans.span.spanid), '')) as span_id,
        lower(nullif(trim(spans.span.parentspanid), '')) as parent_span_id,
        spans.span.name as span_name,
        spans.scope_name,
        case upper(spans.span.kind)
            when 'SPAN_KIND_INTERNAL' then 1
            when 'SPAN_KIND_SERVER' then 2
            when 'SPAN_KIND_CLIENT' then 3
            when 'SPAN_KIND_PRODUCER' then 4
            when 'SPAN_KIND_CONSUMER' then 5
            else {{ agent_kpis.parse_integer('spans.span.kind') }}
        end as span_kind_code,
        {{ agent_kpis.parse_integer('spans.span.starttimeunixnano') }} as start_unix_nano,
        {{ agent_kpis.parse_integer('spans.span.endtimeunixnano') }} as end_unix_nano,
        coalesce(
            case upper(spans.span.status.code)
                when 'STATUS_CODE_UNSET' then 0
                when 'STATUS_CODE_OK' then 1
                when 'STATUS_CODE_ERROR' then 2
                else {{ agent_kpis.parse_integer('spans.span.status.code') }}
            end,
            0
        ) as status_code,
        nullif(trim(spans.span.status.message), '') as status_message,
        {{ agent_kpis.otel_attribute_list('spans.span.attributes') }} as attributes,
        {{ agent_kpis.otel_attribute_list('spans.resource_attributes') }} as resource_attributes,
        {{ agent_kpis.otel_attribute(
            agent_kpis.otel_attribute_list("list_filter(spans.span.events, lambda e: e.name = 'exception')[1].attributes"),
            'exception.type'
        ) }} as exception_type

    from spans

),

timed as (

    select
        *,
        case
            when start_unix_nano between 1 and 9223372036854775807
                then make_timestamp(start_unix_nano // 1000)
        end as started_at,
        case
            when end_unix_nano between 1 and 9223372036854775807
                then make_timestamp(end_unix_nano // 1000)
        end as ended_at

    from typed

),

final as (

    select
        case
            when trace_id is null then 'missing_required_field:trace_id'
            when span_id is null then 'missing_required_field:span_id'
            when not regexp_full_match(trace_id, '[0-9a-f]{32}') or trace_id = repeat('0', 32)
                then 'invalid_id:trace_id'
            when not regexp_full_match(span_id, '[0-9a-f]{16}') or span_id = repeat('0', 16)
                then 'invalid_id:span_id'
            when parent_span_id is not null and not regexp_full_match(parent_span_id, '[0-9a-f]{16}')
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
        cast(end_unix_nano - start_unix_nano as {{ api.Column.translate_type('double') }}) / 1e6 as duration_ms,
        status_code,
        status_message,
        exception_type,
        attributes,
        resource_attributes,
        source_file,
        line_loaded_at,
        loaded_at

    from timed

)

select * from final
