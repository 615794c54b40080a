{#-
    The PII salt (docs/decisions.md, "Personal data"). dbt never sees the salt as text: it
    is a setting of the connection (on DuckDB the plugin's session variable
    agent_kpis_pii_salt, with its fingerprint; PostgreSQL and Spark below). The
    warehouse records the fingerprint it was built with (raw_schema
    .build_state); a run with another salt stops, because every customer_key would change
    and each customer would count twice, unless it is a full refresh, which rehashes all.
-#}
{% macro pii_salt() -%}
    {{ return(adapter.dispatch('pii_salt', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__pii_salt() -%}
    {{ exceptions.raise_compiler_error(agent_kpis.no_portable_sql('pii_salt')) }}
{%- endmacro %}

{% macro duckdb__pii_salt() -%}
    coalesce(getvariable('agent_kpis_pii_salt'), error('the PII salt is not set: load the agent_kpis dbt-duckdb plugin (profiles.yml)'))
{%- endmacro %}

{#-
    Elsewhere the salt is a session setting that arrives with the connection, never in SQL
    text: on PostgreSQL the custom setting agent_kpis.pii_salt (PGOPTIONS='-c
    agent_kpis.pii_salt=...', or ALTER ROLE ... SET), checked by postgres__check_pii_salt.
-#}
{% macro postgres__pii_salt() -%}
    current_setting('agent_kpis.pii_salt')
{%- endmacro %}

{#- Spark: the session setting spark.agent_kpis.pii_salt (profiles.yml), substituted by Spark itself -#}
{% macro spark__pii_salt() -%}
    '${spark.agent_kpis.pii_salt}'
{%- endmacro %}

{% macro spark__check_pii_salt() -%}
    {%- set salt_length = run_query(
        "select case when " ~ agent_kpis.spark__pii_salt() ~ " like '$%' or " ~ agent_kpis.spark__pii_salt()
        ~ " like '%(redacted)' then 0 else length(" ~ agent_kpis.spark__pii_salt() ~ ") end"
    ).columns[0].values()[0] -%}
    {%- if salt_length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "The PII salt is not set, or Spark redacts it: set DBT_ENV_SECRET_AGENT_KPIS_PII_SALT, which the spark target"
            ~ " passes as spark.agent_kpis.pii_salt (a setting whose name contains 'secret' is redacted)."
        ) }}
    {%- endif -%}
    {{ agent_kpis._check_salt_fingerprint(run_query("select " ~ agent_kpis.pii_salt_fingerprint()).columns[0].values()[0]) }}
{%- endmacro %}

{#-
    The fingerprint of the salt, as SQL: on DuckDB the plugin's slow one-way fingerprint;
    elsewhere the salted hash of a fixed text, built like every customer_key (so it tells no
    more about the salt than any customer_key does).
-#}
{% macro pii_salt_fingerprint() -%}
    {{ return(adapter.dispatch('pii_salt_fingerprint', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__pii_salt_fingerprint() -%}
    substring({{ agent_kpis.hash_personal_id("'agent-kpis/pii-salt-fingerprint'") }}, 1, 20)
{%- endmacro %}

{% macro duckdb__pii_salt_fingerprint() -%}
    getvariable('agent_kpis_pii_salt_fingerprint')
{%- endmacro %}

{#- The run stops when the salt differs from the one the warehouse was built with, unless it is a full refresh. -#}
{% macro _check_salt_fingerprint(fingerprint) -%}
    {%- set stored = agent_kpis._stored_pii_salt_fingerprint() -%}
    {%- if stored and stored != fingerprint -%}
        {%- if flags.FULL_REFRESH -%}
            {{ log("The PII salt changed (fingerprint " ~ stored ~ " -> " ~ fingerprint ~ "): this full refresh rehashes every customer_key.", info=true) }}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "The PII salt differs from the one this warehouse was built with (fingerprint " ~ stored
                ~ ", now " ~ fingerprint ~ "): every customer would get a second customer_key. Restore"
                ~ " DBT_ENV_SECRET_AGENT_KPIS_PII_SALT, or rebuild everything with --full-refresh to rehash all customers."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The build_state table of the landing schema, or none (Spark has no information_schema). -#}
{% macro _build_state() -%}
    {%- if target.type == 'spark' -%}
        {{ return(adapter.get_relation(database=none, schema=var('raw_schema'), identifier='build_state')) }}
    {%- endif -%}
    {{ return(agent_kpis.landing_relation('build_state')) }}
{%- endmacro %}

{% macro _stored_pii_salt_fingerprint() -%}
    {%- set state = agent_kpis._build_state() -%}
    {%- if not state -%}{{ return(none) }}{%- endif -%}
    {%- set rows = run_query("select value from " ~ state ~ " where setting = 'pii_salt_fingerprint'") -%}
    {{ return(rows.columns[0].values()[0] if rows | length > 0 else none) }}
{%- endmacro %}

{% macro check_pii_salt() -%}
    {{ return(adapter.dispatch('check_pii_salt', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__check_pii_salt() -%}
{%- endmacro %}

{% macro postgres__check_pii_salt() -%}
    {%- set salt_length = run_query("select length(coalesce(current_setting('agent_kpis.pii_salt', true), ''))").columns[0].values()[0] -%}
    {%- if salt_length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "The PII salt is not set: give the connection the setting agent_kpis.pii_salt"
            ~ " (README: \"Running on Spark / Databricks, PostgreSQL\")."
        ) }}
    {%- endif -%}
    {{ agent_kpis._check_salt_fingerprint(run_query("select " ~ agent_kpis.pii_salt_fingerprint()).columns[0].values()[0]) }}
{%- endmacro %}

{% macro duckdb__check_pii_salt() -%}
    {%- set current = run_query(
        "select getvariable('agent_kpis_pii_salt_fingerprint'), getvariable('agent_kpis_pii_salt_is_demo')"
    ) -%}
    {%- set fingerprint = current.columns[0].values()[0] -%}
    {%- if not fingerprint -%}
        {{ exceptions.raise_compiler_error("The PII salt is not set: the agent_kpis dbt-duckdb plugin (profiles.yml) is not loaded.") }}
    {%- endif -%}
    {%- if current.columns[1].values()[0] -%}
        {{ log("WARNING: customer ids are hashed with the public demo salt; set DBT_ENV_SECRET_AGENT_KPIS_PII_SALT to a secret of your own for real data.", info=true) }}
    {%- endif -%}
    {{ agent_kpis._check_salt_fingerprint(fingerprint) }}
{%- endmacro %}

{#- on-run-end: a run or build whose models all succeeded records the salt it hashed with. -#}
{% macro record_pii_salt_fingerprint(results) -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {%- set models = results | selectattr('node.resource_type', 'equalto', 'model') | list -%}
        {%- set failed = models | selectattr('status', 'in', ['error', 'skipped']) | list -%}
        {%- if models | length > 0 and failed | length == 0 -%}
            {%- set state = api.Relation.create(schema=var('raw_schema'), identifier='build_state') -%}
            {%- set row = "select 'pii_salt_fingerprint' as setting, " ~ agent_kpis.pii_salt_fingerprint()
                ~ " as value, current_timestamp as recorded_at" -%}
            {%- if target.type == 'spark' -%}
                {#- Spark's Parquet tables take neither delete nor replace: the one-row table is rewritten -#}
                {%- do run_query("drop table if exists " ~ state) -%}
                {%- do run_query("create table " ~ state ~ " using parquet as " ~ row) -%}
            {%- else -%}
                {%- do run_query(
                    "create table if not exists " ~ state ~ " (setting " ~ dbt.type_string() ~ ", value "
                    ~ dbt.type_string() ~ ", recorded_at timestamptz)"
                ) -%}
                {%- do run_query("delete from " ~ state ~ " where setting = 'pii_salt_fingerprint'") -%}
                {%- do run_query("insert into " ~ state ~ " " ~ row) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
    select 1
{%- endmacro %}
