{#-
    Rows of a seed as a list of dicts, read while the model compiles (the seed is built
    first: the model names it in a depends_on comment). Empty when the seed does not exist
    yet (dbt parse, sqlfluff, docs on an empty warehouse).
-#}
{% macro seed_rows(seed_name, order_by) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set relation = load_relation(ref(seed_name)) -%}
    {%- if relation is none -%}{{ return([]) }}{%- endif -%}
    {%- set table = run_query("select * from " ~ relation ~ " order by " ~ order_by) -%}
    {%- set rows = [] -%}
    {%- for row in table.rows -%}
        {%- set item = {} -%}
        {%- for column in table.column_names -%}{%- do item.update({column: row[column]}) -%}{%- endfor -%}
        {%- do rows.append(item) -%}
    {%- endfor -%}
    {{ return(rows) }}
{%- endmacro %}
