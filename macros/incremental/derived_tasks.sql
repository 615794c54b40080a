{#-
    Intermediate models incremental by task (docs/decisions.md, "Intermediate models
    incremental by task"). derived_tasks: the tasks a run derives, with the newest
    loaded_at of any of their rows (int_task_loads): every task in a full build; in an
    incremental run, those whose last_loaded_at is past the model's watermark.
-#}
{% macro derived_tasks(task_loads) -%}
    select
        {{ task_loads }}.task_id,
        {{ task_loads }}.last_loaded_at
    from {{ task_loads }}
    {%- if is_incremental() %}
    where {{ task_loads }}.last_loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
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
        select int_task_loads.task_id
        from {{ ref('int_task_loads') }} as int_task_loads
        where int_task_loads.last_loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
    )
    {%- endif %}
{%- endmacro %}
