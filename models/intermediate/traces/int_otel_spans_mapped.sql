{{
    config(
        materialized=agent_kpis.incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='trace_id',
        on_schema_change='fail',
    )
}}
{#-
    One row per staged span: its role (agent, llm, tool, tool_call, guardrail, evaluator;
    null for spans the mapping does not use) from the seed otel_span_roles, and the contract
    fields read from its attributes through the seed otel_attribute_aliases (first key with
    a value, by priority). The task id and cohort fields of the vars are read here too, on
    the span itself; int_otel_tasks falls back to the task span, nested agent spans and the
    resource. Incremental per trace: a run re-maps every span of each trace that received a
    span.
-#}
{%- set roles = agent_kpis.seed_rows('otel_span_roles', 'priority') -%}
{%- set aliases = agent_kpis.seed_rows('otel_attribute_aliases', 'contract_field, priority') -%}
{%- set cohort_fields = var('otel_attribute_map') -%}
{%- set task_id_keys = var('otel_task_id_attributes') -%}
{%- set text_fields = ['model', 'provider', 'tool_name', 'tool_call_id', 'tool_status', 'error_type',
                       'evaluation_name', 'evaluation_label', 'evaluation_passed'] -%}
{%- set token_fields = ['input_tokens', 'output_tokens', 'cached_input_tokens', 'cache_creation_input_tokens',
                        'reasoning_output_tokens'] -%}
{%- set retry_keys = agent_kpis.otel_alias_keys(aliases, 'tool_retry_marker') -%}
{%- set guardrail_keys = agent_kpis.otel_alias_keys(aliases, 'guardrail_triggered') -%}
{%- set retry_marker = agent_kpis.otel_span_lookup('narrowed.mapped_attributes', 'narrowed.span_name', retry_keys) -%}
{%- set guardrail = agent_kpis.otel_span_lookup('narrowed.mapped_attributes', 'narrowed.span_name', guardrail_keys) -%}
{%- set role_keys = [] -%}
{%- for role in roles if role.attribute_key != 'span.name' and role.attribute_key not in role_keys -%}
    {%- do role_keys.append(role.attribute_key) -%}
{%- endfor -%}
{%- set lookups = {} -%}
{%- for field in text_fields + token_fields + ['evaluation_score'] -%}
{%- do lookups.update({field: agent_kpis.otel_span_lookup(
    'narrowed.mapped_attributes', 'narrowed.span_name', agent_kpis.otel_alias_keys(aliases, field)
)}) -%}
{%- endfor %}
-- depends_on: {{ ref('otel_span_roles') }}, {{ ref('otel_attribute_aliases') }}

with

spans as (

    select * from {{ ref('stg_otel__spans') }}
    where {{ agent_kpis.otel_arrived_traces(ref('stg_otel__spans')) }}

),

narrowed as (

    -- only the attributes some mapping reads: the lookups below scan short lists
    select
        *,
        {{ agent_kpis.otel_attributes_with_keys('attributes', agent_kpis.otel_mapped_keys()) }} as mapped_attributes

    from spans

),

final as (

    select
        narrowed.span_key,
        narrowed.trace_id,
        narrowed.span_id,
        narrowed.parent_span_id,
        narrowed.span_name,
        {{ agent_kpis.otel_span_role('narrowed.mapped_attributes', roles, 'narrowed.span_name') }} as span_role,
        -- the operation the span says it is, by the first role attribute it has (CHAIN, chat, ...)
        {{ agent_kpis.otel_first_attribute(['narrowed.mapped_attributes'], role_keys) }} as operation_kind,
        narrowed.span_kind_code,
        narrowed.started_at,
        narrowed.ended_at,
        narrowed.duration_ms,
        narrowed.status_code,
        narrowed.is_error,
        narrowed.status_message_masked,
        narrowed.exception_type,
        {%- for field in text_fields %}
        {{ lookups[field] }} as {{ field }},
        {%- endfor %}
        {{ agent_kpis.parse_decimal(lookups.evaluation_score) }} as evaluation_score,
        {%- for field in token_fields %}
        {{ agent_kpis.parse_integer(lookups[field]) }} as {{ field }},
        {%- endfor %}
        {{ retry_marker }} is not null as has_retry_marker,
        coalesce(lower({{ guardrail }}) in ('true', '1'), false) as is_guardrail_triggered,
        {{ agent_kpis.otel_span_lookup('narrowed.mapped_attributes', 'narrowed.span_name', task_id_keys) }} as task_id_attribute,
        {{ agent_kpis.otel_span_lookup('narrowed.resource_attributes', none, task_id_keys) }} as resource_task_id_attribute,
        {%- for field, keys in cohort_fields.items() %}
        {{ agent_kpis.otel_span_lookup('narrowed.mapped_attributes', 'narrowed.span_name', keys) }} as {{ field }}_attribute,
        {{ agent_kpis.otel_span_lookup('narrowed.resource_attributes', none, keys) }} as resource_{{ field }}_attribute,
        {%- endfor %}
        narrowed.source_file,
        max(narrowed.loaded_at) over (partition by narrowed.trace_id) as loaded_at

    from narrowed

)

select * from final
