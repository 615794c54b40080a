{#-
    Model calls from both inputs: the contract's llm_calls (which carry no status: null, not
    counted in the model-call error rate) and the model-call spans of traces.
-#}
{%- set columns = ['event_id', 'task_id', 'model', 'provider', 'input_tokens', 'output_tokens',
                   'cached_input_tokens', 'cache_creation_input_tokens', 'reasoning_output_tokens', 'started_at', 'ended_at', 'cost_usd', 'has_invalid_tokens',
                   'has_unparseable_field', 'has_identity_conflict', 'emitted_at', 'loaded_at', 'source_file'] -%}

with

contract_llm_calls as (

    select * from {{ ref('stg_telemetry__llm_calls') }}

),

trace_llm_calls as (

    select * from {{ ref('int_otel_llm_calls') }}

),

final as (

    select
        {{ columns | join(',\n        ') }},
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as error_type,
        cast(null as {{ dbt.type_string() }}) as error_type_full,
        case when ended_at >= started_at then {{ agent_kpis.milliseconds_between('started_at', 'ended_at') }} end
            as duration_ms
    from contract_llm_calls

    union all

    select
        {{ columns | join(',\n        ') }},
        status,
        error_type,
        error_type_full,
        -- from the UTC times like a contract call (the span's nanoseconds cut to microseconds)
        case when ended_at >= started_at then {{ agent_kpis.milliseconds_between('started_at', 'ended_at') }} end
            as duration_ms
    from trace_llm_calls

)

select * from final
