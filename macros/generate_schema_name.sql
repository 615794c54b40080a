{#- Custom schemas are used as named (staging, intermediate, marts, ...), not prefixed
    with the target schema, so BI tools find the marts at a stable `marts` schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
