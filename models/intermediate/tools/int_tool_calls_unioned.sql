{#- Tool-call attempts from both inputs: the contract's tool_calls and the tool spans of traces. -#}
{%- set columns = ['event_id', 'call_id', 'task_id', 'attempt', 'tool_name', 'tool_version', 'is_side_effecting',
                   'idempotency_key', 'started_at', 'ended_at', 'status', 'is_unknown_status', 'error_category',
                   'is_unknown_error_category', 'error_message_masked', 'input_size_chars', 'output_size_chars',
                   'sensitive_fields', 'sensitive_field_count', 'has_clock_skew', 'has_unparseable_field',
                   'has_identity_conflict', 'emitted_at', 'loaded_at', 'source_file'] -%}

with

contract_tool_calls as (

    select * from {{ ref('stg_telemetry__tool_calls') }}

),

trace_tool_calls as (

    select * from {{ ref('int_otel_tool_calls') }}

),

final as (

    select {{ columns | join(', ') }} from contract_tool_calls
    union all
    select {{ columns | join(', ') }} from trace_tool_calls

)

select * from final
