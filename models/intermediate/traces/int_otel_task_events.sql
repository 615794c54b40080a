{{ agent_kpis.otel_per_trace_config() }}
{#-
    The task events traces carry, shaped like stg_telemetry__task_events: `created` at the
    start of each task span, and `completed` or `failed` at its end (int_otel_tasks). Event
    ids are made of the span, so a redelivered span changes nothing. Other state changes
    (escalated, handed_off, reopened, abandoned, ...) come from the contract's task_events,
    joined on the same task_id.
-#}
with

tasks as (

    select * from {{ ref('int_otel_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

events as (

    select
        'otel-' || task_span_key || '-created' as event_id,
        'created' as event_type,
        created_at as occurred_at,
        cast(null as {{ dbt.type_string() }}) as reason,
        *
    from tasks

    union all

    select
        'otel-' || task_span_key || '-ended' as event_id,
        case when is_failed then 'failed' else 'completed' end as event_type,
        ended_at as occurred_at,
        failure_reason as reason,
        *
    from tasks

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
