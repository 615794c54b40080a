{%- set flags = [
    ('unknown_task_type', 'fct_tasks', 'is_unknown_task_type', 'Task type missing or not in task_definitions: its completed tasks cannot be verified.'),
    ('missing_created_event', 'fct_tasks', 'is_missing_created_event', 'No created event: created_at and cohort fields fall back to the earliest event.'),
    ('unknown_event_type', 'fct_tasks', 'has_unknown_event_type', 'A task event type outside the contract (kept as unknown).'),
    ('task_clock_skew', 'fct_tasks', 'has_clock_skew', 'resolved_at is before created_at.'),
    ('unpriced_llm_call', 'int_llm_calls_costed', 'is_unpriced', 'Model call without cost_usd and without a price in model_prices: costed 0.'),
    ('invalid_token_counts', 'int_llm_calls_costed', 'has_invalid_tokens', 'Negative token counts or cached tokens above input tokens.'),
    ('unknown_actor_role', 'int_human_interventions_costed', 'is_unknown_role', 'Intervention role not in human_cost_rates: costed 0.'),
    ('negative_minutes', 'int_human_interventions_costed', 'is_negative_minutes', 'Negative intervention minutes: kept, excluded from human minutes and cost.'),
    ('tool_clock_skew', 'fct_tool_calls', 'has_clock_skew', 'Tool attempt ended before it started: no duration.'),
    ('unknown_tool_status', 'stg_telemetry__tool_calls', 'is_unknown_status', 'Tool status missing or outside the contract.'),
    ('unknown_error_category', 'stg_telemetry__tool_calls', 'is_unknown_error_category', 'Tool error category outside the contract.'),
    ('orphan_tool_attempt', 'fct_tool_calls', 'is_orphan_attempt', 'Tool attempt whose task has no event (yet): late events are in flight for up to 3 days.'),
    ('unknown_verification_status', 'stg_telemetry__verifications', 'is_unknown_status', 'Verification status missing or outside the contract.'),
    ('unknown_intervention_kind', 'stg_telemetry__human_interventions', 'is_unknown_kind', 'Intervention kind missing or outside the contract.'),
    ('unknown_policy_decision', 'stg_telemetry__policy_events', 'is_unknown_decision', 'Policy decision outside the contract.'),
    ('out_of_range_feedback_score', 'stg_telemetry__feedback', 'has_out_of_range_score', 'CSAT outside 1..5 or NPS outside 0..10: set to null.'),
    ('out_of_range_evaluation_score', 'stg_telemetry__evaluations', 'has_out_of_range_score', 'Evaluation score outside 0..1: set to null.'),
] -%}
{%- for table in var('raw_tables') -%}
    {%- do flags.append(('invalid_field:' ~ table, 'stg_telemetry__' ~ table, 'has_unparseable_field',
        'An optional field held a value its type cannot hold (not a number, 1.5 as an integer, NaN, a named zone, a future timestamp, ...): set to null.')) -%}
    {%- do flags.append(('identity_conflict:' ~ table, 'stg_telemetry__' ~ table, 'has_identity_conflict',
        'Copies of one event_id disagree on the task, call or release it belongs to: the latest copy is kept.')) -%}
{%- endfor -%}
{%- set relations = flags | map(attribute=1) | unique | list -%}

with

{% for relation in relations %}
{{ relation }} as (

    select * from {{ ref(relation) }}

),

{% endfor %}
counted as (

    {% for flag_name, relation, column, description in flags %}
    select
        '{{ flag_name }}' as flag_name,
        '{{ relation }}' as flagged_model,
        {{ agent_kpis.sql_literal(description) }} as flag_description,
        count(case when {{ column }} then 1 end) as flagged_rows,
        count(*) as total_rows
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        flag_name,
        flagged_model,
        flag_description,
        flagged_rows,
        total_rows,
        {{ agent_kpis.safe_divide('flagged_rows', 'total_rows') }} as flagged_share

    from counted

)

select * from final
