{#-
    How the incremental models materialize (docs/decisions.md, "Other engines"). DuckDB and
    PostgreSQL replace the rows of affected tasks, traces and periods (delete+insert, or
    append with delete hooks). Spark without Delta or Iceberg can neither delete nor merge
    rows of a Parquet table, so there every such model is a table rebuilt by each run.
-#}
{% macro incremental_materialization() -%}
    {{ return('table' if target.type == 'spark' else 'incremental') }}
{%- endmacro %}
