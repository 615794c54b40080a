{#-
    Turns one landing relation (source_file, raw_line, landing_error) into typed rows, one
    per line, with reject_reason set where the contract says the row must be rejected. The
    reasons, first that applies (docs/decisions.md, "Reject reasons"):

        invalid_utf8, line_too_long, control_character, truncated_line  (the landing_error:
                                       the line could not be read as text)
        empty_line, not_json, not_a_json_object
        duplicate_field:<f>           a contract field appears twice in the object
        missing_required_field:<f>, unparseable_required_field:<f>,
        future_timestamp:<f>          a required timestamp later than the run's clock plus
                                       var('future_timestamp_tolerance_hours')
        a table rule given in `rules`

    fields: list of "name type [required]" with type one of
            string | json | timestamp | integer | decimal | boolean
    rules:  list of (condition on typed columns that makes the row invalid, reason)
    Optional fields present with a value their type cannot hold (see casting.sql; a future
    timestamp too) become null and are counted in unparseable_field_count.

    A row whose landing already holds its fields (a Parquet row: landed_fields as text,
    landed_values typed, see landed_fields.sql) is not decoded again, and a typed value is
    not parsed from text; every rule above applies to it the same way.

    raw_line is kept for rejected rows only (a Parquet row shows its landed fields as JSON);
    content_key, a hash of the content, breaks de-duplication's last ties.

    Incremental runs read only files not read before (files are append-only drops, never
    edited), and stamp every row with the run's loaded_at.
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
    {#- the typed columns every row carries, kept from the checks to the final select -#}
    {%- set parsed_columns -%}
        loaded_at,
        event_id,
        {%- for spec in specs %}
        {{ spec.column }},
        {%- endfor %}
        unparseable_field_count
    {%- endset -%}
    {%- set future_limit = dbt.dateadd('hour', var('future_timestamp_tolerance_hours') | int, 'loaded_at') -%}

with

landing as (

    select
        source_file,
        raw_line,
        landing_error,
        {{ agent_kpis.landed_column('landed_fields') }} as landed_fields,
        {{ agent_kpis.landed_column('landed_values') }} as landed_values,
        cast({{ dbt.current_timestamp() }} as {{ api.Column.translate_type('timestamp') }}) as loaded_at

    from {{ landing }}
    {%- if is_incremental() %}
    where {{ agent_kpis.unread_files_filter(landing, this) }}
    {%- endif %}

),

decoded as (

    select
        source_file,
        raw_line,
        landing_error,
        loaded_at,
        landed_fields,
        landed_values,
        case when landed_fields is not null then true else {{ agent_kpis.json_is_object('raw_line') }} end as is_json_object,
        case when landed_fields is not null then true else {{ agent_kpis.json_is_valid('raw_line') }} end as is_valid_json,
        case when landed_fields is not null then landed_fields else {{ agent_kpis.json_decode('raw_line', names) }} end as doc,
        case when landed_fields is null then {{ agent_kpis.json_object_keys('raw_line') }} end as object_keys

    from landing

),

fields_as_text as (

    select
        source_file,
        raw_line,
        landing_error,
        loaded_at,
        landed_fields,
        is_valid_json,
        is_json_object,
        {{ agent_kpis.duplicated_keys('object_keys', names) }} as duplicated_fields,
        {%- for spec in specs if spec.type in ('timestamp', 'integer', 'decimal', 'boolean') %}
        {{ agent_kpis.landed_value(spec.name, spec.type) }} as {{ spec.column }}__landed,
        {%- endfor %}
        {%- for name in names %}
        nullif(trim({{ agent_kpis.json_decoded_get('doc', name) }}), '') as {{ name | replace('_emitted_at', 'emitted_at') }}__text
        {%- if not loop.last %},{% endif %}
        {%- endfor %}

    from decoded

),

parsed as (

    select
        *,
        {%- for spec in specs %}
        {{ agent_kpis.cast_raw_text(spec.column ~ '__text', spec.type, spec.column ~ '__landed') }} as {{ spec.column }}__parsed
        {%- if not loop.last %},{% endif %}
        {%- endfor %}

    from fields_as_text

),

typed as (

    select
        source_file,
        raw_line,
        landing_error,
        loaded_at,
        landed_fields,
        is_valid_json,
        is_json_object,
        duplicated_fields,
        event_id__text as event_id,
        {%- for spec in specs %}
        {%- if spec.type == 'timestamp' %}
        case when {{ spec.column }}__parsed <= {{ future_limit }} then {{ spec.column }}__parsed end as {{ spec.column }},
        {%- else %}
        {{ spec.column }}__parsed as {{ spec.column }},
        {%- endif %}
        {%- endfor %}
        {%- for spec in specs if spec.required %}
        {{ spec.column }}__text,
        {{ spec.column }}__parsed,
        {%- endfor %}
        0
        {%- for spec in specs if not spec.required and spec.type not in ('string', 'json') %}
        + case
            when {{ spec.column }}__text is not null
                and (
                    {{ spec.column }}__parsed is null
                    {%- if spec.type == 'timestamp' %} or {{ spec.column }}__parsed > {{ future_limit }}{% endif %}
                )
                then 1
            else 0
        end
        {%- endfor %} as unparseable_field_count

    from parsed

),

checked as (

    select
        source_file,
        raw_line,
        landed_fields,
        case
            when landing_error is not null then landing_error
            when landed_fields is null and (raw_line is null or trim(raw_line) = '') then 'empty_line'
            when not is_valid_json then 'not_json'
            when not is_json_object then 'not_a_json_object'
            when {{ dbt.length('duplicated_fields') }} > 0 then 'duplicate_field:' || duplicated_fields
            when event_id is null then 'missing_required_field:event_id'
            {%- for spec in specs if spec.required %}
            when {{ spec.column }}__text is null then 'missing_required_field:{{ spec.name }}'
            when {{ spec.column }}__parsed is null then 'unparseable_required_field:{{ spec.name }}'
            {%- if spec.type == 'timestamp' %}
            when {{ spec.column }} is null then 'future_timestamp:{{ spec.name }}'
            {%- endif %}
            {%- endfor %}
            {%- for condition, reason in rules %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as reject_reason,
        {{ parsed_columns }}

    from typed

),

final as (

    select
        source_file,
        case when reject_reason is not null then {{ agent_kpis.landed_raw_line() }} end as raw_line,
        {{ agent_kpis.landed_content_key() }} as content_key,
        reject_reason,
        {{ parsed_columns }}

    from checked

)

select * from final
{%- endmacro %}


{#- The typed value of a field: its landed value when the landing read one, else its text parsed. -#}
{% macro cast_raw_text(column, type, landed) -%}
    {%- if type in ('string', 'json') -%}
        {{ column }}
    {%- elif type == 'timestamp' -%}
        case when {{ landed }} is not null then {{ landed }} else {{ agent_kpis.parse_utc_timestamp(column) }} end
    {%- elif type == 'integer' -%}
        case when {{ landed }} is not null then {{ landed }} else {{ agent_kpis.parse_integer(column) }} end
    {%- elif type == 'decimal' -%}
        case when {{ landed }} is not null then {{ agent_kpis.decimal_in_range(landed) }} else {{ agent_kpis.parse_decimal(column) }} end
    {%- elif type == 'boolean' -%}
        case when {{ landed }} is not null then {{ landed }} else {{ agent_kpis.try_cast_or_null(column, api.Column.translate_type('boolean')) }} end
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown raw field type " ~ type) }}
    {%- endif -%}
{%- endmacro %}
