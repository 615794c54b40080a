{#-
    What the landing relation already read from a Parquet file's columns (docs/decisions.md,
    "Typed landing"). On DuckDB: landed_fields, a struct of every contract field's text, and
    landed_values, the typed value of each timestamp, integer, decimal or boolean field
    whose column type the parser can take as it is; both null for JSON lines. On engines
    whose landing tables hold only raw lines: always null, so every row is decoded from
    raw_line.
-#}
{#- One of the landing relation's columns landed_fields and landed_values, or null. -#}
{% macro landed_column(name) -%}
    {{ return(adapter.dispatch('landed_column', 'agent_kpis')(name)) }}
{%- endmacro %}

{% macro default__landed_column(name) -%}
    cast(null as {{ dbt.type_string() }})
{%- endmacro %}

{#- on PostgreSQL, landed_fields stands in for a decoded line (json), whose type it must share -#}
{% macro postgres__landed_column(name) -%}
    cast(null as {{ 'json' if name == 'landed_fields' else dbt.type_string() }})
{%- endmacro %}

{#- on Spark an untyped null, which takes the type of the decoded struct it stands in for -#}
{% macro spark__landed_column(name) -%}
    null
{%- endmacro %}

{% macro duckdb__landed_column(name) -%}
    {{ name }}
{%- endmacro %}

{#- The typed value of one field (type: timestamp | integer | decimal | boolean), or null. -#}
{% macro landed_value(name, type) -%}
    {{ return(adapter.dispatch('landed_value', 'agent_kpis')(name, type)) }}
{%- endmacro %}

{% macro default__landed_value(name, type) -%}
    cast(null as {{ {'timestamp': dbt.type_timestamp(), 'integer': dbt.type_bigint(), 'decimal': agent_kpis.type_double(), 'boolean': dbt.type_boolean()}[type] }})
{%- endmacro %}

{% macro duckdb__landed_value(name, type) -%}
    landed_values."{{ name }}"
{%- endmacro %}

{#-
    What identifies a row's content, for de-duplication's last tie-break: a hash of the
    landed fields or of the raw line.
-#}
{% macro landed_content_key() -%}
    {{ return(adapter.dispatch('landed_content_key', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__landed_content_key() -%}
    {{ dbt.hash('raw_line') }}
{%- endmacro %}

{% macro duckdb__landed_content_key() -%}
    case when landed_fields is not null then hash(landed_fields) else hash(raw_line) end
{%- endmacro %}

{#- The raw line a quarantined row shows: the line, or for a Parquet row its landed fields as JSON. -#}
{% macro landed_raw_line() -%}
    {{ return(adapter.dispatch('landed_raw_line', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__landed_raw_line() -%}
    raw_line
{%- endmacro %}

{% macro duckdb__landed_raw_line() -%}
    case when landed_fields is not null then to_json(landed_fields)::varchar else raw_line end
{%- endmacro %}
