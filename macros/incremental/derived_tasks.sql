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
        'materialized': 'incremental',
        'incremental_strategy': 'delete+insert',
        'unique_key': 'task_id',
        'on_schema_change': 'fail',
        'pre_hook': '{{ agent_kpis.delete_derived_tasks() }}',
        'meta': {'rows_loaded_at_column': 'last_loaded_at'},
    }) }}
{%- endmacro %}
