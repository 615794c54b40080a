{#-
    Helper functions an engine lacks in SQL, created by an on-run-start hook in the target
    schema (docs/decisions.md, "Other engines"). PostgreSQL 15 has no cast that returns null
    instead of failing (try_cast) and no JSON validity test; these wrap a cast in an
    exception handler. Other engines need none. An exception handler opens a subtransaction,
    which a parallel worker cannot: the functions are parallel restricted (run by the leader).
-#}
{% macro engine_function(name) -%}
    {{ target.schema }}.agent_kpis_{{ name }}
{%- endmacro %}

{#- The types try_cast_or_null can take on PostgreSQL, by function name. -#}
{% macro _postgres_try_types() -%}
    {{ return({
        'json': 'json',
        'jsonb': 'jsonb',
        'double': 'double precision',
        'bigint': 'bigint',
        'boolean': 'boolean',
        'timestamp': 'timestamp',
        'timestamptz': 'timestamptz',
    }) }}
{%- endmacro %}

{% macro create_engine_functions() -%}
    {{ return(adapter.dispatch('create_engine_functions', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__create_engine_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_engine_functions() -%}
    create schema if not exists {{ target.schema }};
    {%- for name, type in agent_kpis._postgres_try_types().items() %}
    create or replace function {{ agent_kpis.engine_function('try_' ~ name) }}(value text)
    returns {{ type }} language plpgsql immutable parallel restricted as $$
    begin
        return value::{{ type }};
    exception when others then
        return null;
    end
    $$;
    {%- endfor %}
{%- endmacro %}
