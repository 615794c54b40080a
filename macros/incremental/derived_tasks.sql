{#-
    Intermediate models incremental by task (docs/decisions.md, "Intermediate models
    incremental by task"). derived_tasks: the tasks a run derives, with the newest
    loaded_at of any of their rows (int_task_loads): every task in a full build; in an
    incremental run, those whose last_loaded_at is past the model's watermark.
-#}
{% macro derived_tasks(task_loads) -%}
    select
        task_id,
        last_loaded_at
    from {{ task_loads }}
    {%- if is_incremental() %}
    where last_loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
    {%- endif %}
{%- endmacro %}

{#- A condition keeping the rows of the tasks in the derived_tasks CTE (always true in a full build). -#}
{% macro in_derived_tasks(task_id) -%}
    {%- if is_incremental() -%}
        {{ task_id }} in (select derived_tasks.task_id from derived_tasks)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#-
    A pre-hook of the models incremental by task: in an incremental run, deletes the rows
    of the tasks the run re-derives, so a task that now derives fewer rows (a check its
    task type no longer requires) keeps none of its old ones. delete+insert alone replaces
    only the tasks that still derive a row.
-#}
{% macro delete_derived_tasks() -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where task_id in (
        select derived.task_id
        from ({{ agent_kpis.derived_tasks(ref('int_task_loads')) }}) as derived
    )
    {%- endif %}
{%- endmacro %}

{#- The config of every model incremental by task: {{ config(**agent_kpis.incremental_by_task()) }}. -#}
{% macro incremental_by_task() -%}
    {{ return({
        'materialized': agent_kpis.incremental_materialization(),
        'incremental_strategy': 'delete+insert',
        'unique_key': 'task_id',
        'on_schema_change': 'fail',
        'pre_hook': '{{ agent_kpis.delete_derived_tasks() }}',
        'meta': {'rows_loaded_at_column': 'last_loaded_at'},
    }) }}
{%- endmacro %}

{#- Whether an idempotency key is given (not null, not blank). -#}
{% macro has_idempotency_key(column) -%}
    coalesce(trim({{ column }}), '') <> ''
{%- endmacro %}

{#-
    The successful side-effecting attempts with a key (event_id, task_id, tool_name,
    idempotency_key, started_at) of a relation of tool calls: the attempts numbered per
    (tool, idempotency key), where a second success is a duplicate side effect.
-#}
{% macro side_effecting_successes(tool_calls) -%}
    select
        event_id,
        task_id,
        tool_name,
        idempotency_key,
        started_at
    from {{ tool_calls }}
    where is_side_effecting and status = 'success' and {{ agent_kpis.has_idempotency_key('idempotency_key') }}
{%- endmacro %}

{#-
    The tasks (task_id) with a side-effecting success that shares its (tool, idempotency
    key) with a success of a task in the derived_tasks CTE: a new success can make theirs
    a duplicate, so they are re-derived too.
-#}
{% macro tasks_sharing_keys(successes) -%}
    select sharing.task_id
    from {{ successes }} as derived
    inner join {{ successes }} as sharing
        on
            derived.tool_name = sharing.tool_name
            and derived.idempotency_key = sharing.idempotency_key
    where {{ agent_kpis.in_derived_tasks('derived.task_id') }}
{%- endmacro %}
