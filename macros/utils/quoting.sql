{#-
    Quoting: every string from a setting, a file name or a record reaches SQL through
    sql_literal ('' doubles a quote; Spark escapes a quote or a backslash with a backslash).
    Paths handed to DuckDB's file readers are built on the Python side only
    (src/agent_kpis/landing/sql.py: literal and path_literal, which also turns [, * and ?
    into one-character classes so a name is never read as a glob); Spark's, by
    spark_file_source.
-#}
{% macro sql_literal(text) -%}
    {{ return(adapter.dispatch('sql_literal', 'agent_kpis')(text)) }}
{%- endmacro %}

{% macro default__sql_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}

{#- Spark reads backslash escapes in string literals: a backslash is doubled too -#}
{% macro spark__sql_literal(text) -%}
    '{{ text | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}

{% macro sql_literal_list(items) -%}
    {%- set quoted = [] -%}
    {%- for item in items -%}{%- do quoted.append(agent_kpis.sql_literal(item)) -%}{%- endfor -%}
    {{ quoted | join(', ') }}
{%- endmacro %}
