{#- One row per task (task_id) with human interventions: minutes, cost and what kind of help. -#}
{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

interventions as (

    select * from {{ ref('int_human_interventions_costed') }}

),

final as (

    select
        interventions.task_id,
        count(*) as intervention_count,
        {{ agent_kpis.exact_sum('interventions.counted_minutes', 'minutes') }} as human_minutes,
        {{ agent_kpis.exact_sum('interventions.human_cost_usd', 'money') }} as human_cost_usd,
        max(case when interventions.kind in ('handoff', 'takeover') then 1 else 0 end) = 1 as has_handoff_or_takeover,
        max(case when interventions.kind = 'edit' then 1 else 0 end) = 1 as has_edit_intervention,
        max(case when interventions.is_negative_minutes then 1 else 0 end) = 1 as has_negative_minutes,
        max(case when interventions.is_unknown_role then 1 else 0 end) = 1 as has_unknown_role,
        derived_tasks.last_loaded_at
    from interventions
    inner join derived_tasks
        on interventions.task_id = derived_tasks.task_id
    group by interventions.task_id, derived_tasks.last_loaded_at

)

select * from final
