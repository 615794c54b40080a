{#-
    The KPI formulas of docs/kpis.md sections 3-5, written once. Each entry:
      kpi       the public kpi_name
      kind      ratio (value = numerator / denominator, NULL when the denominator is 0),
                count (value = numerator, no denominator), or
                statistic (value only: percentiles)
      numerator / denominator / value: aggregate expressions over the input rows
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
         'value': agent_kpis.percentile_cont("case when terminal_event_type = 'completed' then resolution_minutes end", 0.5)},
        {'kpi': 'ttr_p90_minutes', 'kind': 'statistic',
         'value': agent_kpis.percentile_cont("case when terminal_event_type = 'completed' then resolution_minutes end", 0.9)},
        {'kpi': 'sla_attainment_rate', 'kind': 'ratio',
         'numerator': 'count(case when is_within_sla then 1 end)', 'denominator': 'count(is_within_sla)'},
        {'kpi': 'human_minutes_per_task', 'kind': 'ratio',
         'numerator': 'sum(human_minutes)', 'denominator': 'count(*)'},
        {'kpi': 'cost_per_successful_task_usd', 'kind': 'ratio',
         'numerator': 'sum(total_cost_usd)',
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
        {'kpi': 'business_value_usd', 'kind': 'count', 'numerator': 'sum(business_value_usd)'},
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
        {'kpi': 'tool_latency_p50_ms', 'kind': 'statistic', 'value': agent_kpis.percentile_cont('duration_ms', 0.5)},
        {'kpi': 'tool_latency_p95_ms', 'kind': 'statistic', 'value': agent_kpis.percentile_cont('duration_ms', 0.95)},
    ]) }}
{%- endmacro %}

{#- Model-call KPIs over calls (fct_llm_calls); a call counts on its UTC start date. Calls whose
    input does not report a status (the contract's llm_calls) are outside the error rate. -#}
{% macro llm_kpi_definitions() -%}
    {{ return([
        {'kpi': 'model_call_error_rate', 'kind': 'ratio',
         'numerator': "count(case when status = 'error' then 1 end)", 'denominator': 'count(status)'},
        {'kpi': 'model_latency_p50_ms', 'kind': 'statistic', 'value': agent_kpis.percentile_cont('duration_ms', 0.5)},
        {'kpi': 'model_latency_p95_ms', 'kind': 'statistic', 'value': agent_kpis.percentile_cont('duration_ms', 0.95)},
    ]) }}
{%- endmacro %}

{#- Aggregate columns <kpi>__numerator, <kpi>__denominator, <kpi>__value for a definition list. -#}
{% macro kpi_aggregates(definitions) -%}
    {%- for d in definitions %}
        {%- if d.kind == 'ratio' %}
        cast({{ d.numerator }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__numerator,
        cast({{ d.denominator }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__denominator,
        {{ agent_kpis.safe_divide(d.numerator, d.denominator) }} as {{ d.kpi }}__value
        {%- elif d.kind == 'count' %}
        cast({{ d.numerator }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__numerator,
        cast(null as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__denominator,
        cast(coalesce({{ d.numerator }}, 0) as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__value
        {%- else %}
        cast(null as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__numerator,
        cast(null as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__denominator,
        cast({{ d.value }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__value
        {%- endif %}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- One row per KPI from a wide relation of kpi_aggregates columns. -#}
{% macro kpi_unpivot(relation, definitions, keys, volume) -%}
    {%- for d in definitions %}
    select
        {{ keys | join(', ') }},
        '{{ d.kpi }}' as kpi_name,
        {{ d.kpi }}__value as kpi_value,
        {{ d.kpi }}__numerator as numerator,
        {{ d.kpi }}__denominator as denominator,
        {{ volume }} as volume
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- Period columns of a date: the day, the Monday of its ISO week, the first of its month. -#}
{% macro period_columns(date_column) -%}
        {{ date_column }} as period_day,
        cast({{ dbt.date_trunc('week', date_column) }} as date) as period_week,
        cast({{ dbt.date_trunc('month', date_column) }} as date) as period_month
{%- endmacro %}

{#-
    Repeats each row once per period grain: (period_grain, period_start) is
    (day, period_day), (week, period_week), (month, period_month) and (all, null), so one
    plain GROUP BY gives every grain.
-#}
{% macro expand_periods(relation) -%}
    {%- for grain in ['day', 'week', 'month', 'all'] %}
    select
        *,
        '{{ grain }}' as period_grain,
        {% if grain == 'all' %}cast(null as date){% else %}period_{{ grain }}{% endif %} as period_start
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- The cohort dimensions of kpi_by_cohort; 'overall' is the scorecard. -#}
{% macro cohort_dimensions() -%}
    {{ return(['agent_id', 'agent_version', 'task_type', 'channel', 'region', 'product_line', 'customer_tier']) }}
{%- endmacro %}

{#- Repeats each row once overall and once per cohort dimension (cohort_dimension, cohort_value). -#}
{% macro expand_cohorts(relation) -%}
    select *, 'overall' as cohort_dimension, 'all' as cohort_value from {{ relation }}
    {%- for dim in agent_kpis.cohort_dimensions() %}
    union all
    select *, '{{ dim }}' as cohort_dimension, coalesce({{ dim }}, '(missing)') as cohort_value from {{ relation }}
    {%- endfor %}
{%- endmacro %}

{#-
    Two-sided p-value of a two-proportion z-test (pooled), x successes of n per side.
    The normal tail uses the Abramowitz-Stegun 7.1.26 erfc approximation (|error| < 1.5e-7),
    so it needs nothing beyond exp and sqrt. NULL when a side is empty or the pooled
    proportion is 0 or 1.
-#}
{% macro two_proportion_p_value(x1, n1, x2, n2) -%}
    {%- set p_pool = '((' ~ x1 ~ ' + ' ~ x2 ~ ') * 1.0 / nullif(' ~ n1 ~ ' + ' ~ n2 ~ ', 0))' -%}
    {%- set se = 'sqrt(' ~ p_pool ~ ' * (1 - ' ~ p_pool ~ ') * (1.0 / nullif(' ~ n1 ~ ', 0) + 1.0 / nullif(' ~ n2 ~ ', 0)))' -%}
    {%- set z = '(abs(' ~ x2 ~ ' * 1.0 / nullif(' ~ n2 ~ ', 0) - ' ~ x1 ~ ' * 1.0 / nullif(' ~ n1 ~ ', 0)) / nullif(' ~ se ~ ', 0))' -%}
    {{ agent_kpis.normal_two_sided_tail(z) }}
{%- endmacro %}

{% macro normal_two_sided_tail(z) -%}
    {%- set x = '(' ~ z ~ ' / sqrt(2.0))' -%}
    {%- set t = '(1.0 / (1.0 + 0.3275911 * ' ~ x ~ '))' -%}
    (
        {{ t }} * (0.254829592 + {{ t }} * (-0.284496736 + {{ t }} * (1.421413741
        + {{ t }} * (-1.453152027 + {{ t }} * 1.061405429))))
        * exp(-{{ x }} * {{ x }})
    )
{%- endmacro %}
