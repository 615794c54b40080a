{#- JSON access, dispatched: DuckDB decodes each line once into a struct of text fields. -#}

{% macro json_is_valid(column) -%}
    {{ return(adapter.dispatch('json_is_valid', 'agent_kpis')(column)) }}
{%- endmacro %}

{% macro default__json_is_valid(column) -%}
    coalesce(json_valid({{ column }}), false)
{%- endmacro %}

{% macro json_is_object(column) -%}
    {{ return(adapter.dispatch('json_is_object', 'agent_kpis')(column)) }}
{%- endmacro %}

{% macro default__json_is_object(column) -%}
    case when json_valid({{ column }}) then json_type({{ column }}) = 'OBJECT' else false end
{%- endmacro %}

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

{% macro json_decoded_get(decoded, name) -%}
    {{ return(adapter.dispatch('json_decoded_get', 'agent_kpis')(decoded, name)) }}
{%- endmacro %}

{% macro default__json_decoded_get(decoded, name) -%}
    json_extract_string({{ decoded }}, '$.{{ name }}')
{%- endmacro %}

{% macro duckdb__json_decoded_get(decoded, name) -%}
    {{ decoded }}."{{ name }}"
{%- endmacro %}

{#- The top-level keys of a JSON object, in order, repeats included (null for anything else). -#}
{% macro json_object_keys(column) -%}
    {{ return(adapter.dispatch('json_object_keys', 'agent_kpis')(column)) }}
{%- endmacro %}

{% macro default__json_object_keys(column) -%}
    case when {{ agent_kpis.json_is_object(column) }} then json_keys({{ column }}) end
{%- endmacro %}

{#-
    Of the contract fields (names), those that appear more than once in a list of keys
    (json_object_keys), as a comma-separated list, or null. JSON parsers disagree on which
    copy wins, so such a record is ambiguous; escaped spellings of a key count as the same
    key. The names are only looked for when some key repeats.
-#}
{% macro duplicated_keys(keys, names) -%}
    {{ return(adapter.dispatch('duplicated_keys', 'agent_kpis')(keys, names)) }}
{%- endmacro %}

{% macro default__duplicated_keys(keys, names) -%}
    case
        when len({{ keys }}) > list_unique({{ keys }})
            then nullif(array_to_string(list_filter(
                [{{ agent_kpis.sql_literal_list(names) }}],
                lambda name: len(list_filter({{ keys }}, lambda k: k = name)) > 1
            ), ','), '')
    end
{%- endmacro %}
