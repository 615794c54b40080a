{#-
    One row per task (task_id) that has any row in any input, with the newest loaded_at of
    those rows. fct_tasks rebuilds the tasks whose last_loaded_at is past its watermark: a
    task with one new row anywhere (an event, a tool or model call, a check, a human
    intervention, a policy event, feedback, an evaluation, a business outcome) is rebuilt
    from all of its rows.
-#}
with

task_events as (

    select * from {{ ref('int_task_events_unioned') }}

),

tool_calls as (

    select * from {{ ref('int_tool_calls_unioned') }}

),

llm_calls as (

    select * from {{ ref('int_llm_calls_unioned') }}

),

verifications as (

    select * from {{ ref('stg_telemetry__verifications') }}

),

human_interventions as (

    select * from {{ ref('stg_telemetry__human_interventions') }}

),

policy_events as (

    select * from {{ ref('int_policy_events_unioned') }}

),

feedback as (

    select * from {{ ref('stg_telemetry__feedback') }}

),

evaluations as (

    select * from {{ ref('stg_telemetry__evaluations') }}

),

business_outcomes as (

    select * from {{ ref('stg_telemetry__business_outcomes') }}

),

loads as (

    select
        task_events.task_id,
        task_events.loaded_at
    from task_events
    union all
    select
        tool_calls.task_id,
        tool_calls.loaded_at
    from tool_calls
    union all
    select
        llm_calls.task_id,
        llm_calls.loaded_at
    from llm_calls
    union all
    select
        verifications.task_id,
        verifications.loaded_at
    from verifications
    union all
    select
        human_interventions.task_id,
        human_interventions.loaded_at
    from human_interventions
    union all
    select
        policy_events.task_id,
        policy_events.loaded_at
    from policy_events
    union all
    select
        feedback.task_id,
        feedback.loaded_at
    from feedback
    union all
    select
        evaluations.task_id,
        evaluations.loaded_at
    from evaluations
    union all
    select
        business_outcomes.task_id,
        business_outcomes.loaded_at
    from business_outcomes

),

final as (

    select
        task_id,
        max(loaded_at) as last_loaded_at
    from loads
    group by task_id

)

select * from final
