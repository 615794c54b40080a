{#- One row per task (task_id) with human interventions: minutes, cost and what kind of help. -#}
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

interventions as (

    select * from {{ ref('int_human_interventions_costed') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

per_task as (

    select
        task_id,
        count(*) as intervention_count,
        sum({{ agent_kpis.exact_sum_cast('counted_minutes', 'minutes') }}) as human_minutes,
        sum({{ agent_kpis.exact_sum_cast('human_cost_usd', 'money') }}) as human_cost_usd,
        max(case when kind in ('handoff', 'takeover') then 1 else 0 end) = 1 as has_handoff_or_takeover,
        max(case when kind = 'edit' then 1 else 0 end) = 1 as has_edit_intervention,
        max(case when is_negative_minutes then 1 else 0 end) = 1 as has_negative_minutes,
        max(case when is_unknown_role then 1 else 0 end) = 1 as has_unknown_role
    from interventions
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
