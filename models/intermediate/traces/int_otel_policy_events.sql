{{ agent_kpis.otel_per_trace_config() }}
{#-
    One policy event per guardrail span (role guardrail) of a task, shaped like
    stg_telemetry__policy_events: policy_id is the guardrail's name; the decision is deny when
    the guardrail tripped, else allow. A guardrail tripped when the alias guardrail_triggered
    says so, when its span failed, or when its parent span failed naming it (the OpenAI Agents
    SDK through OpenInference reports the tripwire on the parent turn). A tripped guardrail is
    a near miss: the breach was stopped.
-#}
with

spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

assignments as (

    select * from {{ ref('int_otel_span_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

tasks as (

    select * from {{ ref('int_otel_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

guardrails as (

    select
        spans.*,
        tasks.task_id,
        tasks.loaded_at as task_loaded_at,
        {{ agent_kpis.otel_guardrail_tripped('spans', 'parents') }} as is_tripped

    from spans
    inner join assignments
        on spans.span_key = assignments.span_key
    inner join tasks
        on assignments.task_span_key = tasks.task_span_key
    left join spans as parents
        on spans.trace_id = parents.trace_id and spans.parent_span_id = parents.span_id
    where spans.span_role = 'guardrail'

),

final as (

    select
        'otel-' || span_key as event_id,
        task_id,
        cast(null as {{ dbt.type_string() }}) as call_id,
        span_name as policy_id,
        case when is_tripped then 'deny' else 'allow' end as decision,
        false as is_unknown_decision,
        false as is_violation,
        is_tripped as is_near_miss,
        cast(null as {{ dbt.type_string() }}) as severity,
        false as is_unknown_severity,
        cast(null as {{ dbt.type_string() }}) as sensitive_field,
        started_at as occurred_at,
        false as has_unparseable_field,
        false as has_identity_conflict,
        cast(null as {{ api.Column.translate_type('timestamp') }}) as emitted_at,
        task_loaded_at as loaded_at,
        source_file,
        trace_id

    from guardrails

)

select * from final
