{#-
    OpenTelemetry attributes (docs/decisions.md, "Traces"). In OTLP/JSON an attribute is
    {key, value: {stringValue | intValue | doubleValue | boolValue | arrayValue | kvlistValue}};
    spans keep them as a list of (key, value as text). Lookups take attribute keys as data:
    the seed otel_attribute_aliases and the vars otel_task_id_attributes / otel_attribute_map.
    A key written 'metadata:task_type' reads the field task_type of the JSON object held by
    the attribute metadata (pydantic-ai and OpenInference put run metadata there).
-#}

{#- An OTLP AnyValue (JSON) as text: ints come as decimal strings, arrays and maps as JSON. -#}
{% macro otel_value_text(value) -%}
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
    {%- set value = "list_filter(" ~ attributes ~ ", lambda a: a.key = " ~ agent_kpis.sql_literal(name) ~ ")[1].value" -%}
    {%- if field -%}
        case when json_valid({{ value }}) then nullif(trim(json_extract_string({{ value }}, {{ agent_kpis.sql_literal('$.' ~ field) }})), '') end
    {%- else -%}
        nullif(trim({{ value }}), '')
    {%- endif -%}
{%- endmacro %}

{#- Only the attributes whose key is listed (all of them when keys is empty). -#}
{% macro otel_attributes_with_keys(attributes, keys) -%}
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
    cast(null as {{ api.Column.translate_type('string') }})
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
        cast(null as {{ api.Column.translate_type('string') }})
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
