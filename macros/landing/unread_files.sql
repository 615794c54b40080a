{#-
    Filter on source_file that keeps only files the target has not read yet. On DuckDB it is
    a literal list of the new files (listed with glob at run time), which DuckDB pushes down
    into the file scan, so old files are not even opened. Elsewhere: an anti-join.
-#}
{% macro unread_files_filter(landing, target) -%}
    {{ return(adapter.dispatch('unread_files_filter', 'agent_kpis')(landing, target)) }}
{%- endmacro %}

{% macro default__unread_files_filter(landing, target) -%}
    source_file not in (select distinct read_files.source_file from {{ target }} as read_files)
{%- endmacro %}

{% macro duckdb__unread_files_filter(landing, target) -%}
    {%- if execute -%}
        {%- set folder = var('raw_root') ~ '/' ~ landing.identifier -%}
        {%- set new_files = run_query(
            "select file from glob('" ~ folder ~ "/*') where file like '%.jsonl' or file like '%.jsonl.gz'"
            ~ " or file like '%.parquet' except select distinct source_file from " ~ target
        ).columns[0].values() -%}
        {%- if new_files | length == 0 -%}
            false
        {%- else -%}
            source_file in ('{{ new_files | sort | join("', '") }}')
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
