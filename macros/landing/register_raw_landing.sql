{#-
    Landing relations: one per raw table, in schema var('raw_schema'), with the columns
    source_file, raw_line (the record as JSON text) and _emitted_at (for source freshness).

    On DuckDB they are views over the files under <raw_root>/<table>/, registered at the
    start of every dbt invocation: JSONL and gzipped JSONL are read line by line as text
    (so a line that is not JSON still arrives, to be quarantined), Parquet rows are turned
    into JSON text. A missing or empty folder gives an empty relation. On other engines a
    loader owns the landing tables and this hook does nothing (see docs/decisions.md).
-#}
{% macro register_raw_landing() -%}
    {{ return(adapter.dispatch('register_raw_landing', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__register_raw_landing() -%}
    select 1
{%- endmacro %}

{% macro duckdb__register_raw_landing() -%}
    {%- if execute -%}
        {%- set statements = ["create schema if not exists " ~ var('raw_schema')] -%}
        {%- for table in var('raw_tables') -%}
            {%- do statements.append(
                "create or replace view " ~ var('raw_schema') ~ "." ~ table ~ " as "
                ~ agent_kpis.landing_select(var('raw_root') ~ '/' ~ table)
            ) -%}
        {%- endfor -%}
        {{ return(statements | join(';\n')) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro landing_select(folder) -%}
    {%- set counts = run_query(
        "select"
        ~ " count(*) filter (where file like '%.jsonl'),"
        ~ " count(*) filter (where file like '%.jsonl.gz'),"
        ~ " count(*) filter (where file like '%.parquet')"
        ~ " from glob('" ~ folder ~ "/*')"
    ) -%}
    {%- set json_globs = [] -%}
    {%- if counts.columns[0].values()[0] > 0 -%}{%- do json_globs.append(folder ~ '/*.jsonl') -%}{%- endif -%}
    {%- if counts.columns[1].values()[0] > 0 -%}{%- do json_globs.append(folder ~ '/*.jsonl.gz') -%}{%- endif -%}
    {%- set n_parquet = counts.columns[2].values()[0] -%}
    {%- set parts = [] -%}
    {%- if json_globs | length > 0 -%}
        {%- do parts.append(agent_kpis.landing_select_jsonl(json_globs)) -%}
    {%- endif -%}
    {%- if n_parquet > 0 -%}
        {%- do parts.append(agent_kpis.landing_select_parquet(folder)) -%}
    {%- endif -%}
    {%- if parts | length == 0 -%}
        {%- do parts.append(
            "select cast(null as varchar) as source_file, cast(null as varchar) as raw_line,"
            ~ " cast(null as timestamptz) as _emitted_at where false"
        ) -%}
    {%- endif -%}
    {{ return(parts | join('\nunion all\n')) }}
{%- endmacro %}

{% macro landing_select_jsonl(globs) -%}
    select
        filename as source_file,
        raw_line,
        case
            when json_valid(raw_line)
                then try_cast(json_extract_string(raw_line, '$._emitted_at') as timestamptz)
        end as _emitted_at
    from read_csv(
        ['{{ globs | join("', '") }}'],
        columns = {'raw_line': 'VARCHAR'},
        header = false,
        delim = '\x01',
        quote = '',
        escape = '',
        auto_detect = false,
        strict_mode = false,
        max_line_size = 16777216,
        filename = true
    )
{%- endmacro %}

{% macro landing_select_parquet(folder) -%}
    select
        landed.filename as source_file,
        json_merge_patch(to_json(landed), '{"filename": null}')::varchar as raw_line,
        try_cast(json_extract_string(to_json(landed), '$._emitted_at') as timestamptz) as _emitted_at
    from read_parquet('{{ folder }}/*.parquet', filename = true, union_by_name = true) as landed
{%- endmacro %}
