{#- The length of a JSON array held as text; null for anything else, invalid JSON included. -#}
{% macro json_array_length(expression) -%}
    {{ return(adapter.dispatch('json_array_length', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__json_array_length(expression) -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('json_array_length')) }}
{%- endmacro %}

{% macro duckdb__json_array_length(expression) -%}
    case
        when json_valid({{ expression }})
            then case when json_type({{ expression }}) = 'ARRAY' then json_array_length({{ expression }}) end
    end
{%- endmacro %}

{% macro postgres__json_array_length(expression) -%}
    case
        when json_typeof({{ agent_kpis.engine_function('try_json') }}({{ expression }})) = 'array'
            then json_array_length({{ agent_kpis.engine_function('try_json') }}({{ expression }}))
    end
{%- endmacro %}

{% macro spark__json_array_length(expression) -%}
    json_array_length({{ expression }})
{%- endmacro %}
