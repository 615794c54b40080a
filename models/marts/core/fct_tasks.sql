{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='task_id',
        on_schema_change='fail',
    )
}}
{#-
    Incremental: a run rebuilds the row of every task that received any row (event, tool
    call, model call, verification, intervention, policy event, feedback, evaluation or
    business outcome; from the contract's tables or from traces) since the newest last_loaded_at already in the table, minus
    var('incremental_lookback_hours'), from all of that task's rows.
-#}
{%- set attached = {
    'staged_task_events': 'int_task_events_unioned', 'staged_tool_calls': 'int_tool_calls_unioned',
    'staged_llm_calls': 'int_llm_calls_unioned', 'staged_verifications': 'stg_telemetry__verifications',
    'staged_human_interventions': 'stg_telemetry__human_interventions',
    'staged_policy_events': 'int_policy_events_unioned', 'staged_feedback': 'stg_telemetry__feedback',
    'staged_evaluations': 'stg_telemetry__evaluations', 'staged_business_outcomes': 'stg_telemetry__business_outcomes',
} -%}

with

{% for name, model in attached.items() %}
{{ name }} as (

    select * from {{ ref(model) }}

),

{% endfor %}
task_loads as (

    {%- for name in attached %}
    select
        task_id,
        loaded_at
    from {{ name }}
    {%- if is_incremental() %}
    where loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

affected_tasks as (

    select
        task_id,
        max(loaded_at) as last_loaded_at
    from task_loads
    group by task_id

),

outcomes as (

    select * from {{ ref('int_task_outcomes_classified') }}
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

llm_calls as (

    select * from {{ ref('int_llm_calls_costed') }}
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

interventions as (

    select * from {{ ref('int_human_interventions_costed') }}
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

tool_attempts as (

    select * from {{ ref('int_tool_attempts_chained') }}
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

policy_events as (

    select * from staged_policy_events
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

feedback as (

    select * from staged_feedback
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

evaluations as (

    select * from staged_evaluations
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

business_outcomes as (

    select * from staged_business_outcomes
    where task_id in (select affected_tasks.task_id from affected_tasks)

),

model_cost_per_task as (

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

human_time_per_task as (

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

tool_use_per_task as (

    select
        task_id,
        count(*) as tool_attempt_count,
        count(case when status <> 'success' then 1 end) as failed_tool_attempt_count,
        count(distinct call_id) as tool_call_count,
        max(case when sensitive_field_count > 0 then 1 else 0 end) = 1 as has_sensitive_tool_access,
        max(case when has_clock_skew then 1 else 0 end) = 1 as has_tool_clock_skew
    from tool_attempts
    group by task_id

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
        sum({{ agent_kpis.exact_sum_cast('value_usd', 'money') }}) as business_value_usd
    from business_outcomes
    group by task_id

),

final as (

    select
        outcomes.task_id,
        outcomes.created_at,
        cast(outcomes.created_at as date) as created_date,
        outcomes.resolved_at,
        cast(outcomes.resolved_at as date) as resolved_date,
        outcomes.outcome,
        outcomes.is_terminal,
        outcomes.terminal_event_type,
        outcomes.is_escalated,
        outcomes.is_reopened,
        outcomes.resolution_minutes,
        outcomes.sla_minutes,
        case
            when outcomes.terminal_event_type = 'completed' and outcomes.sla_minutes is not null
                then outcomes.resolution_minutes <= outcomes.sla_minutes
        end as is_within_sla,
        outcomes.required_check_count,
        outcomes.passed_check_count,
        outcomes.failed_check_count,
        outcomes.missing_check_count,
        coalesce(human_time_per_task.human_minutes, 0) as human_minutes,
        coalesce(model_cost_per_task.model_cost_usd, 0) as model_cost_usd,
        coalesce(human_time_per_task.human_cost_usd, 0) as human_cost_usd,
        coalesce(model_cost_per_task.model_cost_usd, 0)
        + coalesce(human_time_per_task.human_cost_usd, 0) as total_cost_usd,
        outcomes.agent_id,
        outcomes.agent_version,
        outcomes.prompt_version,
        outcomes.model,
        outcomes.task_type,
        outcomes.channel,
        outcomes.region,
        outcomes.product_line,
        outcomes.customer_tier,
        outcomes.customer_key,
        coalesce(model_cost_per_task.llm_call_count, 0) as llm_call_count,
        coalesce(model_cost_per_task.costed_llm_call_count, 0) as costed_llm_call_count,
        cast(coalesce(model_cost_per_task.input_tokens, 0) as bigint) as input_tokens,
        cast(coalesce(model_cost_per_task.output_tokens, 0) as bigint) as output_tokens,
        cast(coalesce(model_cost_per_task.cached_input_tokens, 0) as bigint) as cached_input_tokens,
        coalesce(tool_use_per_task.tool_attempt_count, 0) as tool_attempt_count,
        coalesce(tool_use_per_task.failed_tool_attempt_count, 0) as failed_tool_attempt_count,
        coalesce(tool_use_per_task.tool_call_count, 0) as tool_call_count,
        coalesce(human_time_per_task.intervention_count, 0) as intervention_count,
        coalesce(human_time_per_task.has_handoff_or_takeover, false) as has_handoff_or_takeover,
        coalesce(human_time_per_task.has_edit_intervention, false) as has_edit_intervention,
        outcomes.is_terminal
        and not outcomes.is_escalated
        and not coalesce(human_time_per_task.has_handoff_or_takeover, false)
        and outcomes.terminal_event_type <> 'abandoned' as is_contained,
        outcomes.terminal_event_type = 'completed'
        and (outcomes.is_reopened or coalesce(human_time_per_task.has_edit_intervention, false)) as is_rework,
        coalesce(policy_per_task.policy_violation_count, 0) as policy_violation_count,
        coalesce(policy_per_task.policy_denial_count, 0) as policy_denial_count,
        coalesce(policy_per_task.near_miss_count, 0) as near_miss_count,
        coalesce(policy_per_task.approval_gated_action_count, 0) as approval_gated_action_count,
        coalesce(tool_use_per_task.has_sensitive_tool_access, false)
        or coalesce(policy_per_task.has_sensitive_policy_event, false) as has_sensitive_access,
        coalesce(feedback_per_task.feedback_count, 0) as feedback_count,
        coalesce(feedback_per_task.csat_response_count, 0) as csat_response_count,
        coalesce(feedback_per_task.csat_satisfied_count, 0) as csat_satisfied_count,
        coalesce(feedback_per_task.csat_sum, 0) as csat_sum,
        coalesce(feedback_per_task.nps_response_count, 0) as nps_response_count,
        coalesce(feedback_per_task.nps_promoter_count, 0) as nps_promoter_count,
        coalesce(feedback_per_task.nps_detractor_count, 0) as nps_detractor_count,
        coalesce(feedback_per_task.is_opted_out, false) as is_opted_out,
        coalesce(evaluations_per_task.evaluation_count, 0) as evaluation_count,
        coalesce(evaluations_per_task.evaluation_passed_count, 0) as evaluation_passed_count,
        coalesce(value_per_task.business_value_usd, 0) as business_value_usd,
        outcomes.is_unknown_task_type,
        outcomes.is_missing_created_event,
        coalesce(model_cost_per_task.llm_call_count, 0)
        > coalesce(model_cost_per_task.costed_llm_call_count, 0) as has_unpriced_llm_call,
        coalesce(human_time_per_task.has_unknown_role, false) as has_unknown_role,
        coalesce(human_time_per_task.has_negative_minutes, false) as has_negative_minutes,
        outcomes.has_clock_skew,
        coalesce(tool_use_per_task.has_tool_clock_skew, false) as has_tool_clock_skew,
        outcomes.has_unknown_event_type,
        affected_tasks.last_loaded_at

    from outcomes
    inner join affected_tasks
        on outcomes.task_id = affected_tasks.task_id
    left join model_cost_per_task
        on outcomes.task_id = model_cost_per_task.task_id
    left join human_time_per_task
        on outcomes.task_id = human_time_per_task.task_id
    left join tool_use_per_task
        on outcomes.task_id = tool_use_per_task.task_id
    left join policy_per_task
        on outcomes.task_id = policy_per_task.task_id
    left join feedback_per_task
        on outcomes.task_id = feedback_per_task.task_id
    left join evaluations_per_task
        on outcomes.task_id = evaluations_per_task.task_id
    left join value_per_task
        on outcomes.task_id = value_per_task.task_id

)

select * from final
