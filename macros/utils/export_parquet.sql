{#-
    `dbt run-operation export_parquet --args '{tables: [...], folder: ...}'`: copies marts
    tables into Parquet folders <folder>/<table>/ (Spark; the engine comparison reads them,
    src/agent_kpis/engines.py). The folder name reaches SQL only through sql_literal.
-#}
{% macro export_parquet(tables, folder, schema='marts') -%}
    {%- for table in tables -%}
        {%- set relation = api.Relation.create(schema=generate_schema_name(schema, none) | trim, identifier=table) -%}
        {%- do run_query(
            "insert overwrite directory " ~ agent_kpis.sql_literal(folder ~ '/' ~ table)
            ~ " using parquet select * from " ~ relation
        ) -%}
    {%- endfor -%}
{%- endmacro %}
