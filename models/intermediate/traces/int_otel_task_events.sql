{{ agent_kpis.otel_per_trace_config() }}
{#-
    The task events traces carry, shaped like stg_telemetry__task_events: a start event at
    the start of each task span and `completed` or `failed` at its end (int_otel_tasks).
    Traces that share a task id are successive runs of one task (docs/decisions.md,
    "Traces"): the first run starts with `created`, a later run with `reopened` when every
    earlier run had ended before it began, else with `started` (an overlap, listed in
    dq_trace_findings). Event ids are made of the span, so a redelivered span changes
    nothing. Other state changes (escalated, handed_off, abandoned, ...) come from the
    contract's task_events, joined on the same task_id. Incremental per trace, re-deriving
    every trace of a task that received a trace.
-#}
with

arrived_tasks as (

    select task_id from {{ ref('int_otel_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

tasks as (

    select * from {{ ref('int_otel_tasks') }}
    where task_id in (select arrived_tasks.task_id from arrived_tasks)

),

runs as (

    select
        *,
        row_number() over (partition by task_id order by created_at, task_span_key) as run_number,
        max(ended_at) over (
            partition by task_id
            order by created_at, task_span_key
            rows between unbounded preceding and 1 preceding
        ) as earlier_runs_ended_at
    from tasks

),

events as (

    select
        'otel-' || task_span_key || '-created' as event_id,
        case
            when run_number = 1 then 'created'
            when created_at >= earlier_runs_ended_at then 'reopened'
            else 'started'
        end as event_type,
        created_at as occurred_at,
        cast(null as {{ dbt.type_string() }}) as reason,
        *
    from runs

    union all

    select
        'otel-' || task_span_key || '-ended' as event_id,
        case when is_failed then 'failed' else 'completed' end as event_type,
        ended_at as occurred_at,
        failure_reason as reason,
        *
    from runs

),

final as (

    select
        event_id,
        task_id,
        event_type,
        false as is_unknown_event_type,
        occurred_at,
        agent_id,
        agent_version,
        prompt_version,
        model,
        task_type,
        channel,
        region,
        product_line,
        customer_tier,
        {{ agent_kpis.hash_personal_id('customer_id') }} as customer_key,
        {{ agent_kpis.mask_personal_text('reason') }} as reason_masked,
        false as has_unparseable_field,
        false as has_identity_conflict,
        cast(null as {{ api.Column.translate_type('timestamp') }}) as emitted_at,
        loaded_at,
        source_file,
        trace_id

    from events

)

select * from final
