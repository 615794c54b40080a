{#- ISO day of the week of a date, as a bigint: Monday 1 to Sunday 7. -#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'agent_kpis')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- Spark's dayofweek counts from Sunday = 1 -#}
{% macro spark__iso_day_of_week(date_expression) -%}
    cast((dayofweek({{ date_expression }}) + 5) % 7 + 1 as bigint)
{%- endmacro %}
