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
