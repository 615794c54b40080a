{#-
    JSON access, dispatched. default__: SQL:2016 JSON (IS JSON, JSON_VALUE), as PostgreSQL 16+
    and other ANSI engines read it. DuckDB decodes each line once into a struct of text
    fields. PostgreSQL 15 has no error-free JSON parse in SQL: it reads the line through
    agent_kpis_try_json (engine_functions.sql), as the `json` type, which keeps every key in
    order, repeats included.
-#}

{% macro json_is_valid(column) -%}
    {{ return(adapter.dispatch('json_is_valid', 'agent_kpis')(column)) }}
{%- endmacro %}

{% macro default__json_is_valid(column) -%}
    coalesce({{ column }} is json, false)
{%- endmacro %}

{% macro duckdb__json_is_valid(column) -%}
    coalesce(json_valid({{ column }}), false)
{%- endmacro %}

{% macro postgres__json_is_valid(column) -%}
    ({{ agent_kpis.engine_function('try_json') }}({{ column }}) is not null)
{%- endmacro %}

{#- Spark: a valid JSON value is one element when wrapped in brackets -#}
{% macro spark__json_is_valid(column) -%}
    coalesce(json_array_length(concat('[', {{ column }}, ']')) = 1, false)
{%- endmacro %}

{% macro json_is_object(column) -%}
    {{ return(adapter.dispatch('json_is_object', 'agent_kpis')(column)) }}
{%- endmacro %}

{% macro default__json_is_object(column) -%}
    coalesce({{ column }} is json object, false)
{%- endmacro %}

{% macro duckdb__json_is_object(column) -%}
    case when json_valid({{ column }}) then json_type({{ column }}) = 'OBJECT' else false end
{%- endmacro %}

{% macro postgres__json_is_object(column) -%}
    coalesce(json_typeof({{ agent_kpis.engine_function('try_json') }}({{ column }})) = 'object', false)
{%- endmacro %}

{% macro spark__json_is_object(column) -%}
    (json_object_keys({{ column }}) is not null)
{%- endmacro %}

{#- A JSON object decoded once, for json_decoded_get (names: the fields that will be read). -#}
{% macro json_decode(column, names) -%}
    {{ return(adapter.dispatch('json_decode', 'agent_kpis')(column, names)) }}
{%- endmacro %}

{% macro default__json_decode(column, names) -%}
    {{ column }}
{%- endmacro %}

{% macro duckdb__json_decode(column, names) -%}
    {%- set shape = {} -%}
    {%- for name in names -%}{%- do shape.update({name: 'VARCHAR'}) -%}{%- endfor -%}
    case
        when {{ agent_kpis.json_is_object(column) }}
            then json_transform({{ column }}, '{{ tojson(shape) }}')
    end
{%- endmacro %}

{% macro postgres__json_decode(column, names) -%}
    case
        when {{ agent_kpis.json_is_object(column) }}
            then {{ agent_kpis.engine_function('try_json') }}({{ column }})
    end
{%- endmacro %}

{#- Spark: a struct of string fields (a nested value arrives as its JSON text) -#}
{% macro spark__json_decode(column, names) -%}
    {%- set fields = [] -%}
    {%- for name in names -%}{%- do fields.append('`' ~ name ~ '`: string') -%}{%- endfor -%}
    case
        when {{ agent_kpis.json_is_object(column) }}
            then from_json({{ column }}, {{ agent_kpis.sql_literal('struct<' ~ fields | join(', ') ~ '>') }})
    end
{%- endmacro %}

{#- One top-level field of a decoded object as text: strings unquoted, anything else as JSON text. -#}
{% macro json_decoded_get(decoded, name) -%}
    {{ return(adapter.dispatch('json_decoded_get', 'agent_kpis')(decoded, name)) }}
{%- endmacro %}

{% macro default__json_decoded_get(decoded, name) -%}
    coalesce(
        json_value({{ decoded }}, '$."{{ name }}"'),
        json_query({{ decoded }}, '$."{{ name }}"')
    )
{%- endmacro %}

{% macro duckdb__json_decoded_get(decoded, name) -%}
    {{ decoded }}."{{ name }}"
{%- endmacro %}

{% macro postgres__json_decoded_get(decoded, name) -%}
    ({{ decoded }} ->> {{ agent_kpis.sql_literal(name) }})
{%- endmacro %}

{% macro spark__json_decoded_get(decoded, name) -%}
    {{ decoded }}.`{{ name }}`
{%- endmacro %}

{#-
    Of the contract fields (names), those that appear more than once as a top-level key of
    the JSON object in `column`, as a comma-separated list, or null. JSON parsers disagree on
    which copy wins, so such a record is ambiguous; escaped spellings of a key count as the
    same key. The keys are listed once per line (json_object_keys), and the names looked
    for only when some key repeats. Standard SQL cannot list an object's keys, so their
    default__ versions stop the compile (no_portable_sql).
-#}
{% macro json_object_keys(column) -%}
    {{ return(adapter.dispatch('json_object_keys', 'agent_kpis')(column)) }}
{%- endmacro %}

{% macro default__json_object_keys(column) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('json_object_keys')) }}
{%- endmacro %}

{% macro duckdb__json_object_keys(column) -%}
    case when {{ agent_kpis.json_is_object(column) }} then json_keys({{ column }}) end
{%- endmacro %}

{% macro postgres__json_object_keys(column) -%}
    case
        when {{ agent_kpis.json_is_object(column) }}
            then array(select json_object_keys({{ agent_kpis.engine_function('try_json') }}({{ column }})))
    end
{%- endmacro %}

{% macro spark__json_object_keys(column) -%}
    json_object_keys({{ column }})
{%- endmacro %}

{% macro duplicated_keys(keys, names) -%}
    {{ return(adapter.dispatch('duplicated_keys', 'agent_kpis')(keys, names)) }}
{%- endmacro %}

{% macro default__duplicated_keys(keys, names) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('duplicated_keys')) }}
{%- endmacro %}

{% macro duckdb__duplicated_keys(keys, names) -%}
    case
        when len({{ keys }}) > list_unique({{ keys }})
            then nullif(array_to_string(list_filter(
                [{{ agent_kpis.sql_literal_list(names) }}],
                lambda name: len(list_filter({{ keys }}, lambda k: k = name)) > 1
            ), ','), '')
    end
{%- endmacro %}

{% macro postgres__duplicated_keys(keys, names) -%}
    case
        when cardinality({{ keys }}) > (select count(distinct object_key) from unnest({{ keys }}) as object_key)
            then nullif(array_to_string(array(
                select field_name
                from unnest(array[{{ agent_kpis.sql_literal_list(names) }}]) with ordinality as fields (field_name, field_position)
                where (select count(*) from unnest({{ keys }}) as object_key where object_key = field_name) > 1
                order by field_position
            ), ','), '')
    end
{%- endmacro %}

{% macro spark__duplicated_keys(keys, names) -%}
    case
        when size({{ keys }}) > size(array_distinct({{ keys }}))
            then nullif(array_join(filter(
                array({{ agent_kpis.sql_literal_list(names) }}),
                field_name -> size(filter({{ keys }}, object_key -> object_key = field_name)) > 1
            ), ','), '')
    end
{%- endmacro %}

{#- The top-level field of a JSON object held as text is an array (false for anything else). -#}
{% macro json_field_is_array(column, field) -%}
    {{ return(adapter.dispatch('json_field_is_array', 'agent_kpis')(column, field)) }}
{%- endmacro %}

{% macro default__json_field_is_array(column, field) -%}
    coalesce(json_query({{ column }}, '$."{{ field }}"') is json array, false)
{%- endmacro %}

{% macro duckdb__json_field_is_array(column, field) -%}
    coalesce(json_type({{ column }}, {{ agent_kpis.sql_literal('$.' ~ field) }}) = 'ARRAY', false)
{%- endmacro %}

{% macro postgres__json_field_is_array(column, field) -%}
    coalesce(json_typeof({{ agent_kpis.engine_function('try_json') }}({{ column }}) -> {{ agent_kpis.sql_literal(field) }}) = 'array', false)
{%- endmacro %}

{% macro spark__json_field_is_array(column, field) -%}
    (json_array_length(get_json_object({{ column }}, {{ agent_kpis.sql_literal('$.' ~ field) }})) is not null)
{%- endmacro %}

{#- A top-level field of the JSON object held as text in `value`, as text; null when value is not such an object. -#}
{% macro json_text_field(value, field) -%}
    {{ return(adapter.dispatch('json_text_field', 'agent_kpis')(value, field)) }}
{%- endmacro %}

{% macro default__json_text_field(value, field) -%}
    case when {{ agent_kpis.json_is_valid(value) }} then json_value({{ value }}, '$."{{ field }}"') end
{%- endmacro %}

{% macro duckdb__json_text_field(value, field) -%}
    case when json_valid({{ value }}) then json_extract_string({{ value }}, {{ agent_kpis.sql_literal('$.' ~ field) }}) end
{%- endmacro %}

{% macro postgres__json_text_field(value, field) -%}
    ({{ agent_kpis.engine_function('try_json') }}({{ value }}) ->> {{ agent_kpis.sql_literal(field) }})
{%- endmacro %}

{% macro spark__json_text_field(value, field) -%}
    get_json_object({{ value }}, {{ agent_kpis.sql_literal('$.' ~ field) }})
{%- endmacro %}

{#-
    The text at a path inside a JSON value, or null (not JSON, no such path). path: a list
    of object keys and array positions (integers, from 0), e.g. ['messages', 0, 'data'].
-#}
{% macro json_path_text(value, path) -%}
    {{ return(adapter.dispatch('json_path_text', 'agent_kpis')(value, path)) }}
{%- endmacro %}

{#- a JSONPath for SQL/JSON, DuckDB and Spark: $."key"[0] -#}
{% macro _json_path(path, quote_keys=true) -%}
    {%- set steps = ['$'] -%}
    {%- for step in path -%}
        {%- if step is number -%}{%- do steps.append('[' ~ step ~ ']') -%}
        {%- elif quote_keys -%}{%- do steps.append('."' ~ step ~ '"') -%}
        {%- else -%}{%- do steps.append('.' ~ step) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(steps | join('')) }}
{%- endmacro %}

{% macro default__json_path_text(value, path) -%}
    case when {{ agent_kpis.json_is_valid(value) }} then json_value({{ value }}, {{ agent_kpis.sql_literal(agent_kpis._json_path(path)) }}) end
{%- endmacro %}

{% macro duckdb__json_path_text(value, path) -%}
    case when json_valid({{ value }}) then json_extract_string({{ value }}, {{ agent_kpis.sql_literal(agent_kpis._json_path(path)) }}) end
{%- endmacro %}

{% macro postgres__json_path_text(value, path) -%}
    {%- set steps = [] -%}
    {%- for step in path -%}{%- do steps.append('"' ~ (step | string | replace('\\', '\\\\') | replace('"', '\\"')) ~ '"') -%}{%- endfor -%}
    ({{ agent_kpis.engine_function('try_json') }}({{ value }}) #>> {{ agent_kpis.sql_literal('{' ~ steps | join(',') ~ '}') }})
{%- endmacro %}

{#- Spark's get_json_object reads no quoted keys: $.key[0] -#}
{% macro spark__json_path_text(value, path) -%}
    get_json_object({{ value }}, {{ agent_kpis.sql_literal(agent_kpis._json_path(path, quote_keys=false)) }})
{%- endmacro %}

{#- A JSON object as text from {key: SQL expression} (keys in the order given, null values kept). -#}
{% macro json_object_text(fields) -%}
    {{ return(adapter.dispatch('json_object_text', 'agent_kpis')(fields)) }}
{%- endmacro %}

{% macro default__json_object_text(fields) -%}
    cast(json_object(
        {%- for key, expression in fields.items() %}
        {{ agent_kpis.sql_literal(key) }} value {{ expression }} null on null{% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as {{ dbt.type_string() }})
{%- endmacro %}

{% macro duckdb__json_object_text(fields) -%}
    cast(json_object(
        {%- for key, expression in fields.items() %}
        {{ agent_kpis.sql_literal(key) }}, {{ expression }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}

{% macro postgres__json_object_text(fields) -%}
    cast(json_build_object(
        {%- for key, expression in fields.items() %}
        {{ agent_kpis.sql_literal(key) }}, {{ expression }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ) as text)
{%- endmacro %}

{#- Spark's to_json leaves null fields out unless told -#}
{% macro spark__json_object_text(fields) -%}
    to_json(named_struct(
        {%- for key, expression in fields.items() %}
        {{ agent_kpis.sql_literal(key) }}, {{ expression }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}
