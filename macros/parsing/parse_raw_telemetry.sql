{#-
    Turns one landing relation (source_file, raw_line) into typed rows, one per line,
    with reject_reason set where the contract says the row must be rejected:
    empty_line, not_json, not_a_json_object, missing_required_field:<f>,
    unparseable_required_field:<f>, or a table rule given in `rules`.

    fields: list of "name type [required]" with type one of
            string | json | timestamp | integer | decimal | boolean
    rules:  list of (condition on typed columns that makes the row invalid, reason)
    Optional fields that are present but cannot be cast become null and are counted in
    unparseable_field_count.

    Incremental runs read only files not read before (files are append-only drops, never
    edited: RAW_TELEMETRY.md), and stamp every row with the run's loaded_at.
-#}
{% macro parse_raw_telemetry(landing, fields, rules=[]) -%}
    {%- set specs = [] -%}
    {%- for spec in ['_emitted_at timestamp'] + fields -%}
        {%- set parts = spec.split() -%}
        {%- do specs.append({
            'name': parts[0],
            'type': parts[1],
            'required': parts | length > 2 and parts[2] == 'required',
            'column': 'emitted_at' if parts[0] == '_emitted_at' else parts[0],
        }) -%}
    {%- endfor -%}
    {%- set names = ['event_id'] + specs | map(attribute='name') | list -%}

with

landing as (

    select
        source_file,
        raw_line

    from {{ landing }}
    {%- if is_incremental() %}
    where {{ agent_kpis.unread_files_filter(landing, this) }}
    {%- endif %}

),

decoded as (

    select
        source_file,
        raw_line,
        {{ agent_kpis.json_is_object('raw_line') }} as is_json_object,
        {{ agent_kpis.json_is_valid('raw_line') }} as is_valid_json,
        {{ agent_kpis.json_decode('raw_line', names) }} as doc

    from landing

),

fields_as_text as (

    select
        source_file,
        raw_line,
        is_valid_json,
        is_json_object,
        {%- for name in names %}
        nullif(trim({{ agent_kpis.json_decoded_get('doc', name) }}), '') as {{ name | replace('_emitted_at', 'emitted_at') }}__text
        {%- if not loop.last %},{% endif %}
        {%- endfor %}

    from decoded

),

typed as (

    select
        source_file,
        raw_line,
        is_valid_json,
        is_json_object,
        event_id__text as event_id,
        {%- for spec in specs %}
        {{ agent_kpis.cast_raw_text(spec.column ~ '__text', spec.type) }} as {{ spec.column }},
        {%- endfor %}
        0
        {%- for spec in specs if not spec.required and spec.type not in ('string', 'json') %}
        + case
            when {{ spec.column }}__text is not null
                and {{ agent_kpis.cast_raw_text(spec.column ~ '__text', spec.type) }} is null
                then 1
            else 0
        end
        {%- endfor %} as unparseable_field_count,
        {%- for spec in specs if spec.required %}
        {{ spec.column }}__text as {{ spec.column }}__text,
        {%- endfor %}
        event_id__text

    from fields_as_text

),

final as (

    select
        source_file,
        raw_line,
        case
            when raw_line is null or trim(raw_line) = '' then 'empty_line'
            when not is_valid_json then 'not_json'
            when not is_json_object then 'not_a_json_object'
            when event_id is null then 'missing_required_field:event_id'
            {%- for spec in specs if spec.required %}
            when {{ spec.column }}__text is null then 'missing_required_field:{{ spec.name }}'
            when {{ spec.column }} is null then 'unparseable_required_field:{{ spec.name }}'
            {%- endfor %}
            {%- for condition, reason in rules %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as reject_reason,
        cast({{ dbt.current_timestamp() }} as {{ api.Column.translate_type('timestamp') }}) as loaded_at,
        event_id,
        {%- for spec in specs %}
        {{ spec.column }},
        {%- endfor %}
        unparseable_field_count

    from typed

)

select * from final
{%- endmacro %}


{% macro cast_raw_text(column, type) -%}
    {%- if type in ('string', 'json') -%}
        {{ column }}
    {%- elif type == 'timestamp' -%}
        {{ agent_kpis.parse_utc_timestamp(column) }}
    {%- elif type == 'integer' -%}
        {{ agent_kpis.safe_cast(column, api.Column.translate_type('bigint')) }}
    {%- elif type == 'decimal' -%}
        {{ agent_kpis.safe_cast(column, api.Column.translate_type('double')) }}
    {%- elif type == 'boolean' -%}
        {{ agent_kpis.safe_cast(column, api.Column.translate_type('boolean')) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown raw field type " ~ type) }}
    {%- endif -%}
{%- endmacro %}
