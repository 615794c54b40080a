with

{% for table in var('raw_tables') %}
parsed_{{ table }} as (

    select * from {{ ref('base_telemetry__' ~ table) }}

),

{% endfor %}
trace_lines as (

    select * from {{ ref('base_otel__lines') }}

),

trace_spans as (

    select * from {{ ref('base_otel__spans') }}

),

rejected as (

    select
        'otel_traces' as raw_table,
        reject_reason,
        source_file,
        raw_line
    from trace_lines
    where reject_reason is not null

    union all

    -- a rejected span: its identity and times, as JSON (the export line holds many spans)
    select
        'otel_traces' as raw_table,
        reject_reason,
        source_file,
        {{ agent_kpis.json_object_text({
            'traceId': 'trace_id', 'spanId': 'span_id', 'parentSpanId': 'parent_span_id', 'name': 'span_name',
            'startTime': 'cast(started_at as ' ~ dbt.type_string() ~ ')', 'endTime': 'cast(ended_at as ' ~ dbt.type_string() ~ ')'
        }) }} as raw_line
    from trace_spans
    where reject_reason is not null

    union all

    {% for table in var('raw_tables') %}
    select
        '{{ table }}' as raw_table,
        reject_reason,
        source_file,
        raw_line
    from parsed_{{ table }}
    where reject_reason is not null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

numbered as (

    select
        raw_table,
        reject_reason,
        source_file,
        raw_line,
        row_number() over (
            partition by raw_table, source_file, raw_line
            order by reject_reason
        ) as copy_number
    from rejected

),

final as (

    select
        {{ agent_kpis.surrogate_key(
            ['raw_table', 'source_file', "coalesce(raw_line, '')", 'copy_number'], hashed=true
        ) }} as quarantined_row_id,
        raw_table,
        {{ dbt.split_part('reject_reason', "':'", 1) }} as reject_reason,
        reject_reason as reject_detail,
        {{ agent_kpis.mask_personal_text('source_file') }} as source_file,
        {{ agent_kpis.mask_raw_record('raw_line') }} as raw_line_masked,
        cast({{ dbt.length('raw_line') }} as {{ dbt.type_bigint() }}) as raw_line_chars

    from numbered

)

select * from final
