{#-
    The KPI formulas of docs/kpis.md sections 3-5, written once. Each entry:
      kpi       the public kpi_name
      kind      ratio (value = numerator / denominator, NULL when the denominator is 0),
                count (value = numerator, no denominator), or
                statistic (value only: the percentile `fraction` of the expression `of`)
      numerator / denominator: aggregate expressions over the input rows
    Numerators are scaled so that value = numerator / denominator always holds (nps and
    policy_denials_per_100_tasks carry the factor 100), so BI tools can roll up by summing
    numerators and denominators.
-#}
{% macro task_kpi_definitions() -%}
    {{ return([
        {'kpi': 'terminal_tasks', 'kind': 'count', 'numerator': 'count(*)'},
        {'kpi': 'task_success_rate', 'kind': 'ratio',
         'numerator': "count(case when outcome = 'verified_success' then 1 end)", 'denominator': 'count(*)'},
        {'kpi': 'escalation_rate', 'kind': 'ratio',
         'numerator': 'count(case when is_escalated then 1 end)', 'denominator': 'count(*)'},
        {'kpi': 'containment_rate', 'kind': 'ratio',
         'numerator': 'count(case when is_contained then 1 end)', 'denominator': 'count(*)'},
        {'kpi': 'ttr_p50_minutes', 'kind': 'statistic',
         'of': "case when terminal_event_type = 'completed' then resolution_minutes end", 'fraction': 0.5},
        {'kpi': 'ttr_p90_minutes', 'kind': 'statistic',
         'of': "case when terminal_event_type = 'completed' then resolution_minutes end", 'fraction': 0.9},
        {'kpi': 'sla_attainment_rate', 'kind': 'ratio',
         'numerator': 'count(case when is_within_sla then 1 end)', 'denominator': 'count(is_within_sla)'},
        {'kpi': 'human_minutes_per_task', 'kind': 'ratio',
         'numerator': agent_kpis.exact_sum('human_minutes', 'minutes'), 'denominator': 'count(*)'},
        {'kpi': 'cost_per_successful_task_usd', 'kind': 'ratio',
         'numerator': agent_kpis.exact_sum('total_cost_usd', 'money'),
         'denominator': "count(case when outcome = 'verified_success' then 1 end)"},
        {'kpi': 'rework_rate', 'kind': 'ratio',
         'numerator': 'count(case when is_rework then 1 end)',
         'denominator': "count(case when terminal_event_type = 'completed' then 1 end)"},
        {'kpi': 'eval_pass_rate', 'kind': 'ratio',
         'numerator': 'sum(evaluation_passed_count)', 'denominator': 'sum(evaluation_count)'},
        {'kpi': 'eval_coverage_rate', 'kind': 'ratio',
         'numerator': 'count(case when evaluation_count > 0 then 1 end)', 'denominator': 'count(*)'},
        {'kpi': 'csat_pct_satisfied', 'kind': 'ratio',
         'numerator': 'sum(csat_satisfied_count)', 'denominator': 'sum(csat_response_count)'},
        {'kpi': 'csat_avg', 'kind': 'ratio',
         'numerator': 'sum(csat_sum)', 'denominator': 'sum(csat_response_count)'},
        {'kpi': 'nps', 'kind': 'ratio',
         'numerator': '100 * (sum(nps_promoter_count) - sum(nps_detractor_count))',
         'denominator': 'sum(nps_response_count)'},
        {'kpi': 'feedback_response_rate', 'kind': 'ratio',
         'numerator': 'count(case when feedback_count > 0 then 1 end)', 'denominator': 'count(*)'},
        {'kpi': 'opt_out_rate', 'kind': 'ratio',
         'numerator': 'count(case when is_opted_out then 1 end)', 'denominator': 'count(*)'},
        {'kpi': 'business_value_usd', 'kind': 'count',
         'numerator': agent_kpis.exact_sum('business_value_usd', 'money')},
        {'kpi': 'tokens_per_successful_task', 'kind': 'ratio',
         'numerator': 'sum(input_tokens + output_tokens)',
         'denominator': "count(case when outcome = 'verified_success' then 1 end)"},
        {'kpi': 'cache_hit_share', 'kind': 'ratio',
         'numerator': 'sum(cached_input_tokens)', 'denominator': 'sum(input_tokens)'},
        {'kpi': 'policy_violation_rate', 'kind': 'ratio',
         'numerator': 'count(case when policy_violation_count > 0 then 1 end)', 'denominator': 'count(*)'},
        {'kpi': 'policy_denials_per_100_tasks', 'kind': 'ratio',
         'numerator': '100 * sum(policy_denial_count)', 'denominator': 'count(*)'},
        {'kpi': 'near_misses', 'kind': 'count', 'numerator': 'sum(near_miss_count)'},
        {'kpi': 'approval_gated_actions', 'kind': 'count', 'numerator': 'sum(approval_gated_action_count)'},
        {'kpi': 'sensitive_access_rate', 'kind': 'ratio',
         'numerator': 'count(case when has_sensitive_access then 1 end)', 'denominator': 'count(*)'},
    ]) }}
{%- endmacro %}

{#- Tool KPIs (section 4) over attempts; a logical call counts on its first attempt's date. -#}
{% macro tool_kpi_definitions() -%}
    {{ return([
        {'kpi': 'tool_attempt_success_rate', 'kind': 'ratio',
         'numerator': "count(case when status = 'success' then 1 end)", 'denominator': 'count(*)'},
        {'kpi': 'tool_call_success_rate', 'kind': 'ratio',
         'numerator': 'count(case when attempt_order = 1 and is_call_successful then 1 end)',
         'denominator': 'count(case when attempt_order = 1 then 1 end)'},
        {'kpi': 'tool_retry_rate', 'kind': 'ratio',
         'numerator': 'count(case when attempt_order = 1 and call_attempt_count > 1 then 1 end)',
         'denominator': 'count(case when attempt_order = 1 then 1 end)'},
        {'kpi': 'tool_validation_failure_rate', 'kind': 'ratio',
         'numerator': "count(case when error_category = 'validation_failure' then 1 end)", 'denominator': 'count(*)'},
        {'kpi': 'tool_dependency_error_rate', 'kind': 'ratio',
         'numerator': "count(case when error_category in ('dependency_outage', 'timeout', 'rate_limited') then 1 end)",
         'denominator': 'count(*)'},
        {'kpi': 'tool_policy_deny_rate', 'kind': 'ratio',
         'numerator': "count(case when status = 'denied' or error_category = 'policy_deny' then 1 end)",
         'denominator': 'count(*)'},
        {'kpi': 'duplicate_side_effects', 'kind': 'count',
         'numerator': 'count(case when is_duplicate_side_effect then 1 end)'},
        {'kpi': 'missing_idempotency_key_rate', 'kind': 'ratio',
         'numerator': 'count(case when is_side_effecting and not has_idempotency_key then 1 end)',
         'denominator': 'count(case when is_side_effecting then 1 end)'},
        {'kpi': 'tool_latency_p50_ms', 'kind': 'statistic', 'of': 'duration_ms', 'fraction': 0.5},
        {'kpi': 'tool_latency_p95_ms', 'kind': 'statistic', 'of': 'duration_ms', 'fraction': 0.95},
    ]) }}
{%- endmacro %}

{#- Model-call KPIs over calls (fct_llm_calls); a call counts on its UTC start date. Calls whose
    input does not report a status (the contract's llm_calls) are outside the error rate. -#}
{% macro llm_kpi_definitions() -%}
    {{ return([
        {'kpi': 'model_call_error_rate', 'kind': 'ratio',
         'numerator': "count(case when status = 'error' then 1 end)", 'denominator': 'count(status)'},
        {'kpi': 'model_latency_p50_ms', 'kind': 'statistic', 'of': 'duration_ms', 'fraction': 0.5},
        {'kpi': 'model_latency_p95_ms', 'kind': 'statistic', 'of': 'duration_ms', 'fraction': 0.95},
    ]) }}
{%- endmacro %}
