{{
    config(
        materialized=agent_kpis.incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='task_id',
        on_schema_change='fail',
    )
}}
{#-
    One row per task, from one intermediate model per business process (docs/decisions.md,
    "Task facts"). Incremental: a run rebuilds every task whose newest row anywhere
    (int_task_loads) is past the newest last_loaded_at already in the table, minus
    var('incremental_lookback_hours'), from all of that task's rows.
-#}

with

task_loads as (

    select * from {{ ref('int_task_loads') }}

),

outcomes as (

    select * from {{ ref('int_task_outcomes_classified') }}

),

model_costs as (

    select * from {{ ref('int_task_model_costs') }}

),

human_time as (

    select * from {{ ref('int_task_human_time') }}

),

tool_signals as (

    select * from {{ ref('int_task_tool_signals') }}

),

trust_signals as (

    select * from {{ ref('int_task_trust_signals') }}

),

affected_tasks as (

    select
        task_loads.task_id,
        task_loads.last_loaded_at
    from task_loads
    {%- if is_incremental() %}
    where task_loads.last_loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
    {%- endif %}

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
        outcomes.failure_reason,
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
        {{ agent_kpis.exact_total('coalesce(human_time.human_minutes, 0)', 'minutes') }} as human_minutes,
        {{ agent_kpis.exact_total('coalesce(model_costs.model_cost_usd, 0)', 'money') }} as model_cost_usd,
        {{ agent_kpis.exact_total('coalesce(human_time.human_cost_usd, 0)', 'money') }} as human_cost_usd,
        {{ agent_kpis.exact_total('coalesce(model_costs.model_cost_usd, 0) + coalesce(human_time.human_cost_usd, 0)', 'money') }}
            as total_cost_usd,
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
        coalesce(model_costs.llm_call_count, 0) as llm_call_count,
        coalesce(model_costs.costed_llm_call_count, 0) as costed_llm_call_count,
        cast(coalesce(model_costs.input_tokens, 0) as bigint) as input_tokens,
        cast(coalesce(model_costs.output_tokens, 0) as bigint) as output_tokens,
        cast(coalesce(model_costs.cached_input_tokens, 0) as bigint) as cached_input_tokens,
        cast(coalesce(model_costs.cache_creation_input_tokens, 0) as bigint) as cache_creation_input_tokens,
        cast(coalesce(model_costs.reasoning_output_tokens, 0) as bigint) as reasoning_output_tokens,
        coalesce(tool_signals.tool_attempt_count, 0) as tool_attempt_count,
        coalesce(tool_signals.failed_tool_attempt_count, 0) as failed_tool_attempt_count,
        coalesce(tool_signals.tool_call_count, 0) as tool_call_count,
        coalesce(human_time.intervention_count, 0) as intervention_count,
        coalesce(human_time.has_handoff_or_takeover, false) as has_handoff_or_takeover,
        coalesce(human_time.has_edit_intervention, false) as has_edit_intervention,
        outcomes.is_terminal
        and not outcomes.is_escalated
        and not coalesce(human_time.has_handoff_or_takeover, false)
        and outcomes.terminal_event_type <> 'abandoned' as is_contained,
        outcomes.terminal_event_type = 'completed'
        and (outcomes.is_reopened or coalesce(human_time.has_edit_intervention, false)) as is_rework,
        coalesce(trust_signals.policy_violation_count, 0) as policy_violation_count,
        coalesce(trust_signals.policy_denial_count, 0) as policy_denial_count,
        coalesce(trust_signals.near_miss_count, 0) as near_miss_count,
        coalesce(trust_signals.approval_gated_action_count, 0) as approval_gated_action_count,
        coalesce(tool_signals.has_sensitive_tool_access, false)
        or coalesce(trust_signals.has_sensitive_policy_event, false) as has_sensitive_access,
        coalesce(trust_signals.feedback_count, 0) as feedback_count,
        coalesce(trust_signals.csat_response_count, 0) as csat_response_count,
        coalesce(trust_signals.csat_satisfied_count, 0) as csat_satisfied_count,
        coalesce(trust_signals.csat_sum, 0) as csat_sum,
        coalesce(trust_signals.nps_response_count, 0) as nps_response_count,
        coalesce(trust_signals.nps_promoter_count, 0) as nps_promoter_count,
        coalesce(trust_signals.nps_detractor_count, 0) as nps_detractor_count,
        coalesce(trust_signals.is_opted_out, false) as is_opted_out,
        coalesce(trust_signals.evaluation_count, 0) as evaluation_count,
        coalesce(trust_signals.evaluation_passed_count, 0) as evaluation_passed_count,
        {{ agent_kpis.exact_total('coalesce(trust_signals.business_value_usd, 0)', 'money') }} as business_value_usd,
        outcomes.is_unknown_task_type,
        outcomes.is_missing_created_event,
        coalesce(model_costs.llm_call_count, 0)
        > coalesce(model_costs.costed_llm_call_count, 0) as has_unpriced_llm_call,
        coalesce(human_time.has_unknown_role, false) as has_unknown_role,
        coalesce(human_time.has_negative_minutes, false) as has_negative_minutes,
        outcomes.has_clock_skew,
        coalesce(tool_signals.has_tool_clock_skew, false) as has_tool_clock_skew,
        outcomes.has_unknown_event_type,
        affected_tasks.last_loaded_at

    from outcomes
    inner join affected_tasks
        on outcomes.task_id = affected_tasks.task_id
    left join model_costs
        on outcomes.task_id = model_costs.task_id
    left join human_time
        on outcomes.task_id = human_time.task_id
    left join tool_signals
        on outcomes.task_id = tool_signals.task_id
    left join trust_signals
        on outcomes.task_id = trust_signals.task_id

)

select * from final
