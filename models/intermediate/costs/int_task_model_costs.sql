{#- One row per task (task_id) with model calls: calls, costed calls, model cost and tokens. -#}
with

llm_calls as (

    select * from {{ ref('int_llm_calls_costed') }}

),

final as (

    select
        task_id,
        count(*) as llm_call_count,
        count(case when not is_unpriced then 1 end) as costed_llm_call_count,
        sum({{ agent_kpis.exact_sum_cast('cost_usd', 'money') }}) as model_cost_usd,
        sum(greatest(coalesce(input_tokens, 0), 0)) as input_tokens,
        sum(greatest(coalesce(output_tokens, 0), 0)) as output_tokens,
        sum(least(greatest(coalesce(cached_input_tokens, 0), 0), greatest(coalesce(input_tokens, 0), 0)))
            as cached_input_tokens
    from llm_calls
    group by task_id

)

select * from final
