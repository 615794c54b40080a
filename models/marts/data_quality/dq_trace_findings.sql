{#-
    One row per thing about the traces an operator should know (finding_key), decided by the
    rules of docs/decisions.md, "Traces":
    - trace_without_task: a decided trace whose spans name operations (a model call, a
      tool, ...) but form no task; detail names its root span, the root's kind and the
      otel_span_roles row that would make the root a task;
    - parent_given_up: a trace with spans whose missing parent was given up as never coming
      (they were taken as roots);
    - parent_cycle: a trace with spans in or under a parent cycle (broken at its lowest span id);
    - several_runs: a task id that several traces carry (successive runs of one task);
    - overlapping_runs: ... of which one started before an earlier one had ended;
    - trace_contract_conflict: a task whose contract task events and traces disagree on a
      cohort field (the contract's created event wins: docs/decisions.md).
-#}
{%- set compared_fields = ['agent_id', 'agent_version', 'task_type', 'channel', 'region', 'product_line',
                           'customer_tier', 'customer_key'] -%}
{%- set created_first = "case when event_type = 'created' then 0 else 1 end, occurred_at, event_id" -%}
{%- set next_priority = (agent_kpis.seed_rows('otel_span_roles', 'priority') | map(attribute='priority') | max or 0) + 1 %}
-- depends_on: {{ ref('otel_span_roles') }}

with

span_tasks as (

    select * from {{ ref('int_otel_span_tasks') }}

),

spans as (

    select * from {{ ref('int_otel_spans_mapped') }}

),

trace_task_events as (

    select * from {{ ref('int_otel_task_events') }}

),

contract_task_events as (

    select * from {{ ref('stg_telemetry__task_events') }}

),

trace_shapes as (

    select
        span_tasks.trace_id,
        count(*) as span_count,
        count(case when spans.span_role is not null and spans.span_role <> 'ignored' then 1 end) as operation_span_count,
        count(span_tasks.task_span_key) as task_span_count,
        count(case when not span_tasks.is_chain_complete then 1 end) as waiting_span_count,
        count(case when span_tasks.is_parent_given_up then 1 end) as given_up_span_count,
        count(case when span_tasks.is_in_parent_cycle then 1 end) as cycle_span_count
    from span_tasks
    inner join spans
        on span_tasks.span_key = spans.span_key
    group by span_tasks.trace_id

),

first_roots as (

    select
        spans.trace_id,
        spans.span_name,
        spans.operation_kind,
        spans.span_kind_code,
        row_number() over (partition by spans.trace_id order by spans.started_at, spans.span_id) as root_number
    from spans
    inner join span_tasks
        on spans.span_key = span_tasks.span_key
    where span_tasks.chain_depth = 0

),

without_task as (

    select
        'trace_without_task' as finding,
        trace_shapes.trace_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        first_roots.span_name as root_span_name,
        coalesce(first_roots.operation_kind, 'otlp:' || cast(first_roots.span_kind_code as {{ dbt.type_string() }}))
            as root_kind,
        'root span ' || coalesce(first_roots.span_name, '?')
        || ' (kind ' || coalesce(first_roots.operation_kind, 'otlp:' || cast(first_roots.span_kind_code as {{ dbt.type_string() }}), '?')
        || '): ' || cast(trace_shapes.operation_span_count as {{ dbt.type_string() }})
        || ' spans with a role, none under an agent span or a model call''s root;'
        || ' to make the root a task add to seeds/otel_span_roles.csv: {{ next_priority }},span.name,'
        || coalesce(first_roots.span_name, '?') || ',agent,<convention>' as detail
    from trace_shapes
    left join first_roots
        on trace_shapes.trace_id = first_roots.trace_id and first_roots.root_number = 1
    where
        trace_shapes.waiting_span_count = 0
        and trace_shapes.operation_span_count > 0
        and trace_shapes.task_span_count = 0

),

given_up as (

    select
        'parent_given_up' as finding,
        trace_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        cast(null as {{ dbt.type_string() }}) as root_span_name,
        cast(null as {{ dbt.type_string() }}) as root_kind,
        cast(given_up_span_count as {{ dbt.type_string() }})
        || ' spans whose parent never came, taken as roots after {{ var("otel_missing_parent_wait_hours") }} hours'
            as detail
    from trace_shapes
    where given_up_span_count > 0

),

cycles as (

    select
        'parent_cycle' as finding,
        trace_id,
        cast(null as {{ dbt.type_string() }}) as task_id,
        cast(null as {{ dbt.type_string() }}) as root_span_name,
        cast(null as {{ dbt.type_string() }}) as root_kind,
        cast(cycle_span_count as {{ dbt.type_string() }})
        || ' spans in or under a parent cycle, broken at its lowest span id (taken as a root)' as detail
    from trace_shapes
    where cycle_span_count > 0

),

runs as (

    select
        task_id,
        count(*) as run_count,
        count(case when event_type = 'started' then 1 end) as overlapping_run_count
    from trace_task_events
    where event_type in ('created', 'reopened', 'started')
    group by task_id
    having count(*) > 1

),

several_runs as (

    select
        'several_runs' as finding,
        cast(null as {{ dbt.type_string() }}) as trace_id,
        task_id,
        cast(null as {{ dbt.type_string() }}) as root_span_name,
        cast(null as {{ dbt.type_string() }}) as root_kind,
        cast(run_count as {{ dbt.type_string() }}) || ' traces carry this task id: successive runs of one task'
        || ' (each run after the first that began after the others ended reopens it)' as detail
    from runs

    union all

    select
        'overlapping_runs' as finding,
        cast(null as {{ dbt.type_string() }}) as trace_id,
        task_id,
        cast(null as {{ dbt.type_string() }}) as root_span_name,
        cast(null as {{ dbt.type_string() }}) as root_kind,
        cast(overlapping_run_count as {{ dbt.type_string() }})
        || ' runs began before an earlier run of the task had ended' as detail
    from runs
    where overlapping_run_count > 0

),

contract_cohorts as (

    select
        task_id,
        {%- for field in compared_fields %}
        {{ agent_kpis.first_non_null_by(field, created_first) }} as {{ field }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from contract_task_events
    group by task_id

),

trace_cohorts as (

    select
        task_id,
        {%- for field in compared_fields %}
        {{ agent_kpis.first_non_null_by(field, created_first) }} as {{ field }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from trace_task_events
    group by task_id

),

conflicts as (

    {%- for field in compared_fields %}
    select
        'trace_contract_conflict' as finding,
        cast(null as {{ dbt.type_string() }}) as trace_id,
        contract_cohorts.task_id,
        cast(null as {{ dbt.type_string() }}) as root_span_name,
        cast(null as {{ dbt.type_string() }}) as root_kind,
        {%- if field == 'customer_key' %}
        'customer_key: the contract says one customer, the traces another'
        {%- else %}
        '{{ field }}: the contract says ' || contract_cohorts.{{ field }} || ', the traces ' || trace_cohorts.{{ field }}
        {%- endif %}
        || ' (the contract''s created event wins)' as detail
    from contract_cohorts
    inner join trace_cohorts
        on contract_cohorts.task_id = trace_cohorts.task_id
    where contract_cohorts.{{ field }} <> trace_cohorts.{{ field }}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}

),

unioned as (

    select * from without_task
    union all
    select * from given_up
    union all
    select * from cycles
    union all
    select * from several_runs
    union all
    select * from conflicts

),

final as (

    select
        {{ agent_kpis.surrogate_key(["finding", "coalesce(trace_id, '')", "coalesce(task_id, '')", 'detail'], hashed=true) }}
            as finding_key,
        finding,
        trace_id,
        task_id,
        root_span_name,
        root_kind,
        detail
    from unioned

)

select * from final
