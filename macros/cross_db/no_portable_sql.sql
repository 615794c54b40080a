{#- The error of a dispatched macro that standard SQL cannot express: the engine needs its own version. -#}
{% macro no_portable_sql(macro_name) -%}
    {{ return(
        macro_name ~ " has no standard-SQL version: add " ~ target.type ~ "__" ~ macro_name
        ~ " beside duckdb__, postgres__ and spark__ (README: \"Running on Spark / Databricks, PostgreSQL\")"
    ) }}
{%- endmacro %}
