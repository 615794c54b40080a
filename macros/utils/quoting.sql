{#-
    Quoting: every string from a setting, a file name or a record reaches SQL through
    sql_literal ('' doubles a quote). Paths handed to DuckDB's file readers are built on the
    Python side only (src/agent_kpis/landing/sql.py: literal and path_literal, which also
    turns [, * and ? into one-character classes so a name is never read as a glob).
-#}
{% macro sql_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}

{% macro sql_literal_list(items) -%}
    {%- set quoted = [] -%}
    {%- for item in items -%}{%- do quoted.append(agent_kpis.sql_literal(item)) -%}{%- endfor -%}
    {{ quoted | join(', ') }}
{%- endmacro %}
