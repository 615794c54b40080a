{#- Policy events from both inputs: the contract's policy_events and the guardrail spans of traces. -#}
{%- set columns = ['event_id', 'task_id', 'call_id', 'policy_id', 'decision', 'is_unknown_decision', 'is_violation',
                   'is_near_miss', 'severity', 'is_unknown_severity', 'sensitive_field', 'occurred_at',
                   'has_unparseable_field', 'has_identity_conflict', 'emitted_at', 'loaded_at', 'source_file'] -%}

with

contract_policy_events as (

    select * from {{ ref('stg_telemetry__policy_events') }}

),

trace_policy_events as (

    select * from {{ ref('int_otel_policy_events') }}

),

final as (

    select {{ columns | join(', ') }} from contract_policy_events
    union all
    select {{ columns | join(', ') }} from trace_policy_events

)

select * from final
