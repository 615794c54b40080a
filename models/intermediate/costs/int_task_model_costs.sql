{#- One row per task (task_id) with model calls: calls, costed calls, model cost and tokens. -#}
{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

llm_calls as (

    select * from {{ ref('int_llm_calls_costed') }}

),

final as (

    select
        llm_calls.task_id,
        count(*) as llm_call_count,
        count(case when not llm_calls.is_unpriced then 1 end) as costed_llm_call_count,
        {{ agent_kpis.exact_sum('llm_calls.cost_usd', 'money') }} as model_cost_usd,
        sum(greatest(coalesce(llm_calls.input_tokens, 0), 0)) as input_tokens,
        sum(greatest(coalesce(llm_calls.output_tokens, 0), 0)) as output_tokens,
        sum(least(
            greatest(coalesce(llm_calls.cached_input_tokens, 0), 0),
            greatest(coalesce(llm_calls.input_tokens, 0), 0)
        )) as cached_input_tokens,
        sum(greatest(coalesce(llm_calls.cache_creation_input_tokens, 0), 0)) as cache_creation_input_tokens,
        sum(least(
            greatest(coalesce(llm_calls.reasoning_output_tokens, 0), 0),
            greatest(coalesce(llm_calls.output_tokens, 0), 0)
        )) as reasoning_output_tokens,
        derived_tasks.last_loaded_at
    from llm_calls
    inner join derived_tasks
        on llm_calls.task_id = derived_tasks.task_id
    group by llm_calls.task_id, derived_tasks.last_loaded_at

)

select * from final
