{{ agent_kpis.otel_per_trace_config() }}
{#-
    One row per task found in the traces (task_span_key, int_otel_span_tasks) whose chain
    to a root is decided. The task id and the cohort fields are the first value found on
    the task span, then on the agent spans inside it (outermost first), then on the spans
    above it outside every task (nearest first: a span the caller wraps the run in), then
    on the resource, through the vars otel_task_id_attributes and otel_attribute_map; the id falls
    back to one made of trace and span id, the model to the task's first model call. It
    lasts as long as its agent span (a task without one: from the first start to the last
    end of its spans). A task failed when its span or
    an agent span in it ended with status ERROR, or a guardrail's trip failed its parent; a
    task without agent span (a branch with a model call) when a span of its orchestration
    (neither a model call, a tool attempt nor an evaluation, which frameworks retry, recover
    from or run beside) ended in ERROR and no later sibling ended OK. The reason is the
    short error type, else exception type, else the status message, of the first such span.
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

assigned as (

    select
        spans.*,
        assignments.task_span_key,
        assignments.root_span_id,
        assignments.chain_depth,
        assignments.is_chain_complete,
        assignments.loaded_at as decided_at

    from spans
    inner join assignments
        on spans.span_key = assignments.span_key

),

members as (

    select * from assigned
    where task_span_key is not null

),

task_spans as (

    select * from members
    where span_key = task_span_key and is_chain_complete

),

attribute_sources as (

    -- where a task's fields are looked up, in order: its span, the agent spans inside it
    -- (outermost first), the spans it runs in (nearest first: a span the caller opened)
    select
        task_span_key,
        case when span_key = task_span_key then 0 else 1 end as source_rank,
        chain_depth as source_depth,
        started_at,
        span_id,
        {%- for field in fields %}
        {{ field }}_attribute,
        {%- endfor %}
        task_id_attribute
    from members
    where span_role = 'agent' or span_key = task_span_key

    union all

    select
        task_spans.task_span_key,
        2 as source_rank,
        -wrappers.chain_depth as source_depth,
        wrappers.started_at,
        wrappers.span_id,
        {%- for field in fields %}
        wrappers.{{ field }}_attribute,
        {%- endfor %}
        wrappers.task_id_attribute
    from assigned as wrappers
    inner join task_spans
        on
            wrappers.trace_id = task_spans.trace_id
            and wrappers.root_span_id = task_spans.root_span_id
            and wrappers.chain_depth < task_spans.chain_depth
    where wrappers.task_span_key is null

),

agent_attributes as (

    select
        task_span_key,
        {%- for field in fields %}
        {{ agent_kpis.first_non_null_by(field ~ '_attribute', 'source_rank, source_depth, started_at, span_id') }} as {{ field }},
        {%- endfor %}
        {{ agent_kpis.first_non_null_by('task_id_attribute', 'source_rank, source_depth, started_at, span_id') }} as task_id
    from attribute_sources
    group by task_span_key

),

branch_times as (

    -- from the first start to the last end of the task's spans: the times of a task made
    -- of a branch without agent span (its steps may be roots of their own)
    select
        task_span_key,
        min(started_at) as created_at,
        max(ended_at) as ended_at
    from members
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

orchestration as (

    -- the spans of a task that are neither a model call, a tool attempt nor an evaluation
    select * from members
    where coalesce(span_role, '') not in ('llm', 'tool', 'evaluator')

),

run_errors as (

    -- a task with an agent span: its agent spans say whether the run failed, and a guardrail
    -- whose trip failed its parent (a step's error that the framework went on from is not)
    select members.*
    from members
    inner join task_spans
        on members.task_span_key = task_spans.task_span_key
    left join members as guardrails
        on
            members.trace_id = guardrails.trace_id
            and members.span_id = guardrails.parent_span_id
            and guardrails.span_role = 'guardrail'
    where
        task_spans.span_role = 'agent'
        and members.is_error
        and (
            members.span_role = 'agent'
            or members.span_key = members.task_span_key
            or coalesce({{ agent_kpis.otel_guardrail_tripped('guardrails', 'members') }}, false)
        )

),

branch_errors as (

    -- a task without agent span (a branch with a model call): an orchestration span that
    -- ended in ERROR, unless a later sibling ended OK (the framework went on)
    select errors.*
    from orchestration as errors
    inner join task_spans
        on errors.task_span_key = task_spans.task_span_key
    where
        coalesce(task_spans.span_role, '') <> 'agent'
        and errors.is_error
        and not exists (
            select 1
            from members as later
            where
                later.trace_id = errors.trace_id
                and later.parent_span_id = errors.parent_span_id
                and later.started_at >= errors.ended_at
                and not later.is_error
        )

),

unrecovered_errors as (

    select * from run_errors
    union all
    select * from branch_errors

),

failures as (

    select
        task_span_key,
        {{ agent_kpis.first_non_null_by(
            'coalesce(' ~ agent_kpis.short_error_type('coalesce(error_type, exception_type)') ~ ', status_message_masked)',
            'case when span_key = task_span_key then 0 else 1 end, ended_at, span_id'
        ) }} as failure_reason
    from unrecovered_errors
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
        case when task_spans.span_role = 'agent' then task_spans.started_at else branch_times.created_at end
            as created_at,
        case when task_spans.span_role = 'agent' then task_spans.ended_at else branch_times.ended_at end as ended_at,
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
        task_spans.decided_at as loaded_at

    from task_spans
    inner join branch_times
        on task_spans.task_span_key = branch_times.task_span_key
    left join agent_attributes
        on task_spans.task_span_key = agent_attributes.task_span_key
    left join first_model_calls
        on task_spans.task_span_key = first_model_calls.task_span_key
    left join failures
        on task_spans.task_span_key = failures.task_span_key

)

select * from final
