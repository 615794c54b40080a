{#-
    Money and minutes are summed as exact decimals, so a sum does not depend on the order
    rows arrive in (an incremental run and a full refresh give the same totals to the cent
    and beyond). `kind`: money (10 decimals) or minutes (4 decimals).
-#}
{% macro exact_sum_cast(expression, kind) -%}
    {%- set scale = 10 if kind == 'money' else 4 -%}
    cast({{ expression }} as decimal(18, {{ scale }}))
{%- endmacro %}
