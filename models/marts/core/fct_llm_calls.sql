{#-
    One row per model call (event_id), from the contract's llm_calls and from the model-call
    spans of traces: tokens, cost (reported, or priced from model_prices), duration, status
    (null where the input does not say) and the cohort of the call's task.
-#}
with

llm_calls as (

    select * from {{ ref('int_llm_calls_costed') }}

),

lifecycles as (

    select * from {{ ref('int_task_lifecycles_derived') }}

),

final as (

    select
        llm_calls.event_id,
        llm_calls.task_id,
        llm_calls.model,
        llm_calls.provider,
        llm_calls.started_at,
        cast(llm_calls.started_at as date) as started_date,
        llm_calls.ended_at,
        llm_calls.duration_ms,
        llm_calls.status,
        llm_calls.error_type,
        llm_calls.error_type_full,
        llm_calls.input_tokens,
        llm_calls.output_tokens,
        llm_calls.cached_input_tokens,
        llm_calls.cache_creation_input_tokens,
        llm_calls.reasoning_output_tokens,
        cast(llm_calls.cost_usd as decimal(38, 10)) as cost_usd,
        llm_calls.cost_source,
        llm_calls.is_unpriced,
        llm_calls.has_invalid_tokens,
        lifecycles.agent_id,
        lifecycles.agent_version,
        lifecycles.task_type,
        lifecycles.channel,
        lifecycles.region,
        lifecycles.product_line,
        lifecycles.customer_tier

    from llm_calls
    left join lifecycles
        on llm_calls.task_id = lifecycles.task_id

)

select * from final
