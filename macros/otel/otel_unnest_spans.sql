{#-
    The spans of OTLP/JSON export lines (resourceSpans -> scopeSpans -> spans), one row per
    span: source_file, line_loaded_at, resource_attributes, scope_name, the span's fields as
    text (trace_id_text, span_id_text, parent_span_id_text, span_name, span_kind_text,
    start_time_text, end_time_text, status_code_text, status_message), its attributes and
    the attributes of its first `exception` event, both as OTLP lists (otel_attribute_list
    reads them), and its evaluation events (evaluation_events: the events named in
    var('otel_evaluation_events'), each with timeUnixNano and its attributes; otel_event_list
    reads them). `lines`: a relation of source_file, raw_line, line_loaded_at whose lines
    are JSON objects. Nesting JSON arrays has no standard SQL form: no default__.
-#}
{% macro otel_unnest_spans(lines) -%}
    {{ return(adapter.dispatch('otel_unnest_spans', 'agent_kpis')(lines)) }}
{%- endmacro %}

{% macro default__otel_unnest_spans(lines) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('otel_unnest_spans')) }}
{%- endmacro %}

{#- DuckDB: one json_transform per line into the nested shape, then three unnests -#}
{% macro duckdb__otel_unnest_spans(lines) -%}
    {%- set shape = {
        'resourceSpans': [{
            'resource': {'attributes': [{'key': 'VARCHAR', 'value': 'JSON'}]},
            'scopeSpans': [{
                'scope': {'name': 'VARCHAR', 'version': 'VARCHAR'},
                'spans': [{
                    'traceId': 'VARCHAR', 'spanId': 'VARCHAR', 'parentSpanId': 'VARCHAR', 'name': 'VARCHAR',
                    'kind': 'VARCHAR', 'startTimeUnixNano': 'VARCHAR', 'endTimeUnixNano': 'VARCHAR',
                    'attributes': [{'key': 'VARCHAR', 'value': 'JSON'}],
                    'events': [{'name': 'VARCHAR', 'timeUnixNano': 'VARCHAR', 'attributes': [{'key': 'VARCHAR', 'value': 'JSON'}]}],
                    'status': {'code': 'VARCHAR', 'message': 'VARCHAR'},
                }],
            }],
        }],
    } -%}
    select
        scope_spans.source_file,
        scope_spans.line_loaded_at,
        scope_spans.resource_attributes,
        scope_spans.scope_name,
        scope_spans.span.traceid as trace_id_text,
        scope_spans.span.spanid as span_id_text,
        scope_spans.span.parentspanid as parent_span_id_text,
        scope_spans.span.name as span_name,
        scope_spans.span.kind as span_kind_text,
        scope_spans.span.starttimeunixnano as start_time_text,
        scope_spans.span.endtimeunixnano as end_time_text,
        scope_spans.span.status.code as status_code_text,
        scope_spans.span.status.message as status_message,
        scope_spans.span.attributes as attributes,
        list_filter(scope_spans.span.events, lambda e: e.name = 'exception')[1].attributes as exception_attributes,
        list_filter(
            scope_spans.span.events,
            lambda e: e.name in ({{ agent_kpis.sql_literal_list(var('otel_evaluation_events')) }})
        ) as evaluation_events
    from (
        select
            resource_spans.source_file,
            resource_spans.line_loaded_at,
            resource_spans.resource_attributes,
            resource_spans.scope_span.scope.name as scope_name,
            unnest(resource_spans.scope_span.spans) as span
        from (
            select
                requests.source_file,
                requests.line_loaded_at,
                requests.resource_span.resource.attributes as resource_attributes,
                unnest(requests.resource_span.scopespans) as scope_span
            from (
                select
                    source_file,
                    line_loaded_at,
                    unnest(json_transform(raw_line, {{ agent_kpis.sql_literal(tojson(shape)) }}).resourcespans) as resource_span
                from {{ lines }}
            ) as requests
        ) as resource_spans
    ) as scope_spans
{%- endmacro %}

{#- PostgreSQL: jsonb, and a lateral json array expansion per level (a level that is not an array has no rows) -#}
{% macro postgres__otel_unnest_spans(lines) -%}
    select
        lines.source_file,
        lines.line_loaded_at,
        resource_span -> 'resource' -> 'attributes' as resource_attributes,
        scope_span -> 'scope' ->> 'name' as scope_name,
        span ->> 'traceId' as trace_id_text,
        span ->> 'spanId' as span_id_text,
        span ->> 'parentSpanId' as parent_span_id_text,
        span ->> 'name' as span_name,
        span ->> 'kind' as span_kind_text,
        span ->> 'startTimeUnixNano' as start_time_text,
        span ->> 'endTimeUnixNano' as end_time_text,
        span -> 'status' ->> 'code' as status_code_text,
        span -> 'status' ->> 'message' as status_message,
        span -> 'attributes' as attributes,
        (
            select span_event -> 'attributes'
            from {{ agent_kpis._postgres_json_elements("span -> 'events'") }} with ordinality as events (span_event, event_position)
            where span_event ->> 'name' = 'exception'
            order by event_position
            limit 1
        ) as exception_attributes,
        (
            select jsonb_agg(span_event order by event_position)
            from {{ agent_kpis._postgres_json_elements("span -> 'events'") }} with ordinality as events (span_event, event_position)
            where span_event ->> 'name' in ({{ agent_kpis.sql_literal_list(var('otel_evaluation_events')) }})
        ) as evaluation_events
    from {{ lines }} as lines
    cross join lateral {{ agent_kpis._postgres_json_elements(agent_kpis.engine_function('try_jsonb') ~ "(lines.raw_line) -> 'resourceSpans'") }} as resource_spans (resource_span)
    cross join lateral {{ agent_kpis._postgres_json_elements("resource_span -> 'scopeSpans'") }} as scope_spans (scope_span)
    cross join lateral {{ agent_kpis._postgres_json_elements("scope_span -> 'spans'") }} as spans (span)
{%- endmacro %}

{#- Spark: from_json into the nested shape (an AnyValue kept as its JSON text), then lateral explodes -#}
{% macro spark__otel_unnest_spans(lines) -%}
    {%- set attributes = 'array<struct<key: string, value: string>>' -%}
    {%- set shape = 'struct<resourceSpans: array<struct<resource: struct<attributes: ' ~ attributes ~ '>,'
        ~ ' scopeSpans: array<struct<scope: struct<name: string>, spans: array<struct<traceId: string, spanId: string,'
        ~ ' parentSpanId: string, name: string, kind: string, startTimeUnixNano: string, endTimeUnixNano: string,'
        ~ ' attributes: ' ~ attributes ~ ', events: array<struct<name: string, timeUnixNano: string, attributes: ' ~ attributes ~ '>>,'
        ~ ' status: struct<code: string, message: string>>>>>>>>' -%}
    select
        lines.source_file,
        lines.line_loaded_at,
        resource_span.resource.attributes as resource_attributes,
        scope_span.scope.name as scope_name,
        span.traceId as trace_id_text,
        span.spanId as span_id_text,
        span.parentSpanId as parent_span_id_text,
        span.name as span_name,
        span.kind as span_kind_text,
        span.startTimeUnixNano as start_time_text,
        span.endTimeUnixNano as end_time_text,
        span.status.code as status_code_text,
        span.status.message as status_message,
        span.attributes as attributes,
        element_at(filter(span.events, span_event -> span_event.name = 'exception'), 1).attributes as exception_attributes,
        filter(
            span.events,
            span_event -> span_event.name in ({{ agent_kpis.sql_literal_list(var('otel_evaluation_events')) }})
        ) as evaluation_events
    from {{ lines }} as lines
    lateral view explode(from_json(lines.raw_line, {{ agent_kpis.sql_literal(shape) }}).resourceSpans) resource_spans as resource_span
    lateral view explode(resource_span.scopeSpans) scope_spans as scope_span
    lateral view explode(scope_span.spans) spans as span
{%- endmacro %}

{#- The elements of a jsonb value that is an array; no rows for anything else. -#}
{% macro _postgres_json_elements(value) -%}
    jsonb_array_elements(case when jsonb_typeof({{ value }}) = 'array' then {{ value }} end)
{%- endmacro %}

{#-
    The evaluation events of a span as unnested (otel_unnest_spans): a list of
    (time_unix_nano text, attributes as otel_attribute_list makes them).
-#}
{% macro otel_event_list(events) -%}
    {{ return(adapter.dispatch('otel_event_list', 'agent_kpis')(events)) }}
{%- endmacro %}

{% macro default__otel_event_list(events) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('otel_event_list')) }}
{%- endmacro %}

{% macro duckdb__otel_event_list(events) -%}
    list_transform(
        {{ events }},
        lambda e: {'time_unix_nano': e.timeunixnano, 'attributes': {{ agent_kpis.otel_attribute_list('e.attributes') }}}
    )
{%- endmacro %}

{% macro postgres__otel_event_list(events) -%}
    (
        select jsonb_agg(jsonb_build_object(
            'time_unix_nano', span_event ->> 'timeUnixNano',
            'attributes', {{ agent_kpis.otel_attribute_list("span_event -> 'attributes'") }}
        ) order by event_position)
        from {{ agent_kpis._postgres_json_elements(events) }} with ordinality as events (span_event, event_position)
    )
{%- endmacro %}

{% macro spark__otel_event_list(events) -%}
    transform(
        {{ events }},
        span_event -> named_struct(
            'time_unix_nano', span_event.timeUnixNano,
            'attributes', {{ agent_kpis.otel_attribute_list('span_event.attributes') }}
        )
    )
{%- endmacro %}

{#-
    One row per event of an event list column (otel_event_list) of `relation`: its columns
    and `span_event`; otel_event_part reads the event's time_unix_nano and attributes.
-#}
{% macro otel_unnest_events(relation, column) -%}
    {{ return(adapter.dispatch('otel_unnest_events', 'agent_kpis')(relation, column)) }}
{%- endmacro %}

{% macro default__otel_unnest_events(relation, column) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('otel_unnest_events')) }}
{%- endmacro %}

{% macro duckdb__otel_unnest_events(relation, column) -%}
    select *, unnest({{ column }}) as span_event from {{ relation }}
{%- endmacro %}

{% macro postgres__otel_unnest_events(relation, column) -%}
    select listed.*, events.span_event
    from {{ relation }} as listed
    cross join lateral {{ agent_kpis._postgres_json_elements('listed.' ~ column) }} as events (span_event)
{%- endmacro %}

{% macro spark__otel_unnest_events(relation, column) -%}
    select listed.*, span_event
    from {{ relation }} as listed
    lateral view explode(listed.{{ column }}) events as span_event
{%- endmacro %}

{% macro otel_event_part(event, part) -%}
    {{ return(adapter.dispatch('otel_event_part', 'agent_kpis')(event, part)) }}
{%- endmacro %}

{% macro default__otel_event_part(event, part) -%}
    {{ event }}.{{ part }}
{%- endmacro %}

{% macro postgres__otel_event_part(event, part) -%}
    {%- if part == 'attributes' -%}({{ event }} -> 'attributes'){%- else -%}({{ event }} ->> {{ agent_kpis.sql_literal(part) }}){%- endif -%}
{%- endmacro %}
