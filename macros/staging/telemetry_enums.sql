{#- Enum values of the raw contract (docs/contract.md). -#}
{% macro telemetry_enum(field) -%}
    {%- set enums = {
        'event_type': ['created', 'started', 'escalated', 'handed_off', 'resumed',
                       'completed', 'failed', 'abandoned', 'reopened'],
        'tool_status': ['success', 'error', 'timeout', 'denied'],
        'error_category': ['validation_failure', 'dependency_outage', 'policy_deny', 'timeout',
                           'rate_limited', 'auth_error', 'agent_error', 'unknown'],
        'verification_status': ['passed', 'failed', 'error', 'pending'],
        'intervention_kind': ['review', 'approval', 'edit', 'handoff', 'takeover'],
        'policy_decision': ['allow', 'deny', 'require_approval'],
        'severity': ['low', 'medium', 'high', 'critical'],
        'thumbs': ['up', 'down'],
        'evaluator_type': ['human', 'llm_judge', 'rule'],
        'release_component': ['agent', 'prompt', 'model', 'tool', 'policy', 'dataset', 'retrieval'],
    } -%}
    {{ return(enums[field]) }}
{%- endmacro %}

{#- A normalised enum column and its is_unknown_ flag. -#}
{% macro enum_columns(column, field, null_is_unknown=false) -%}
    {{ agent_kpis.normalize_enum(column, agent_kpis.telemetry_enum(field), null_is_unknown) }} as {{ column }},
        {{ agent_kpis.is_unknown_enum(column, agent_kpis.telemetry_enum(field), null_is_unknown) }} as is_unknown_{{ column }}
{%- endmacro %}
