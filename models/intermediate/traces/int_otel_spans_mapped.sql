{{
    config(
        materialized='incremental',
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
{%- set wanted = [] -%}
{%- for key in (roles | map(attribute='attribute_key') | list) + (aliases | map(attribute='attribute_key') | list)
    + var('otel_task_id_attributes') -%}
    {%- do wanted.append(key.partition(':')[0]) -%}
{%- endfor -%}
{%- for keys in cohort_fields.values() -%}
    {%- for key in keys -%}{%- do wanted.append(key.partition(':')[0]) -%}{%- endfor -%}
{%- endfor -%}
{%- set wanted = wanted | unique | list %}
-- depends_on: {{ ref('otel_span_roles') }}, {{ ref('otel_attribute_aliases') }}

with

spans as (

    select * from {{ ref('stg_otel__spans') }}
    {%- if is_incremental() %}
    where trace_id in (
        select arrived.trace_id from {{ ref('stg_otel__spans') }} as arrived
        where arrived.loaded_at > (
            select coalesce(max(mapped.loaded_at), cast('1900-01-01' as {{ api.Column.translate_type('timestamp') }}))
            from {{ this }} as mapped
        )
    )
    {%- endif %}

),

narrowed as (

    -- only the attributes some mapping reads: the lookups below scan short lists
    select
        *,
        {%- if wanted %}
        list_filter(attributes, lambda a: a.key in ({{ agent_kpis.sql_literal_list(wanted) }})) as mapped_attributes
        {%- else %}
        attributes as mapped_attributes
        {%- endif %}

    from spans

),

final as (

    select
        span_key,
        trace_id,
        span_id,
        parent_span_id,
        span_name,
        case
            {%- for role in roles %}
            when {{ agent_kpis.otel_attribute('mapped_attributes', role.attribute_key) }} = {{ agent_kpis.sql_literal(role.attribute_value) }}
                then {{ agent_kpis.sql_literal(role.span_role) }}
            {%- endfor %}
        end as span_role,
        started_at,
        ended_at,
        duration_ms,
        status_code,
        is_error,
        status_message_masked,
        exception_type,
        {%- for field in ['model', 'provider', 'tool_name', 'tool_call_id', 'error_type'] %}
        {{ agent_kpis.otel_first_attribute(['mapped_attributes'], agent_kpis.otel_alias_keys(aliases, field)) }} as {{ field }},
        {%- endfor %}
        {%- for field in ['input_tokens', 'output_tokens', 'cached_input_tokens'] %}
        {{ agent_kpis.parse_integer(agent_kpis.otel_first_attribute(['mapped_attributes'], agent_kpis.otel_alias_keys(aliases, field))) }} as {{ field }},
        {%- endfor %}
        {{ agent_kpis.otel_first_attribute(['mapped_attributes'], agent_kpis.otel_alias_keys(aliases, 'tool_retry_marker')) }} is not null as has_retry_marker,
        coalesce(lower({{ agent_kpis.otel_first_attribute(['mapped_attributes'], agent_kpis.otel_alias_keys(aliases, 'guardrail_triggered')) }}) in ('true', '1'), false) as is_guardrail_triggered,
        {{ agent_kpis.otel_first_attribute(['mapped_attributes'], var('otel_task_id_attributes')) }} as task_id_attribute,
        {{ agent_kpis.otel_first_attribute(['resource_attributes'], var('otel_task_id_attributes')) }} as resource_task_id_attribute,
        {%- for field, keys in cohort_fields.items() %}
        {{ agent_kpis.otel_first_attribute(['mapped_attributes'], keys) }} as {{ field }}_attribute,
        {{ agent_kpis.otel_first_attribute(['resource_attributes'], keys) }} as resource_{{ field }}_attribute,
        {%- endfor %}
        source_file,
        max(loaded_at) over (partition by trace_id) as loaded_at

    from narrowed

)

select * from final
