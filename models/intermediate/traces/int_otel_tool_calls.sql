{{ agent_kpis.otel_per_trace_config() }}
{#-
    One row per tool span (role tool) of a task: one attempt, shaped like
    stg_telemetry__tool_calls. Attempts form logical calls by the first rule that applies
    (docs/decisions.md, "Traces"):
    1. tool spans of one task and tool that share a tool call id (their own, else the one
       of the tool_call span they run in) are attempts of that call (a framework that keeps
       the id across retries);
    2. the tool spans under one span of role tool_call (a framework that wraps each logical
       call, e.g. LangGraph's `tools` node) are the attempts of one call;
    3. where the framework marks a failed attempt as retried (alias tool_retry_marker;
       pydantic-ai records pydantic_ai.tool.retry.attempt), the next span of the same tool
       in the task is the next attempt of the same call;
    any other span is attempt 1 of a call of its own. The call id is the trace and the tool
    call id (the attempt's own, else its tool_call span's, else the span id) of the call's
    first attempt. An attempt failed when its span ends with status ERROR, when it records
    an error type (error.type is set only on failure), or when its recorded tool result
    says error (alias tool_status: a handled error the framework gave back to the model).
    A failed attempt is a timeout or denied when its error category is timeout
    or policy_deny, else error; the category comes from the seed otel_error_categories by
    the short error type (else exception type).
-#}
with

spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }} and span_role = 'tool'

),

call_spans as (

    select * from {{ ref('int_otel_spans_mapped') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }} and span_role = 'tool_call'

),

assignments as (

    select * from {{ ref('int_otel_span_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

tasks as (

    select * from {{ ref('int_otel_tasks') }}
    where {{ agent_kpis.otel_arrived_traces(ref('int_otel_tasks')) }}

),

error_categories as (

    select * from {{ ref('otel_error_categories') }}

),

attempts as (

    select
        spans.*,
        tasks.task_id,
        tasks.loaded_at as task_loaded_at,
        assignments.task_span_key,
        coalesce(spans.tool_name, spans.span_name) as called_tool,
        call_spans.span_id as call_span_id,
        -- the span's own tool call id, else its tool_call span's
        coalesce(spans.tool_call_id, call_spans.tool_call_id) as found_call_id,
        spans.is_error
        or coalesce(lower(spans.tool_status) = 'error', false)
        or spans.error_type is not null as is_failed

    from spans
    inner join assignments
        on spans.span_key = assignments.span_key
    inner join tasks
        on assignments.task_span_key = tasks.task_span_key
    left join call_spans
        on
            spans.trace_id = call_spans.trace_id
            and spans.parent_span_id = call_spans.span_id

),

id_shared as (

    select
        *,
        -- a tool call id on several spans of the task: one call, retried under the same id
        count(*) over (partition by task_span_key, called_tool, found_call_id) > 1
        and found_call_id is not null as shares_call_id

    from attempts

),

marked as (

    select
        *,
        case
            when shares_call_id then 'id:' || found_call_id
            when call_span_id is not null then 'span:' || call_span_id
            else 'sequence'
        end as call_group,
        coalesce(
            lag(has_retry_marker) over (
                partition by task_span_key, called_tool, call_span_id is null and not shares_call_id
                order by started_at, span_id
            ),
            false
        ) and call_span_id is null and not shares_call_id as continues_previous_call

    from id_shared

),

calls as (

    select
        *,
        case
            when call_group <> 'sequence' then 0
            else sum(case when continues_previous_call then 0 else 1 end) over (
                partition by task_span_key, called_tool, call_group
                order by started_at, span_id
                rows between unbounded preceding and current row
            )
        end as call_number

    from marked

),

numbered as (

    select
        *,
        row_number() over (
            partition by task_span_key, called_tool, call_group, call_number order by started_at, span_id
        ) as attempt,
        first_value(coalesce(found_call_id, span_id)) over (
            partition by task_span_key, called_tool, call_group, call_number order by started_at, span_id
        ) as first_call_id,
        {{ agent_kpis.short_error_type('coalesce(error_type, exception_type)') }} as error_name

    from calls

),

final as (

    select
        'otel-' || numbered.span_key as event_id,
        numbered.trace_id || ':' || numbered.first_call_id as call_id,
        numbered.task_id,
        cast(numbered.attempt as {{ api.Column.translate_type('bigint') }}) as attempt,
        numbered.called_tool as tool_name,
        cast(null as {{ dbt.type_string() }}) as tool_version,
        false as is_side_effecting,
        cast(null as {{ dbt.type_string() }}) as idempotency_key,
        numbered.started_at,
        numbered.ended_at,
        case
            when not numbered.is_failed then 'success'
            when error_categories.error_category = 'timeout' then 'timeout'
            when error_categories.error_category = 'policy_deny' then 'denied'
            else 'error'
        end as status,
        false as is_unknown_status,
        case
            when numbered.is_failed then coalesce(error_categories.error_category, 'unknown')
        end as error_category,
        false as is_unknown_error_category,
        case when numbered.is_error then numbered.status_message_masked end as error_message_masked,
        cast(null as {{ api.Column.translate_type('bigint') }}) as input_size_chars,
        cast(null as {{ api.Column.translate_type('bigint') }}) as output_size_chars,
        cast(null as {{ dbt.type_string() }}) as sensitive_fields,
        cast(0 as {{ api.Column.translate_type('bigint') }}) as sensitive_field_count,
        false as has_clock_skew,
        false as has_unparseable_field,
        false as has_identity_conflict,
        cast(null as {{ api.Column.translate_type('timestamp') }}) as emitted_at,
        numbered.task_loaded_at as loaded_at,
        numbered.source_file,
        numbered.trace_id

    from numbered
    left join error_categories
        on numbered.error_name = error_categories.error_type

)

select * from final
