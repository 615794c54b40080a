{#-
    Landing (docs/decisions.md, "Ingestion"): brings the relations in var('raw_schema') up
    to date with the files under raw_root(). On DuckDB the plan comes from
    agent_kpis_landing_plan (src/agent_kpis/landing/plan.py, registered by the dbt-duckdb
    plugin in profiles.yml): new files are probed once and recorded in probed_files, lines
    that DuckDB's reader cannot take are salvaged into salvaged_lines, landed_files lists
    the files present now, and one view per raw table reads them. A raw root that is
    missing, unreadable or has none of the table folders stops the run here, before
    anything is written. Spark reads the files in place too (spark__, below); on PostgreSQL
    a loader owns the landing tables (default__).
-#}
{% macro register_raw_landing() -%}
    {{ return(adapter.dispatch('register_raw_landing', 'agent_kpis')()) }}
{%- endmacro %}

{#-
    Elsewhere a loader owns the landing tables (PostgreSQL: `agent-kpis load`). The run
    stops before anything is written when they are missing (unless var('allow_empty_feed')),
    or when the PII salt is not set.
-#}
{% macro default__register_raw_landing() -%}
    {%- if execute -%}
        {%- if not agent_kpis.landing_relation('landed_files') and not (var('allow_empty_feed') | as_bool) -%}
            {{ exceptions.raise_compiler_error(
                "Landing stopped before anything was written: schema " ~ var('raw_schema')
                ~ " has no landed_files table; load the raw files first (agent-kpis load)"
            ) }}
        {%- endif -%}
        {{ agent_kpis.check_pii_salt() }}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro duckdb__register_raw_landing() -%}
    {%- if execute -%}
        {%- set probed = agent_kpis.landing_relation('probed_files') -%}
        {#- column_types: null in a warehouse from before it was recorded (the plan adds it) -#}
        {%- set types = 'column_types' if probed and agent_kpis.landing_relation('probed_files', 'column_types') else 'cast(null as varchar)' -%}
        {%- set known = "coalesce((select list(struct_pack(source_file, read_method, column_types := " ~ types ~ ")) from " ~ probed ~ "), [])" if probed else "[]" -%}
        {%- set plan = run_query(
            "select plan.error, to_json(plan.statements) from (select agent_kpis_landing_plan("
            ~ agent_kpis.sql_literal(agent_kpis.raw_root()) ~ ", [" ~ agent_kpis.sql_literal_list(var('raw_tables') + var('trace_tables')) ~ "], "
            ~ agent_kpis.sql_literal(var('raw_schema')) ~ ", " ~ known ~ ", "
            ~ (var('allow_empty_feed') | as_bool) ~ ", " ~ (var('raw_max_line_bytes') | int) ~ ", "
            ~ (var('future_timestamp_tolerance_hours') | int) ~ ") as plan)"
        ) -%}
        {%- if plan.columns[0].values()[0] -%}
            {{ exceptions.raise_compiler_error("Landing stopped before anything was written: " ~ plan.columns[0].values()[0]) }}
        {%- endif -%}
        {{ agent_kpis.check_pii_salt() }}
        {#- the hook's own SQL, so dbt commits it -#}
        {{ return(fromjson(plan.columns[1].values()[0]) | join(';\n')) }}
    {%- endif -%}
    select 1
{%- endmacro %}

{#-
    A table of the landing schema (that has `column`, when given), or none when it does not
    exist yet. Looked up with run_query, which opens no transaction (adapter.get_relation
    would, and dbt rolls back a transaction left open by a hook).
-#}
{% macro landing_relation(identifier, column=none) -%}
    {%- set found = run_query(
        "select count(*) from information_schema." ~ ('columns' if column else 'tables')
        ~ " where table_schema = " ~ agent_kpis.sql_literal(var('raw_schema'))
        ~ " and table_name = " ~ agent_kpis.sql_literal(identifier)
        ~ (" and column_name = " ~ agent_kpis.sql_literal(column) if column else "")
    ).columns[0].values()[0] -%}
    {{ return(api.Relation.create(schema=var('raw_schema'), identifier=identifier) if found > 0 else none) }}
{%- endmacro %}

{#-
    Spark (docs/decisions.md, "Other engines"): views over the files, read by Spark's own
    readers. The run lists the raw root once (the binaryFile reader lists without reading
    contents; a root without files stops the run with Spark's "Path does not exist").
    landed_files is that list, each file classified by its extension as on DuckDB (.jsonl,
    .ndjson, .json, each optionally .gz, and .parquet; anything else is listed with
    unsupported_file_type, not read; a folder that is no raw table with unknown_table_folder).
    Each raw table gets a view of its lines: text files
    through the text reader, so bad lines still reach the quarantine (a NUL character, a
    line longer than var('raw_max_line_bytes') and text that was not UTF-8, which Spark's
    reader turns into U+FFFD, land with their reason), and Parquet rows as JSON text, as
    PostgreSQL's loader lands them. Spark's readers skip hidden files (names starting with
    . or _) without listing them. Statements run one at a time: Spark takes one per call.
-#}
{% macro spark__register_raw_landing() -%}
    {%- if execute -%}
        {%- set root = agent_kpis.raw_root() -%}
        {%- set schema = var('raw_schema') -%}
        {%- set tables = var('raw_tables') + var('trace_tables') -%}
        {%- set text_files = "'[.](jsonl|ndjson|json)([.]gz)?$'" -%}
        {%- set format = "case when lower(path) rlike '[.]parquet$' then 'parquet'"
            ~ " when lower(path) rlike " ~ text_files ~ " then 'jsonl' end" -%}
        {%- set listed = run_query(
            "select distinct regexp_extract(path, '/([^/]+)/[^/]+$', 1), " ~ format ~ " from "
            ~ agent_kpis.spark_file_source('binaryFile', root, '/*/*')
        ) -%}
        {%- set present, formats = [], {} -%}
        {%- for row in listed.rows -%}
            {%- do present.append(row[0]) -%}
            {%- do formats.setdefault(row[0], []).append(row[1]) -%}
        {%- endfor -%}
        {%- if not (present | select('in', tables) | list) and not (var('allow_empty_feed') | as_bool) -%}
            {{ exceptions.raise_compiler_error(
                "Landing stopped before anything was written: the raw root " ~ root ~ " has none of the table folders " ~ tables
            ) }}
        {%- endif -%}
        {%- do run_query("create database if not exists " ~ schema) -%}
        {%- set landed = [] -%}
        {%- for folder in present | unique -%}
            {#- a folder that is no raw table is listed, its files not read (as on DuckDB) -#}
            {%- set reason = "case when " ~ format ~ " is null then 'unsupported_file_type' end" if folder in tables
                else "'unknown_table_folder'" -%}
            {%- do landed.append(
                "select " ~ agent_kpis.spark_source_file('path') ~ " as source_file, " ~ agent_kpis.sql_literal(folder) ~ " as raw_table,"
                ~ " length as file_bytes, " ~ format ~ " as file_format,"
                ~ " case when " ~ reason ~ " is null then 'native' else 'none' end as read_method,"
                ~ " " ~ reason ~ " as reject_reason,"
                ~ " case when " ~ reason ~ " = 'unknown_table_folder' then " ~ agent_kpis.sql_literal("a file in '" ~ folder ~ "/' (not a raw table) is not read")
                ~ " when " ~ reason ~ " is not null then 'not read; read: .jsonl, .ndjson, .json (each optionally .gz) and .parquet' end as reject_detail,"
                ~ " cast(null as string) as read_note, modificationTime as first_seen_at"
                ~ " from " ~ agent_kpis.spark_file_source('binaryFile', root ~ '/' ~ folder, '/*')
            ) -%}
        {%- endfor -%}
        {%- do run_query(
            "create or replace view " ~ schema ~ ".landed_files as "
            ~ (landed | join(' union all ') if landed else
               "select cast(null as string) as source_file, cast(null as string) as raw_table, cast(null as bigint) as file_bytes,"
               ~ " cast(null as string) as file_format, cast(null as string) as read_method, cast(null as string) as reject_reason,"
               ~ " cast(null as string) as reject_detail, cast(null as string) as read_note, cast(null as timestamp) as first_seen_at"
               ~ " where false")
        ) -%}
        {%- for table in tables -%}
            {%- set parts = [] -%}
            {%- if 'jsonl' in formats.get(table, []) -%}
                {%- do parts.append(
                    "select " ~ agent_kpis.spark_source_file('input_file_name()') ~ " as source_file, value as raw_line,"
                    ~ " case when length(value) > " ~ (var('raw_max_line_bytes') | int) ~ " then 'line_too_long'"
                    ~ " when instr(value, char(0)) > 0 then 'control_character:NUL'"
                    ~ " when instr(value, decode(unhex('EFBFBD'), 'UTF-8')) > 0 then 'invalid_utf8' end as landing_error"
                    ~ " from " ~ agent_kpis.spark_file_source('text', root, '/' ~ table ~ '/*')
                    ~ " where lower(input_file_name()) rlike " ~ text_files
                ) -%}
            {%- endif -%}
            {%- if 'parquet' in formats.get(table, []) -%}
                {%- do parts.append(
                    "select " ~ agent_kpis.spark_source_file('input_file_name()') ~ " as source_file,"
                    ~ " to_json(struct(*), map('timestampFormat', " ~ agent_kpis.sql_literal("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX") ~ ")) as raw_line,"
                    ~ " cast(null as string) as landing_error"
                    ~ " from " ~ agent_kpis.spark_file_source('parquet', root, '/' ~ table ~ '/*.[pP][aA][rR][qQ][uU][eE][tT]')
                ) -%}
            {%- endif -%}
            {%- if not parts -%}
                {%- do parts.append(
                    "select cast(null as string) as source_file, cast(null as string) as raw_line,"
                    ~ " cast(null as string) as landing_error where false"
                ) -%}
            {%- endif -%}
            {%- do run_query(
                "create or replace view " ~ schema ~ "." ~ table ~ " as select source_file, raw_line, landing_error,"
                ~ " cast(get_json_object(raw_line, '$._emitted_at') as timestamp) as _emitted_at"
                ~ " from (" ~ parts | join(' union all ') ~ ") as lines"
            ) -%}
        {%- endfor -%}
        {{ agent_kpis.check_pii_salt() }}
    {%- endif -%}
    select 1
{%- endmacro %}

{#-
    A Spark file source: the root's own glob characters escaped (a folder named `raw [1]` is
    not a pattern), then the pattern; backquoted.
-#}
{% macro spark_file_source(reader, root, pattern) -%}
    {%- set escaped = namespace(path=root | replace('\\', '\\\\')) -%}
    {%- for c in '[]{}*?' -%}{%- set escaped.path = escaped.path | replace(c, '\\' ~ c) -%}{%- endfor -%}
    {{ reader }}.`{{ (escaped.path ~ pattern) | replace('`', '``') }}`
{%- endmacro %}

{#- A file's path as the other engines name it: no file: scheme, no URL escapes. -#}
{% macro spark_source_file(uri) -%}
    url_decode(regexp_replace({{ uri }}, '^file:(//)?', ''))
{%- endmacro %}
