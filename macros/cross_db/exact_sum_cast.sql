{#-
    Money and minutes are summed as exact decimals, so a sum does not depend on the order
    rows arrive in (an incremental run and a full refresh give the same totals to the cent
    and beyond). `kind`: money (10 decimals) or minutes (4 decimals). Each value is cast to
    18 digits; totals are decimal(38, scale) on every engine (PostgreSQL's sum and coalesce
    would otherwise give a numeric without a scale, and Spark's sum 28 digits).
-#}
{% macro exact_scale(kind) -%}
    {{ return(10 if kind == 'money' else 4) }}
{%- endmacro %}

{% macro exact_sum_cast(expression, kind) -%}
    cast({{ expression }} as decimal(18, {{ agent_kpis.exact_scale(kind) }}))
{%- endmacro %}

{#- A total (a sum, or a sum's coalesce or addition) in its declared type. -#}
{% macro exact_total(expression, kind) -%}
    cast({{ expression }} as decimal(38, {{ agent_kpis.exact_scale(kind) }}))
{%- endmacro %}

{#- Aggregate: the exact sum of expression. -#}
{% macro exact_sum(expression, kind) -%}
    {{ agent_kpis.exact_total('sum(' ~ agent_kpis.exact_sum_cast(expression, kind) ~ ')', kind) }}
{%- endmacro %}
