{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

llm_calls as (

    select * from {{ ref('int_llm_calls_unioned') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

model_prices as (

    select * from {{ ref('model_prices') }}

),

latest_price_date as (

    select max(valid_from) as valid_from from model_prices

),

priced as (

    -- the price valid at the call: latest valid_from on or before the call's date
    -- (a call without started_at is priced at the newest price of its model)
    select
        llm_calls.event_id,
        model_prices.valid_from,
        model_prices.input_usd_per_1m_tokens,
        model_prices.cached_input_usd_per_1m_tokens,
        model_prices.output_usd_per_1m_tokens,
        row_number() over (
            partition by llm_calls.event_id
            order by model_prices.valid_from desc
        ) as price_rank
    from llm_calls
    cross join latest_price_date
    inner join model_prices
        on
            llm_calls.model = model_prices.model
            and model_prices.valid_from <= coalesce(cast(llm_calls.started_at as date), latest_price_date.valid_from)

),

valid_price as (

    select * from priced
    where price_rank = 1

),

tokens as (

    select
        llm_calls.*,
        case when llm_calls.input_tokens > 0 then llm_calls.input_tokens else 0 end as billable_input_tokens,
        case
            when llm_calls.cached_input_tokens > 0
                then least(llm_calls.cached_input_tokens, greatest(coalesce(llm_calls.input_tokens, 0), 0))
            else 0
        end as billable_cached_tokens,
        case when llm_calls.output_tokens > 0 then llm_calls.output_tokens else 0 end as billable_output_tokens
    from llm_calls

),

final as (

    select
        tokens.event_id,
        tokens.task_id,
        tokens.model,
        tokens.provider,
        tokens.started_at,
        tokens.input_tokens,
        tokens.cached_input_tokens,
        tokens.cache_creation_input_tokens,
        tokens.output_tokens,
        tokens.reasoning_output_tokens,
        tokens.cost_usd as reported_cost_usd,
        valid_price.valid_from as price_valid_from,
        (
            (tokens.billable_input_tokens - tokens.billable_cached_tokens) * valid_price.input_usd_per_1m_tokens
            + tokens.billable_cached_tokens * valid_price.cached_input_usd_per_1m_tokens
            + tokens.billable_output_tokens * valid_price.output_usd_per_1m_tokens
        ) / 1000000.0 as priced_cost_usd,
        case
            when tokens.cost_usd is not null then 'reported'
            when valid_price.valid_from is not null then 'price_table'
            else 'unpriced'
        end as cost_source,
        tokens.cost_usd is null and valid_price.valid_from is null as is_unpriced,
        coalesce(
            tokens.cost_usd,
            (
                (tokens.billable_input_tokens - tokens.billable_cached_tokens) * valid_price.input_usd_per_1m_tokens
                + tokens.billable_cached_tokens * valid_price.cached_input_usd_per_1m_tokens
                + tokens.billable_output_tokens * valid_price.output_usd_per_1m_tokens
            ) / 1000000.0,
            0
        ) as cost_usd,
        tokens.has_invalid_tokens,
        tokens.ended_at,
        tokens.duration_ms,
        tokens.status,
        tokens.error_type,
        tokens.error_type_full,
        derived_tasks.last_loaded_at

    from tokens
    inner join derived_tasks
        on tokens.task_id = derived_tasks.task_id
    left join valid_price
        on tokens.event_id = valid_price.event_id

)

select * from final
