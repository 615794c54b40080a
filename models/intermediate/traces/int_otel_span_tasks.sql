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
    agent span of its branch of the trace (not necessarily the root); a branch with no agent
    span that holds a model call under its root is a task of its own, its root being the
    task span (a lone model call is no task). Every
    span under a task span belongs to it; other spans belong to no task (counted, not used).

    A branch is decided once its chain of parents has arrived up to a root (spans are
    exported when they end, children first). When no span of a trace has landed for
    var('otel_missing_parent_wait_hours'), its missing parents are given up as never coming:
    their children become roots, the children of one missing parent one branch (a framework
    that never ends a failed run's span leaves its steps so). The clock is the files'
    first_seen_at in the landing record, which a full refresh keeps. Incremental per trace: a run re-decides every trace
    that received a span and every trace still waiting for a parent, so a wait that ends
    is acted on at the next run; loaded_at is when the run that decided the trace started.
-#}
{%- set now = 'cast(' ~ dbt.current_timestamp() ~ ' as ' ~ api.Column.translate_type('timestamp') ~ ')' -%}
{%- set given_up_before = dbt.dateadd('hour', -(var('otel_missing_parent_wait_hours') | int), now) -%}
{{ agent_kpis.with_recursive() }}

spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    {%- if is_incremental() %}
    where
        trace_id in (
            select arrived.trace_id from {{ ref('int_otel_spans_mapped') }} as arrived
            where arrived.loaded_at > (
                select coalesce(max(decided.loaded_at), cast('1900-01-01' as {{ api.Column.translate_type('timestamp') }}))
                from {{ this }} as decided
            )
        )
        or trace_id in (select waiting.trace_id from {{ this }} as waiting where not waiting.is_chain_complete)
    {%- endif %}

),

landed_files as (

    select * from {{ ref('stg_telemetry__landed_files') }}

),

parents_checked as (

    select
        spans.span_key,
        spans.trace_id,
        spans.span_id,
        spans.parent_span_id,
        spans.span_role,
        spans.started_at,
        spans.parent_span_id is not null and parents.span_id is null as is_parent_missing,
        -- the trace's clock: when its newest file first landed (a file no longer listed: its load)
        max(coalesce(landed_files.first_seen_at, spans.loaded_at)) over (partition by spans.trace_id)
        < {{ given_up_before }} as has_waited
    from spans
    left join spans as parents
        on
            spans.trace_id = parents.trace_id
            and spans.parent_span_id = parents.span_id
    left join landed_files
        on spans.source_file = landed_files.source_file

),

roots_marked as (

    select
        *,
        parent_span_id is null or (is_parent_missing and has_waited) as is_root,
        -- the children of one missing parent are one branch, rooted at the first of them
        case
            when is_parent_missing
                then first_value(span_id) over (
                    partition by trace_id, parent_span_id, is_parent_missing order by started_at, span_id
                )
            else span_id
        end as branch_root_span_id
    from parents_checked

),

{{ agent_kpis.otel_span_chains('roots_marked', max_depth=64, nodes='spans') }},

branches as (

    -- per root: whether its branch holds an agent span and a model call
    select
        chains.trace_id,
        chains.root_span_id,
        max(case when roots_marked.span_role = 'agent' then 1 else 0 end) = 1 as has_agent_span,
        max(case when roots_marked.span_role = 'llm' and chains.chain_depth > 0 then 1 else 0 end) = 1
            as has_model_call
    from chains
    inner join roots_marked
        on chains.span_key = roots_marked.span_key
    where chains.root_span_id is not null
    group by chains.trace_id, chains.root_span_id

),

final as (

    select
        roots_marked.span_key,
        roots_marked.trace_id,
        roots_marked.span_id,
        roots_marked.span_role,
        case
            when chains.task_span_id is not null then roots_marked.trace_id || ':' || chains.task_span_id
            when not branches.has_agent_span and branches.has_model_call
                then roots_marked.trace_id || ':' || chains.root_span_id
        end as task_span_key,
        chains.root_span_id,
        chains.chain_depth,
        -- decided: the chain reached a root, or the trace waited long enough
        chains.root_span_id is not null or roots_marked.has_waited as is_chain_complete,
        roots_marked.is_root and roots_marked.is_parent_missing as is_parent_given_up,
        chains.is_in_parent_cycle,
        {{ now }} as loaded_at

    from roots_marked
    inner join chains
        on roots_marked.span_key = chains.span_key
    left join branches
        on
            chains.trace_id = branches.trace_id
            and chains.root_span_id = branches.root_span_id

)

select * from final
