{{ agent_kpis.otel_per_trace_config() }}
{#-
    One row per task found in the traces (task_span_key): the outermost agent span whose
    chain to the trace root has arrived. The task id and the cohort fields are the first
    value found on the task span, then on the agent spans inside it (outermost first), then
    on the resource, through the vars otel_task_id_attributes and otel_attribute_map; the id
    falls back to one made of trace and span id, the model to the task's first model call.
    A task failed when its span, or a span of its orchestration (neither a model call nor a
    tool, which frameworks retry or recover from), ends with status ERROR; the reason is the
    error type, else the exception type, else the status message, of the first such span.
-#}
{%- set fields = var('otel_attribute_map').keys() | list -%}
{%- set contract_fields = ['agent_id', 'agent_version', 'prompt_version', 'task_type', 'channel', 'region',
                           'product_line', 'customer_tier', 'customer_id'] -%}

with

spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_span_tasks')) }}

),

assignments as (

    select * from {{ ref('int_otel_span_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_span_tasks')) }}

),

members as (

    select
        spans.*,
        assignments.task_span_key,
        assignments.chain_depth,
        assignments.is_chain_complete

    from spans
    inner join assignments
        on spans.span_key = assignments.span_key
    where assignments.task_span_key is not null

),

task_spans as (

    select * from members
    where span_key = task_span_key and is_chain_complete

),

agent_attributes as (

    select
        task_span_key,
        {%- for field in fields %}
        {{ agent_kpis.first_non_null_by(field ~ '_attribute', 'chain_depth, started_at, span_id') }} as {{ field }},
        {%- endfor %}
        {{ agent_kpis.first_non_null_by('task_id_attribute', 'chain_depth, started_at, span_id') }} as task_id
    from members
    where span_role = 'agent'
    group by task_span_key

),

first_model_calls as (

    select
        task_span_key,
        {{ agent_kpis.first_non_null_by('model', 'started_at, span_id') }} as model
    from members
    where span_role = 'llm'
    group by task_span_key

),

failures as (

    select
        task_span_key,
        {{ agent_kpis.first_non_null_by(
            'coalesce(error_type, exception_type, status_message_masked)',
            'case when span_key = task_span_key then 0 else 1 end, ended_at, span_id'
        ) }} as failure_reason
    from members
    where is_error and coalesce(span_role, '') not in ('llm', 'tool')
    group by task_span_key

),

final as (

    select
        task_spans.task_span_key,
        task_spans.trace_id,
        coalesce(
            agent_attributes.task_id,
            task_spans.resource_task_id_attribute,
            'otel-' || task_spans.trace_id || '-' || task_spans.span_id
        ) as task_id,
        task_spans.started_at as created_at,
        task_spans.ended_at,
        failures.task_span_key is not null as is_failed,
        coalesce(failures.failure_reason, case when failures.task_span_key is not null then 'error' end)
            as failure_reason,
        {%- for field in contract_fields %}
        {%- if field in fields %}
        coalesce(agent_attributes.{{ field }}, task_spans.resource_{{ field }}_attribute) as {{ field }},
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as {{ field }},
        {%- endif %}
        {%- endfor %}
        {%- if 'model' in fields %}
        coalesce(agent_attributes.model, task_spans.resource_model_attribute, first_model_calls.model) as model,
        {%- else %}
        first_model_calls.model,
        {%- endif %}
        task_spans.source_file,
        task_spans.loaded_at

    from task_spans
    left join agent_attributes
        on task_spans.task_span_key = agent_attributes.task_span_key
    left join first_model_calls
        on task_spans.task_span_key = first_model_calls.task_span_key
    left join failures
        on task_spans.task_span_key = failures.task_span_key

)

select * from final
