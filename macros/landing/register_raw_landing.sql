{#-
    Landing (docs/decisions.md, "Ingestion"): brings the relations in var('raw_schema') up
    to date with the files under raw_root(). On DuckDB the plan comes from
    agent_kpis_landing_plan (src/agent_kpis/landing/plan.py, registered by the dbt-duckdb
    plugin in profiles.yml): new files are probed once and recorded in probed_files, lines
    that DuckDB's reader cannot take are salvaged into salvaged_lines, landed_files lists
    the files present now, and one view per raw table reads them. A raw root that is
    missing, unreadable or has none of the table folders stops the run here, before
    anything is written. On other engines a loader owns the landing tables.
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
