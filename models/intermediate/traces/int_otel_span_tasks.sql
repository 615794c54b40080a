{{
    config(
        materialized=agent_kpis.incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='trace_id',
        on_schema_change='fail',
    )
}}
{#-
    Which task each span belongs to (docs/decisions.md, "Traces"). A task is the outermost
    agent span of its branch of the trace: an agent span with no agent span above it, not
    necessarily the trace root. Every span under it belongs to it; spans above or beside
    every agent span belong to no task (counted, not used).

    A task is only decided once the chain from its agent span up to the trace root has
    arrived (spans are exported when they end, children first): until then a later parent
    could be the outermost agent. A parent still missing var('otel_missing_parent_wait_hours')
    after its child arrived is taken as never coming. Incremental per trace, like
    int_otel_spans_mapped.
-#}
{{ agent_kpis.with_recursive() }}

spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    {%- if is_incremental() %}
    where trace_id in (
        select arrived.trace_id from {{ ref('int_otel_spans_mapped') }} as arrived
        where arrived.loaded_at > (
            select coalesce(max(assigned.loaded_at), cast('1900-01-01' as {{ api.Column.translate_type('timestamp') }}))
            from {{ this }} as assigned
        )
    )
    {%- endif %}

),

{{ agent_kpis.otel_span_chains('spans', max_depth=64) }},

final as (

    select
        spans.span_key,
        spans.trace_id,
        spans.span_id,
        spans.span_role,
        case when chains.task_span_id is not null then spans.trace_id || ':' || chains.task_span_id end
            as task_span_key,
        chains.chain_depth,
        -- the chain reaches the root, or the missing parent has been waited for long enough
        chains.reaches_root
        or spans.loaded_at < {{ dbt.dateadd('hour', -(var('otel_missing_parent_wait_hours') | int),
            'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ api.Column.translate_type('timestamp') ~ ')') }}
            as is_chain_complete,
        spans.loaded_at

    from spans
    inner join chains
        on spans.span_key = chains.span_key

)

select * from final
