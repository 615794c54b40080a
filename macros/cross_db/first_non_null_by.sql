{#- Aggregate: the first non-null value of expr in the order given (per group). -#}
{% macro first_non_null_by(expr, order_by) -%}
    {{ return(adapter.dispatch('first_non_null_by', 'agent_kpis')(expr, order_by)) }}
{%- endmacro %}

{% macro default__first_non_null_by(expr, order_by) -%}
    first({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{#- Where every term ascends: arg_min over a row of the terms (docs/decisions.md, "Ordered aggregates"). -#}
{% macro duckdb__first_non_null_by(expr, order_by) -%}
    {%- if ' desc' in order_by | lower -%}
        {{ agent_kpis.default__first_non_null_by(expr, order_by) }}
    {%- else -%}
        arg_min({{ expr }}, ({{ order_by }})) filter (where {{ expr }} is not null)
    {%- endif -%}
{%- endmacro %}

{% macro postgres__first_non_null_by(expr, order_by) -%}
    (array_agg({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null))[1]
{%- endmacro %}
