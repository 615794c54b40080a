{{
    config(
        materialized=agent_kpis.incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='task_id',
        on_schema_change='fail',
        meta={'rows_loaded_at_column': 'last_loaded_at'},
    )
}}
{#-
    One row per task (task_id) that has any row in any input, with the newest loaded_at of
    those rows. The per-task intermediate models and the facts re-derive the tasks whose
    last_loaded_at is past their watermark: a task with one new row anywhere (an event, a
    tool or model call, a check, a human intervention, a policy event, feedback, an
    evaluation, a business outcome) is re-derived from all of its rows. Incremental: a run
    reads only the rows loaded since the newest last_loaded_at in the table (minus the
    lookback).
-#}
{%- set since_watermark -%}
{%- if is_incremental() %}
    where loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
{%- endif %}
{%- endset %}

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

    select * from {{ ref('int_evaluations_unioned') }}

),

business_outcomes as (

    select * from {{ ref('stg_telemetry__business_outcomes') }}

),

loads as (

    select
        task_events.task_id,
        task_events.loaded_at
    from task_events{{ since_watermark }}
    union all
    select
        tool_calls.task_id,
        tool_calls.loaded_at
    from tool_calls{{ since_watermark }}
    union all
    select
        llm_calls.task_id,
        llm_calls.loaded_at
    from llm_calls{{ since_watermark }}
    union all
    select
        verifications.task_id,
        verifications.loaded_at
    from verifications{{ since_watermark }}
    union all
    select
        human_interventions.task_id,
        human_interventions.loaded_at
    from human_interventions{{ since_watermark }}
    union all
    select
        policy_events.task_id,
        policy_events.loaded_at
    from policy_events{{ since_watermark }}
    union all
    select
        feedback.task_id,
        feedback.loaded_at
    from feedback{{ since_watermark }}
    union all
    select
        evaluations.task_id,
        evaluations.loaded_at
    from evaluations{{ since_watermark }}
    union all
    select
        business_outcomes.task_id,
        business_outcomes.loaded_at
    from business_outcomes{{ since_watermark }}

),

final as (

    select
        task_id,
        max(loaded_at) as last_loaded_at
    from loads
    group by task_id

)

select * from final
