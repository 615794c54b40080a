{#-
    An 8-byte floating-point type. dbt.type_float() is 4 bytes on some engines, and
    api.Column.translate_type('double') passes `double` through, which PostgreSQL lacks.
-#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
