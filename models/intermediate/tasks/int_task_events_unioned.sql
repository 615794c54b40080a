{#- Task events from both inputs: the contract's task_events and the task spans of traces. -#}
{%- set columns = ['event_id', 'task_id', 'event_type', 'is_unknown_event_type', 'occurred_at', 'agent_id',
                   'agent_version', 'prompt_version', 'model', 'task_type', 'channel', 'region', 'product_line',
                   'customer_tier', 'customer_key', 'reason_masked', 'has_unparseable_field',
                   'has_identity_conflict', 'emitted_at', 'loaded_at', 'source_file'] -%}

with

contract_task_events as (

    select * from {{ ref('stg_telemetry__task_events') }}

),

trace_task_events as (

    select * from {{ ref('int_otel_task_events') }}

),

final as (

    select {{ columns | join(', ') }}, false as is_from_trace from contract_task_events
    union all
    select {{ columns | join(', ') }}, true as is_from_trace from trace_task_events

)

select * from final
