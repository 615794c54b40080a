{#-
    Schemas (docs/decisions.md, "Other engines"). In a target whose schema is the engine's
    default (DuckDB main, PostgreSQL public, Spark default), custom schemas are used as
    named (staging, intermediate, marts, ...), so BI tools find the marts at a stable
    `marts` schema. Any other target schema prefixes them (`dev_alice` writes
    `dev_alice_marts`), so a development target never writes into production's schemas.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set default_schemas = {'duckdb': 'main', 'postgres': 'public', 'spark': 'default'} -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.schema == default_schemas.get(target.type) -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
