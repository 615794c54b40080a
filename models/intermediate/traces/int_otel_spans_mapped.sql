{{
    config(
        materialized=agent_kpis.incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key='trace_id',
        on_schema_change='fail',
    )
}}
{#-
    One row per staged span: its role (agent, llm, tool, guardrail; null for spans the
    mapping does not use) from the seed otel_span_roles, and the contract fields read from
    its attributes through the seed otel_attribute_aliases (first key with a value, by
    priority). The task id and cohort fields of the vars are read here too, on the span
    itself; int_otel_tasks falls back to nested agent spans and the resource. Incremental
    per trace: a run re-maps every span of each trace that received a span.
-#}
{%- set roles = agent_kpis.seed_rows('otel_span_roles', 'attribute_key, attribute_value') -%}
{%- set aliases = agent_kpis.seed_rows('otel_attribute_aliases', 'contract_field, priority') -%}
{%- set cohort_fields = var('otel_attribute_map') -%}
{%- set task_id_keys = var('otel_task_id_attributes') -%}
{%- set keys = (roles | map(attribute='attribute_key') | list) + (aliases | map(attribute='attribute_key') | list) -%}
{%- for cohort_keys in cohort_fields.values() -%}{%- do keys.extend(cohort_keys) -%}{%- endfor -%}
{%- set wanted = [] -%}
{%- for key in keys + task_id_keys -%}{%- do wanted.append(key.partition(':')[0]) -%}{%- endfor -%}
{%- set wanted = wanted | unique | list -%}
{%- set retry_keys = agent_kpis.otel_alias_keys(aliases, 'tool_retry_marker') -%}
{%- set guardrail_keys = agent_kpis.otel_alias_keys(aliases, 'guardrail_triggered') -%}
{%- set retry_marker = agent_kpis.otel_first_attribute(['narrowed.mapped_attributes'], retry_keys) -%}
{%- set guardrail = agent_kpis.otel_first_attribute(['narrowed.mapped_attributes'], guardrail_keys) %}
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
        {{ agent_kpis.otel_attributes_with_keys('attributes', wanted) }} as mapped_attributes

    from spans

),

final as (

    select
        narrowed.span_key,
        narrowed.trace_id,
        narrowed.span_id,
        narrowed.parent_span_id,
        narrowed.span_name,
        {{ agent_kpis.otel_span_role('narrowed.mapped_attributes', roles) }} as span_role,
        narrowed.started_at,
        narrowed.ended_at,
        narrowed.duration_ms,
        narrowed.status_code,
        narrowed.is_error,
        narrowed.status_message_masked,
        narrowed.exception_type,
        {%- for field in ['model', 'provider', 'tool_name', 'tool_call_id', 'error_type'] %}
        {{ agent_kpis.otel_first_attribute(['narrowed.mapped_attributes'], agent_kpis.otel_alias_keys(aliases, field)) }} as {{ field }},
        {%- endfor %}
        {%- for field in ['input_tokens', 'output_tokens', 'cached_input_tokens'] %}
        {%- set text = agent_kpis.otel_first_attribute(['narrowed.mapped_attributes'], agent_kpis.otel_alias_keys(aliases, field)) %}
        {{ agent_kpis.parse_integer(text) }} as {{ field }},
        {%- endfor %}
        {{ retry_marker }} is not null as has_retry_marker,
        coalesce(lower({{ guardrail }}) in ('true', '1'), false) as is_guardrail_triggered,
        {{ agent_kpis.otel_first_attribute(['narrowed.mapped_attributes'], task_id_keys) }} as task_id_attribute,
        {{ agent_kpis.otel_first_attribute(['narrowed.resource_attributes'], task_id_keys) }} as resource_task_id_attribute,
        {%- for field, keys in cohort_fields.items() %}
        {{ agent_kpis.otel_first_attribute(['narrowed.mapped_attributes'], keys) }} as {{ field }}_attribute,
        {{ agent_kpis.otel_first_attribute(['narrowed.resource_attributes'], keys) }} as resource_{{ field }}_attribute,
        {%- endfor %}
        narrowed.source_file,
        max(narrowed.loaded_at) over (partition by narrowed.trace_id) as loaded_at

    from narrowed

)

select * from final
