{{
    config(
        materialized='incremental',
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
with recursive

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

ancestry as (

    -- every span with itself (depth 0) and each ancestor present, up to 64 levels (a cycle stops there)
    select
        span_key,
        trace_id,
        span_id as ancestor_span_id,
        span_role as ancestor_role,
        parent_span_id as ancestor_parent_span_id,
        0 as ancestor_depth
    from spans

    union all

    select
        ancestry.span_key,
        ancestry.trace_id,
        parent.span_id as ancestor_span_id,
        parent.span_role as ancestor_role,
        parent.parent_span_id as ancestor_parent_span_id,
        ancestry.ancestor_depth + 1 as ancestor_depth
    from ancestry
    inner join spans as parent
        on
            ancestry.trace_id = parent.trace_id
            and ancestry.ancestor_parent_span_id = parent.span_id
    where ancestry.ancestor_depth < 64

),

chains as (

    select
        span_key,
        trace_id,
        max(ancestor_depth) as chain_depth,
        {{ agent_kpis.first_non_null_by("case when ancestor_role = 'agent' then ancestor_span_id end", 'ancestor_depth desc') }}
            as task_span_id,
        -- only the root has no parent: the chain reached it
        count(case when ancestor_parent_span_id is null then 1 end) > 0 as reaches_root
    from ancestry
    group by span_key, trace_id

),

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
