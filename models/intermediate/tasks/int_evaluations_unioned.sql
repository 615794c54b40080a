{#- Evaluations from both inputs: the contract's evaluations and the evaluation results of traces. -#}
{%- set columns = ['event_id', 'task_id', 'evaluator_type', 'is_unknown_evaluator_type', 'rubric', 'score',
                   'has_out_of_range_score', 'is_passed', 'evaluated_at', 'has_unparseable_field',
                   'has_identity_conflict', 'emitted_at', 'loaded_at', 'source_file'] -%}

with

contract_evaluations as (

    select * from {{ ref('stg_telemetry__evaluations') }}

),

trace_evaluations as (

    select * from {{ ref('int_otel_evaluations') }}

),

final as (

    select {{ columns | join(', ') }} from contract_evaluations
    union all
    select {{ columns | join(', ') }} from trace_evaluations

)

select * from final
