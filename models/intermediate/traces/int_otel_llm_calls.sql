{{ agent_kpis.otel_per_trace_config() }}
{#-
    One row per model-call span (role llm) of a task, shaped like stg_telemetry__llm_calls
    plus status, error type and duration. Tokens are the call's own (the conventions count
    cached and cache-creation tokens inside input tokens, reasoning tokens inside output
    tokens); an agent span's aggregated usage is never added, it would count them twice. No
    cost is reported: model_prices prices the tokens.
-#}
with

spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }} and span_role = 'llm'

),

assignments as (

    select * from {{ ref('int_otel_span_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

tasks as (

    select * from {{ ref('int_otel_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

final as (

    select
        'otel-' || spans.span_key as event_id,
        tasks.task_id,
        spans.model,
        spans.provider,
        spans.input_tokens,
        spans.output_tokens,
        spans.cached_input_tokens,
        spans.cache_creation_input_tokens,
        spans.reasoning_output_tokens,
        spans.started_at,
        spans.ended_at,
        cast(null as {{ agent_kpis.type_double() }}) as cost_usd,
        coalesce(
            spans.input_tokens < 0 or spans.output_tokens < 0 or spans.cached_input_tokens < 0
            or spans.cached_input_tokens > spans.input_tokens
            or spans.cache_creation_input_tokens < 0 or spans.reasoning_output_tokens < 0
            or spans.reasoning_output_tokens > spans.output_tokens,
            false
        ) as has_invalid_tokens,
        false as has_unparseable_field,
        false as has_identity_conflict,
        cast(null as {{ api.Column.translate_type('timestamp') }}) as emitted_at,
        tasks.loaded_at,
        spans.source_file,
        case when spans.is_error then 'error' else 'success' end as status,
        case
            when spans.is_error
                then coalesce({{ agent_kpis.short_error_type('coalesce(spans.error_type, spans.exception_type)') }}, 'error')
        end as error_type,
        case when spans.is_error then coalesce(spans.error_type, spans.exception_type) end as error_type_full,
        spans.duration_ms,
        spans.trace_id

    from spans
    inner join assignments
        on spans.span_key = assignments.span_key
    inner join tasks
        on assignments.task_span_key = tasks.task_span_key

)

select * from final
