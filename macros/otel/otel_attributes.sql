{#-
    OpenTelemetry attributes (docs/decisions.md, "Traces"). In OTLP/JSON an attribute is
    {key, value: {stringValue | intValue | doubleValue | boolValue | arrayValue | kvlistValue}};
    spans keep them as a list of (key, value as text). Lookups take attribute keys as data:
    the seed otel_attribute_aliases and the vars otel_task_id_attributes / otel_attribute_map.
    A key written 'metadata:task_type' reads the field task_type of the JSON object held by
    the attribute metadata (pydantic-ai and OpenInference put run metadata there).
-#}

{#-
    An OTLP AnyValue (JSON) as text: ints come as decimal strings, arrays and maps as JSON.
    The list functions have no standard SQL form: DuckDB reads lists of structs, PostgreSQL
    jsonb arrays of {key, value}.
-#}
{% macro otel_value_text(value) -%}
    {{ return(adapter.dispatch('otel_value_text', 'agent_kpis')(value)) }}
{%- endmacro %}

{% macro default__otel_value_text(value) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('otel_value_text')) }}
{%- endmacro %}

{% macro postgres__otel_value_text(value) -%}
    coalesce(
        {{ value }} ->> 'stringValue',
        {{ value }} ->> 'intValue',
        {{ value }} ->> 'doubleValue',
        {{ value }} ->> 'boolValue',
        cast({{ value }} -> 'arrayValue' as text),
        cast({{ value }} -> 'kvlistValue' as text)
    )
{%- endmacro %}

