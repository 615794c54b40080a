{#- A timestamp with time zone as the UTC wall-clock timestamp without time zone. -#}
{% macro timestamptz_to_utc(expression) -%}
    {{ return(adapter.dispatch('timestamptz_to_utc', 'agent_kpis')(expression)) }}
{%- endmacro %}

{% macro default__timestamptz_to_utc(expression) -%}
    ({{ expression }} at time zone 'UTC')
{%- endmacro %}

{% macro duckdb__timestamptz_to_utc(expression) -%}
    timezone('UTC', {{ expression }})
{%- endmacro %}

{#- Spark has one timestamp type, read in the session time zone: UTC (profiles.yml) -#}
{% macro spark__timestamptz_to_utc(expression) -%}
    {{ expression }}
{%- endmacro %}
