{#- A floating-point value that is neither NaN nor infinite (false for null). -#}
{% macro is_finite(number) -%}
    {{ return(adapter.dispatch('is_finite', 'agent_kpis')(number)) }}
{%- endmacro %}

{#- ANSI: IEEE special values compare unequal to every finite value, and NaN to itself -#}
{% macro default__is_finite(number) -%}
    coalesce({{ number }} = {{ number }} and abs({{ number }}) < cast('Infinity' as {{ agent_kpis.type_double() }}), false)
{%- endmacro %}

{% macro duckdb__is_finite(number) -%}
    coalesce(isfinite({{ number }}), false)
{%- endmacro %}

{#- PostgreSQL: NaN equals NaN (it sorts NaN above every number), so it is named -#}
{% macro postgres__is_finite(number) -%}
    coalesce({{ number }} not in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8), false)
{%- endmacro %}

{% macro spark__is_finite(number) -%}
    coalesce(not isnan({{ number }}) and abs({{ number }}) < double('infinity'), false)
{%- endmacro %}
