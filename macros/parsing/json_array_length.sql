{% macro json_array_length(expression) -%}
    {{ return(adapter.dispatch('json_array_length', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__json_array_length(expression) -%}
    case
        when json_valid({{ expression }})
            then case when json_type({{ expression }}) = 'ARRAY' then json_array_length({{ expression }}) end
    end
{%- endmacro %}
