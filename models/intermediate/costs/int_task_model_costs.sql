{#- One row per task (task_id) with model calls: calls, costed calls, model cost and tokens. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='task_id',
        on_schema_change='fail',
        pre_hook="{{ agent_kpis.delete_derived_tasks() }}",
        meta={'rows_loaded_at_column': 'last_loaded_at'},
    )
}}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

llm_calls as (

    select * from {{ ref('int_llm_calls_costed') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

per_task as (

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

),

final as (

    select
        per_task.*,
        derived_tasks.last_loaded_at
    from per_task
    inner join derived_tasks
        on per_task.task_id = derived_tasks.task_id

)

select * from final
