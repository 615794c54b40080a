{#- Aggregate: the texts of a group joined by `delimiter`, in text order (dbt.listagg; Spark's ignores the order). -#}
{% macro sorted_text_agg(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_text_agg', 'agent_kpis')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_text_agg(expression, delimiter) -%}
    {{ dbt.listagg(expression, agent_kpis.sql_literal(delimiter), 'order by ' ~ expression) }}
{%- endmacro %}

{% macro spark__sorted_text_agg(expression, delimiter) -%}
    array_join(array_sort(collect_list({{ expression }})), {{ agent_kpis.sql_literal(delimiter) }})
{%- endmacro %}
