{#-
    Never empty and green: traces that name operations (model calls, tools, ...) but form no
    task fail the build when they are more than var('otel_max_traces_without_task_share') of
    such traces, or when no trace forms a task at all. Each trace without a task is logged
    with its root span, the root's kind and the otel_span_roles row that would map it
    (dq_trace_findings).
-#}
-- depends_on: {{ ref('dq_trace_findings') }}
{%- if execute and flags.WHICH in ('build', 'test') -%}
    {%- set relation = load_relation(ref('dq_trace_findings')) -%}
    {%- if relation is not none -%}
        {%- set found = run_query("select trace_id, detail from " ~ relation ~ " where finding = 'trace_without_task' order by trace_id limit 10") -%}
        {%- for row in found.rows -%}
            {%- do log('trace ' ~ row[0] ~ ' forms no task: ' ~ row[1], info=true) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endif %}
select
    traces_with_operations,
    traces_without_task,
    trace_tasks,
    unmapped_roots
from {{ ref('dq_trace_ingestion_summary') }}
where
    traces_without_task > {{ var('otel_max_traces_without_task_share') }} * traces_with_operations
    or (traces_without_task > 0 and trace_tasks = 0)
