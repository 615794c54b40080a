{#-
    One row per task (task_id) with a policy event, feedback, an evaluation or a business
    outcome: what the task did to trust and value, counted per task. Null where the task has
    none of that kind (fct_tasks reads null as 0 or false).
-#}
{{ config(**agent_kpis.incremental_by_task()) }}
with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

derived_tasks as (

    {{ agent_kpis.derived_tasks('task_loads') }}

),

policy_events as (

    select * from {{ ref('int_policy_events_unioned') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

feedback as (

    select * from {{ ref('stg_telemetry__feedback') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

evaluations as (

    select * from {{ ref('int_evaluations_unioned') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

business_outcomes as (

    select * from {{ ref('stg_telemetry__business_outcomes') }}
    where {{ agent_kpis.in_derived_tasks('task_id') }}

),

policy_per_task as (

    select
        task_id,
        count(case when is_violation then 1 end) as policy_violation_count,
        count(case when decision = 'deny' then 1 end) as policy_denial_count,
        count(case when is_near_miss then 1 end) as near_miss_count,
        count(case when decision = 'require_approval' then 1 end) as approval_gated_action_count,
        max(case when sensitive_field is not null then 1 else 0 end) = 1 as has_sensitive_policy_event
    from policy_events
    group by task_id

),

feedback_per_task as (

    select
        task_id,
        count(*) as feedback_count,
        count(csat) as csat_response_count,
        count(case when csat >= 4 then 1 end) as csat_satisfied_count,
        cast(sum(csat) as bigint) as csat_sum,
        count(nps) as nps_response_count,
        count(case when nps >= 9 then 1 end) as nps_promoter_count,
        count(case when nps <= 6 then 1 end) as nps_detractor_count,
        max(case when is_opted_out then 1 else 0 end) = 1 as is_opted_out
    from feedback
    group by task_id

),

evaluations_per_task as (

    select
        task_id,
        count(*) as evaluation_count,
        count(case when is_passed then 1 end) as evaluation_passed_count
    from evaluations
    group by task_id

),

value_per_task as (

    select
        task_id,
        {{ agent_kpis.exact_sum('value_usd', 'money') }} as business_value_usd
    from business_outcomes
    group by task_id

),

tasks as (

    select policy_per_task.task_id from policy_per_task
    union
    select feedback_per_task.task_id from feedback_per_task
    union
    select evaluations_per_task.task_id from evaluations_per_task
    union
    select value_per_task.task_id from value_per_task

),

final as (

    select
        tasks.task_id,
        policy_per_task.policy_violation_count,
        policy_per_task.policy_denial_count,
        policy_per_task.near_miss_count,
        policy_per_task.approval_gated_action_count,
        policy_per_task.has_sensitive_policy_event,
        feedback_per_task.feedback_count,
        feedback_per_task.csat_response_count,
        feedback_per_task.csat_satisfied_count,
        feedback_per_task.csat_sum,
        feedback_per_task.nps_response_count,
        feedback_per_task.nps_promoter_count,
        feedback_per_task.nps_detractor_count,
        feedback_per_task.is_opted_out,
        evaluations_per_task.evaluation_count,
        evaluations_per_task.evaluation_passed_count,
        value_per_task.business_value_usd,
        derived_tasks.last_loaded_at
    from tasks
    inner join derived_tasks
        on tasks.task_id = derived_tasks.task_id
    left join policy_per_task
        on tasks.task_id = policy_per_task.task_id
    left join feedback_per_task
        on tasks.task_id = feedback_per_task.task_id
    left join evaluations_per_task
        on tasks.task_id = evaluations_per_task.task_id
    left join value_per_task
        on tasks.task_id = value_per_task.task_id

)

select * from final
