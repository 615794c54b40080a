{#-
    Filter on source_file that keeps only files the target has not read yet. On DuckDB it is
    a literal list of the new files (from landed_files, written by the landing hook, each
    name quoted by sql_literal), which DuckDB pushes down into the file scan, so old files
    are not even opened. Elsewhere: an anti-join.
-#}
{% macro unread_files_filter(landing, target) -%}
    {{ return(adapter.dispatch('unread_files_filter', 'agent_kpis')(landing, target)) }}
{%- endmacro %}

{% macro default__unread_files_filter(landing, target) -%}
    source_file not in (select distinct read_files.source_file from {{ target }} as read_files)
{%- endmacro %}

{% macro duckdb__unread_files_filter(landing, target) -%}
    {%- if execute -%}
        {%- set landed = api.Relation.create(database=landing.database, schema=landing.schema, identifier='landed_files') -%}
        {%- set new_files = run_query(
            "select source_file from " ~ landed ~ " where raw_table = " ~ agent_kpis.sql_literal(landing.identifier)
            ~ " and read_method in ('native', 'salvage') except select distinct source_file from " ~ target
        ).columns[0].values() -%}
        {%- if new_files | length == 0 -%}
            false
        {%- else -%}
            source_file in ({{ agent_kpis.sql_literal_list(new_files | sort) }})
        {%- endif -%}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