{#- Spark: the AnyValue arrives as JSON text -#}
{% macro spark__otel_value_text(value) -%}
    coalesce(
        {%- for field in ['stringValue', 'intValue', 'doubleValue', 'boolValue', 'arrayValue', 'kvlistValue'] %}
        get_json_object({{ value }}, '$.{{ field }}'){% if not loop.last %},{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{% macro duckdb__otel_value_text(value) -%}
    coalesce(
        json_extract_string({{ value }}, '$.stringValue'),
        json_extract_string({{ value }}, '$.intValue'),
        json_extract_string({{ value }}, '$.doubleValue'),
        json_extract_string({{ value }}, '$.boolValue'),
        json_extract({{ value }}, '$.arrayValue')::varchar,
        json_extract({{ value }}, '$.kvlistValue')::varchar
    )
{%- endmacro %}

{#-
    A list of OTLP attributes as a list of (key, value) text structs. Values longer than
    var('otel_max_attribute_chars') are message contents and payloads, not measurements: they
    are not kept (they are also where personal data would be).
-#}
{% macro otel_attribute_list(attributes) -%}
    {{ return(adapter.dispatch('otel_attribute_list', 'agent_kpis')(attributes)) }}
{%- endmacro %}

{% macro default__otel_attribute_list(attributes) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('otel_attribute_list')) }}
{%- endmacro %}

{% macro postgres__otel_attribute_list(attributes) -%}
    (
        select jsonb_agg(jsonb_build_object('key', attribute ->> 'key', 'value', value_text) order by attribute_position)
        from {{ agent_kpis._postgres_json_elements(attributes) }} with ordinality as listed (attribute, attribute_position)
        cross join lateral (select {{ agent_kpis.otel_value_text("attribute -> 'value'") }} as value_text) as attribute_values
        where value_text is not null and length(value_text) <= {{ var('otel_max_attribute_chars') | int }}
    )
{%- endmacro %}

{% macro spark__otel_attribute_list(attributes) -%}
    filter(
        transform(
            {{ attributes }},
            attribute -> named_struct('key', attribute.key, 'value', {{ agent_kpis.otel_value_text('attribute.value') }})
        ),
        attribute -> attribute.value is not null and length(attribute.value) <= {{ var('otel_max_attribute_chars') | int }}
    )
{%- endmacro %}

{% macro duckdb__otel_attribute_list(attributes) -%}
    list_filter(
        list_transform(
            {{ attributes }},
            lambda a: {'key': a.key, 'value': {{ agent_kpis.otel_value_text('a.value') }}}
        ),
        lambda a: a.value is not null and length(a.value) <= {{ var('otel_max_attribute_chars') | int }}
    )
{%- endmacro %}

{#- The value of one key in an attribute list ('name:field' reads a JSON field), or null. -#}
{% macro otel_attribute(attributes, key) -%}
    {%- set name, _, field = key.partition(':') -%}
    {%- set value = agent_kpis.otel_attribute_value(attributes, name) -%}
    {%- if field -%}
        nullif(trim({{ agent_kpis.json_text_field(value, field) }}), '')
    {%- else -%}
        nullif(trim({{ value }}), '')
    {%- endif -%}
{%- endmacro %}

{#- The text value of the first attribute named `name` in an attribute list, or null. -#}
{% macro otel_attribute_value(attributes, name) -%}
    {{ return(adapter.dispatch('otel_attribute_value', 'agent_kpis')(attributes, name)) }}
{%- endmacro %}

{% macro default__otel_attribute_value(attributes, name) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('otel_attribute_value')) }}
{%- endmacro %}

{% macro duckdb__otel_attribute_value(attributes, name) -%}
    list_filter({{ attributes }}, lambda a: a.key = {{ agent_kpis.sql_literal(name) }})[1].value
{%- endmacro %}

{% macro postgres__otel_attribute_value(attributes, name) -%}
    (jsonb_path_query_first({{ attributes }}, '$[*] ? (@.key == $name).value', jsonb_build_object('name', {{ agent_kpis.sql_literal(name) }})) #>> '{}')
{%- endmacro %}

{% macro spark__otel_attribute_value(attributes, name) -%}
    element_at(filter({{ attributes }}, attribute -> attribute.key = {{ agent_kpis.sql_literal(name) }}), 1).value
{%- endmacro %}

{#- Only the attributes whose key is listed (all of them when keys is empty). -#}
{% macro otel_attributes_with_keys(attributes, keys) -%}
    {{ return(adapter.dispatch('otel_attributes_with_keys', 'agent_kpis')(attributes, keys)) }}
{%- endmacro %}

{% macro default__otel_attributes_with_keys(attributes, keys) -%}
    {{ attributes }}
{%- endmacro %}

{% macro postgres__otel_attributes_with_keys(attributes, keys) -%}
    {%- if keys -%}
    (
        select jsonb_agg(attribute order by attribute_position)
        from {{ agent_kpis._postgres_json_elements(attributes) }} with ordinality as listed (attribute, attribute_position)
        where attribute ->> 'key' in ({{ agent_kpis.sql_literal_list(keys) }})
    )
    {%- else -%}
        {{ attributes }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__otel_attributes_with_keys(attributes, keys) -%}
    {%- if keys -%}
        filter({{ attributes }}, attribute -> attribute.key in ({{ agent_kpis.sql_literal_list(keys) }}))
    {%- else -%}
        {{ attributes }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__otel_attributes_with_keys(attributes, keys) -%}
    {%- if keys -%}
        list_filter({{ attributes }}, lambda a: a.key in ({{ agent_kpis.sql_literal_list(keys) }}))
    {%- else -%}
        {{ attributes }}
    {%- endif -%}
{%- endmacro %}

{#- The role of a span (seed otel_span_roles: first matching attribute value), or null. -#}
{% macro otel_span_role(attributes, roles) -%}
    {%- if roles -%}
    case
        {%- for role in roles %}
        when {{ agent_kpis.otel_attribute(attributes, role.attribute_key) }} = {{ agent_kpis.sql_literal(role.attribute_value) }}
            then {{ agent_kpis.sql_literal(role.span_role) }}
        {%- endfor %}
    end
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- The first key that has a value, looked up on each attribute list in turn. -#}
{% macro otel_first_attribute(attribute_lists, keys) -%}
    {%- set lookups = [] -%}
    {%- for attributes in attribute_lists -%}
        {%- for key in keys -%}
            {%- do lookups.append(agent_kpis.otel_attribute(attributes, key)) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if lookups | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif lookups | length == 1 -%}
        {{ lookups[0] }}
    {%- else -%}
        coalesce({{ lookups | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#- The attribute keys the alias seed lists for one contract field, by priority. -#}
{% macro otel_alias_keys(aliases, field) -%}
    {{ return(aliases | selectattr('contract_field', 'equalto', field) | map(attribute='attribute_key') | list) }}
{%- endmacro %}
