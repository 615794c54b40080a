{#- Rate with NULL for a zero denominator (docs/kpis.md section 2), never 0 and never an error. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ agent_kpis.type_double() }}) / nullif({{ denominator }}, 0))
{%- endmacro %}
