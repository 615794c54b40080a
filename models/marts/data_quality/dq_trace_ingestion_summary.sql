{#-
    "Nothing lost" for OpenTelemetry traces, at both grains, in one row: export lines read =
    parsed + rejected; spans unnested = staged + duplicate copies + rejected; staged spans =
    spans in a task + spans outside every task (no agent span above them: operations the
    mapping does not use) + spans waiting for a parent still to arrive. Also the traces that
    name operations but form no task, and their roots by name and kind (dq_trace_findings
    has one row per trace, with the seed row that would map it).
-#}
with

lines as (

    select * from {{ ref('base_otel__lines') }}

),

spans as (

    select * from {{ ref('base_otel__spans') }}

),

staged_spans as (

    select * from {{ ref('stg_otel__spans') }}

),

span_tasks as (

    select * from {{ ref('int_otel_span_tasks') }}

),

tasks as (

    select * from {{ ref('int_otel_tasks') }}

),

mapped_spans as (

    select * from {{ ref('int_otel_spans_mapped') }}

),

findings as (

    select * from {{ ref('dq_trace_findings') }}

),

line_counts as (

    select
        count(*) as lines_read,
        count(case when reject_reason is null then 1 end) as lines_parsed,
        count(case when reject_reason is not null then 1 end) as lines_rejected
    from lines

),

span_counts as (

    select
        count(*) as spans_unnested,
        count(case when reject_reason is null then 1 end) as valid_span_copies,
        count(distinct case when reject_reason is null then span_key end) as distinct_valid_spans,
        count(case when reject_reason is not null then 1 end) as spans_rejected
    from spans

),

staged_counts as (

    select count(*) as spans_staged
    from staged_spans

),

use_counts as (

    select
        count(case when task_span_key is not null and is_chain_complete then 1 end) as spans_in_tasks,
        count(case when task_span_key is null and is_chain_complete then 1 end) as spans_outside_tasks,
        count(case when not is_chain_complete then 1 end) as spans_waiting_for_parent
    from span_tasks

),

task_counts as (

    select count(*) as trace_tasks
    from tasks

),

operation_counts as (

    select count(distinct trace_id) as traces_with_operations
    from mapped_spans
    where span_role is not null and span_role <> 'ignored'

),

unmapped_roots as (

    -- the roots of the traces without a task, by name and kind, counted
    select
        coalesce(root_span_name, '?') || ' (' || coalesce(root_kind, '?') || ')' as root,
        count(*) as trace_count
    from findings
    where finding = 'trace_without_task'
    group by 1

),

unmapped_counts as (

    select
        coalesce(sum(trace_count), 0) as traces_without_task,
        {{ agent_kpis.sorted_text_agg("root || ' x' || cast(trace_count as " ~ dbt.type_string() ~ ")", '; ') }}
            as unmapped_roots
    from unmapped_roots

),

final as (

    select
        'otel_traces' as raw_table,
        line_counts.lines_read,
        line_counts.lines_parsed,
        line_counts.lines_rejected,
        span_counts.spans_unnested,
        staged_counts.spans_staged,
        span_counts.valid_span_copies - span_counts.distinct_valid_spans as duplicate_spans,
        span_counts.spans_rejected,
        use_counts.spans_in_tasks,
        use_counts.spans_outside_tasks,
        use_counts.spans_waiting_for_parent,
        task_counts.trace_tasks,
        operation_counts.traces_with_operations,
        cast(unmapped_counts.traces_without_task as bigint) as traces_without_task,
        unmapped_counts.unmapped_roots,
        line_counts.lines_read = line_counts.lines_parsed + line_counts.lines_rejected
        and span_counts.spans_unnested
        = staged_counts.spans_staged + (span_counts.valid_span_copies - span_counts.distinct_valid_spans)
        + span_counts.spans_rejected
        and staged_counts.spans_staged
        = use_counts.spans_in_tasks + use_counts.spans_outside_tasks + use_counts.spans_waiting_for_parent
            as is_reconciled

    from line_counts
    cross join span_counts
    cross join staged_counts
    cross join use_counts
    cross join task_counts
    cross join operation_counts
    cross join unmapped_counts

)

select * from final
