{#-
    What a generic data test reads (dbt's own macro, overridden; docs/decisions.md, "Tests
    that scale"). Besides the test's `where` config: in a `dbt build` without --full-refresh,
    a test on an incremental model that names its load column (meta.rows_loaded_at_column)
    reads only the rows this build loaded. A row an incremental run did not load is the row
    an earlier build tested; a `dbt test`, a full refresh, or var('test_every_row') reads
    every row, and so do whole-table tests (recency).
-#}
{% macro default__get_where_subquery(relation) -%}
    {%- set clauses = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do clauses.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set load_column = agent_kpis.test_load_column() -%}
    {%- if load_column -%}
        {%- do clauses.append(
            load_column ~ " >= cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' as "
            ~ api.Column.translate_type('timestamp') ~ ")"
        ) -%}
    {%- endif -%}
    {%- if clauses -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ clauses | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The load column that scopes the running test to this build's rows, or none. -#}
{% macro test_load_column() -%}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH or var('test_every_row', false) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set test_name = (model.get('test_metadata') or {}).get('name') -%}
    {%- set node = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- if node is none or test_name in ['recency'] or node.config.materialized != 'incremental' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(node.config.meta.get('rows_loaded_at_column')) }}
{%- endmacro %}
