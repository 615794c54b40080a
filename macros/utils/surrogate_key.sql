{#-
    A key made of several columns, written once (the family of dbt-utils'
    generate_surrogate_key): each expression cast to text, joined by `separator`; with
    hashed=true, the hash of that text (dbt.hash). Nulls are the caller's choice: wrap an
    expression in coalesce() where a null part must still give a key.
-#}
{% macro surrogate_key(expressions, separator='|', hashed=false) -%}
    {%- set parts = [] -%}
    {%- for expression in expressions -%}
        {%- if not loop.first -%}{%- do parts.append(agent_kpis.sql_literal(separator)) -%}{%- endif -%}
        {%- do parts.append(dbt.cast(expression, dbt.type_string())) -%}
    {%- endfor -%}
    {%- set key = dbt.concat(parts) if parts | length > 1 else parts[0] -%}
    {{ dbt.hash(key) if hashed else key }}
{%- endmacro %}
