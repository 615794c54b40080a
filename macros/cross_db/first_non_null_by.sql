{#- Aggregate: the first non-null value of expr in the order given (per group). -#}
{% macro first_non_null_by(expr, order_by) -%}
    {{ return(adapter.dispatch('first_non_null_by', 'agent_kpis')(expr, order_by)) }}
{%- endmacro %}

{#- ANSI (SQL:2008 ordered array_agg, FILTER and an element reference), as PostgreSQL runs it -#}
{% macro default__first_non_null_by(expr, order_by) -%}
    (array_agg({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null))[1]
{%- endmacro %}

{% macro duckdb__first_non_null_by(expr, order_by) -%}
    first({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null)
{%- endmacro %}
