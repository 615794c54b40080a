{#-
    The trace models are incremental per trace: a run re-derives every trace that received a
    span since the newest load already in the target (children may arrive before parents,
    so a trace is always re-derived whole). Config and filter, used by each of them.
-#}
{% macro otel_per_trace_config() -%}
    {{ config(materialized=agent_kpis.incremental_materialization(), incremental_strategy='delete+insert', unique_key='trace_id',
              on_schema_change='fail') }}
{%- endmacro %}

{% macro otel_arrived_traces(upstream) -%}
    {%- if is_incremental() -%}
    trace_id in (
        select arrived.trace_id from {{ upstream }} as arrived
        where arrived.loaded_at > (
            select coalesce(max(derived.loaded_at), cast('1900-01-01' as {{ api.Column.translate_type('timestamp') }}))
            from {{ this }} as derived
        )
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}
