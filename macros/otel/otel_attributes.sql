{#-
    OpenTelemetry attributes (docs/decisions.md, "Traces"). In OTLP/JSON an attribute is
    {key, value: {stringValue | intValue | doubleValue | boolValue | arrayValue | kvlistValue}};
    spans keep them as a list of (key, value as text). Lookups take attribute keys as data:
    the seed otel_attribute_aliases and the vars otel_task_id_attributes / otel_attribute_map.
    A key written 'name:path' reads a field inside the JSON held by the attribute name: the
    path is dot-separated keys and array positions ('metadata:task_type',
    'output.value:messages.0.data.tool_call_id'). Those fields are read once, when the spans
    are unnested, from the whole value (however long), and kept as attributes of their own
    named by the key (otel_attribute_list).
-#}

{#- Every attribute key the mapping reads: seeds otel_span_roles and otel_attribute_aliases,
    vars otel_attribute_map and otel_task_id_attributes (the models that call it name both
    seeds in a depends_on comment). -#}
{% macro otel_mapped_keys() -%}
    {%- set keys = [] -%}
    {%- for role in agent_kpis.seed_rows('otel_span_roles', 'priority') -%}
        {%- if role.attribute_key != 'span.name' -%}{%- do keys.append(role.attribute_key) -%}{%- endif -%}
    {%- endfor -%}
    {%- for alias in agent_kpis.seed_rows('otel_attribute_aliases', 'contract_field, priority') -%}
        {%- do keys.append(alias.attribute_key) -%}
    {%- endfor -%}
    {%- for cohort_keys in var('otel_attribute_map').values() -%}{%- do keys.extend(cohort_keys) -%}{%- endfor -%}
    {%- do keys.extend(var('otel_task_id_attributes')) -%}
    {%- set attribute_keys = [] -%}
    {%- for key in keys -%}
        {%- set name = key.partition('~')[0] -%}
        {%- if name != 'span.name' and name not in attribute_keys -%}{%- do attribute_keys.append(name) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(attribute_keys) }}
{%- endmacro %}

{#- The mapped keys that read a field inside a JSON value ('name:path'). -#}
{% macro otel_json_keys() -%}
    {%- set keys = [] -%}
    {%- for key in agent_kpis.otel_mapped_keys() if ':' in key -%}{%- do keys.append(key) -%}{%- endfor -%}
    {{ return(keys) }}
{%- endmacro %}

{#- 'name:a.0.b' -> ('name', ['a', 0, 'b']) -#}
{% macro otel_key_path(key) -%}
    {%- set name, _, path = key.partition(':') -%}
    {%- set steps = [] -%}
    {%- for step in path.split('.') if path -%}
        {%- do steps.append(step | int if step.isdigit() else step) -%}
    {%- endfor -%}
    {{ return((name, steps)) }}
{%- endmacro %}

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
    are not kept (they are also where personal data would be). json_keys: 'name:path' keys
    whose JSON field is read from the whole value of name and kept as an attribute of its own.
-#}
{% macro otel_attribute_list(attributes, json_keys=[]) -%}
    {{ return(adapter.dispatch('otel_attribute_list', 'agent_kpis')(attributes, json_keys)) }}
{%- endmacro %}

{% macro default__otel_attribute_list(attributes, json_keys=[]) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('otel_attribute_list')) }}
{%- endmacro %}

{#- the JSON field a 'name:path' key reads, from an OTLP attribute list as unnested -#}
{% macro _otel_json_field(attributes, key, raw_value) -%}
    {%- set name, path = agent_kpis.otel_key_path(key) -%}
    {{ agent_kpis.json_path_text(agent_kpis.otel_value_text(raw_value), path) }}
{%- endmacro %}

{% macro postgres__otel_attribute_list(attributes, json_keys=[]) -%}
    {%- set limit = var('otel_max_attribute_chars') | int -%}
    (
        select jsonb_agg(jsonb_build_object('key', attribute_key, 'value', value_text) order by attribute_position)
        from (
            select attribute ->> 'key' as attribute_key, value_text, attribute_position
            from {{ agent_kpis._postgres_json_elements(attributes) }} with ordinality as listed (attribute, attribute_position)
            cross join lateral (select {{ agent_kpis.otel_value_text("attribute -> 'value'") }} as value_text) as attribute_values
            {%- for key in json_keys %}
            {%- set name = agent_kpis.otel_key_path(key)[0] %}
            union all
            select {{ agent_kpis.sql_literal(key) }}, {{ agent_kpis._otel_json_field(attributes, key,
                "jsonb_path_query_first(" ~ attributes ~ ", '$[*] ? (@.key == $name).value', jsonb_build_object('name', " ~ agent_kpis.sql_literal(name) ~ "))") }},
                {{ 1000000 + loop.index }}
            {%- endfor %}
        ) as attribute_texts
        where value_text is not null and length(value_text) <= {{ limit }}
    )
{%- endmacro %}

{% macro spark__otel_attribute_list(attributes, json_keys=[]) -%}
    {%- set limit = var('otel_max_attribute_chars') | int -%}
    {%- set listed -%}
    transform(
        {{ attributes }},
        attribute -> named_struct('key', attribute.key, 'value', {{ agent_kpis.otel_value_text('attribute.value') }})
    )
    {%- endset -%}
    {%- if json_keys %}
    {%- set derived = [] -%}
    {%- for key in json_keys -%}
        {%- set name = agent_kpis.otel_key_path(key)[0] -%}
        {%- do derived.append("named_struct('key', " ~ agent_kpis.sql_literal(key) ~ ", 'value', "
            ~ agent_kpis._otel_json_field(attributes, key, "element_at(filter(" ~ attributes ~ ", raw -> raw.key = "
            ~ agent_kpis.sql_literal(name) ~ "), 1).value") ~ ")") -%}
    {%- endfor -%}
    {%- set listed = 'concat(' ~ listed ~ ', array(' ~ derived | join(', ') ~ '))' -%}
    {%- endif %}
    filter(
        {{ listed }},
        attribute -> attribute.value is not null and length(attribute.value) <= {{ limit }}
    )
{%- endmacro %}

{% macro duckdb__otel_attribute_list(attributes, json_keys=[]) -%}
    {%- set limit = var('otel_max_attribute_chars') | int -%}
    {%- set listed -%}
    list_transform(
        {{ attributes }},
        lambda a: {'key': a.key, 'value': {{ agent_kpis.otel_value_text('a.value') }}}
    )
    {%- endset -%}
    {%- if json_keys %}
    {%- set derived = [] -%}
    {%- for key in json_keys -%}
        {%- set name = agent_kpis.otel_key_path(key)[0] -%}
        {%- do derived.append("{'key': " ~ agent_kpis.sql_literal(key) ~ ", 'value': "
            ~ agent_kpis._otel_json_field(attributes, key, "list_filter(" ~ attributes ~ ", lambda r: r.key = "
            ~ agent_kpis.sql_literal(name) ~ ")[1].value") ~ "}") -%}
    {%- endfor -%}
    {%- set listed = 'list_concat(' ~ listed ~ ', [' ~ derived | join(', ') ~ '])' -%}
    {%- endif %}
    list_filter(
        {{ listed }},
        lambda a: a.value is not null and length(a.value) <= {{ limit }}
    )
{%- endmacro %}

{#-
    The value of one key in an attribute list, or null ('name:path' keys were read when the
    spans were unnested: otel_attribute_list). A value var('otel_placeholder_values') lists
    for the key (the SDK's unknown_service, ...) is no value.
-#}
{% macro otel_attribute(attributes, key) -%}
    {%- set value = 'nullif(trim(' ~ agent_kpis.otel_attribute_value(attributes, key) ~ "), '')" -%}
    {%- set placeholders = var('otel_placeholder_values', {}).get(key, []) -%}
    {%- if placeholders -%}
        case when not ({% for pattern in placeholders %}{{ agent_kpis.text_matches(value, pattern) }}{% if not loop.last %} or {% endif %}{% endfor %}) then {{ value }} end
    {%- else -%}
        {{ value }}
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

{#-
    The role of a span from the seed otel_span_roles (rows in priority order, the first that
    matches wins), or null. attribute_key span.name matches the span's name; a '*' in
    attribute_value matches any text.
-#}
{% macro otel_span_role(attributes, roles, span_name) -%}
    {%- if roles -%}
    case
        {%- for role in roles %}
        {%- set subject = span_name if role.attribute_key == 'span.name' else agent_kpis.otel_attribute(attributes, role.attribute_key) %}
        when {{ agent_kpis.text_matches(subject, role.attribute_value) }}
            then {{ agent_kpis.sql_literal(role.span_role) }}
        {%- endfor %}
    end
    {%- else -%}
    cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}

{#- text equals pattern, where a '*' in pattern matches any text (LIKE, the rest escaped) -#}
{% macro text_matches(text, pattern) -%}
    {%- if '*' in pattern -%}
        {%- set escaped = pattern | replace('\\', '\\\\') | replace('%', '\\%') | replace('_', '\\_') | replace('*', '%') -%}
        {{ text }} like {{ agent_kpis.sql_literal(escaped) }} escape {{ agent_kpis.sql_literal('\\') }}
    {%- else -%}
        {{ text }} = {{ agent_kpis.sql_literal(pattern) }}
    {%- endif -%}
{%- endmacro %}

{#-
    One key's value on a span: an attribute key, or span.name (the span's name; only where
    span_name is given); 'key~<regex>' takes the regex's first group in that value (an agent
    named only in its span's name, an id inside a recorded repr).
-#}
{% macro otel_key_lookup(attributes, span_name, key) -%}
    {%- set name, tilde, pattern = key.partition('~') -%}
    {%- if name == 'span.name' -%}
        {%- set value = span_name -%}
    {%- else -%}
        {%- set value = agent_kpis.otel_attribute(attributes, name) -%}
    {%- endif -%}
    {%- if value and tilde -%}
        {{ return("nullif(" ~ agent_kpis.regex_first_group(value, pattern) ~ ", '')") }}
    {%- else -%}
        {{ return(value) }}
    {%- endif -%}
{%- endmacro %}

{#- The first key that has a value on a span (otel_key_lookup), in order; span_name none: a resource. -#}
{% macro otel_span_lookup(attributes, span_name, keys) -%}
    {%- set lookups = [] -%}
    {%- for key in keys -%}
        {%- set lookup = agent_kpis.otel_key_lookup(attributes, span_name, key) -%}
        {%- if lookup -%}{%- do lookups.append(lookup) -%}{%- endif -%}
    {%- endfor -%}
    {{ agent_kpis._coalesced(lookups) }}
{%- endmacro %}

{#- The first key that has a value, looked up on each attribute list in turn. -#}
{% macro otel_first_attribute(attribute_lists, keys) -%}
    {%- set lookups = [] -%}
    {%- for attributes in attribute_lists -%}
        {%- for key in keys -%}
            {%- set lookup = agent_kpis.otel_key_lookup(attributes, none, key) -%}
            {%- if lookup -%}{%- do lookups.append(lookup) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ agent_kpis._coalesced(lookups) }}
{%- endmacro %}

{% macro _coalesced(expressions) -%}
    {%- if expressions | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif expressions | length == 1 -%}
        {{ expressions[0] }}
    {%- else -%}
        coalesce({{ expressions | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{#- The attribute keys the alias seed lists for one contract field, by priority. -#}
{% macro otel_alias_keys(aliases, field) -%}
    {{ return(aliases | selectattr('contract_field', 'equalto', field) | map(attribute='attribute_key') | list) }}
{%- endmacro %}

{#- An error or exception type as its short class name: the last dotted part
    (__main__.RateLimitError -> RateLimitError); null stays null. -#}
{% macro short_error_type(expression) -%}
    coalesce(nullif({{ agent_kpis.regex_first_group(expression, '([A-Za-z0-9_]+)$') }}, ''), {{ expression }})
{%- endmacro %}

{#-
    A guardrail span tripped: an attribute listed under guardrail_triggered says so, its span
    failed, or its parent failed naming it (the OpenAI Agents SDK through OpenInference
    reports the tripwire on the parent turn). `parent`: the parent span's alias (may be null).
-#}
{% macro otel_guardrail_tripped(guardrail, parent) -%}
    {{ guardrail }}.is_guardrail_triggered
    or {{ guardrail }}.is_error
    or coalesce({{ parent }}.is_error and {{ dbt.position(guardrail ~ '.span_name', parent ~ '.status_message_masked') }} > 0, false)
{%- endmacro %}
