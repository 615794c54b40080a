{%- set keys = ['cohort_dimension', 'cohort_value'] -%}

with

terminal_tasks as (

    select * from {{ ref('kpi_terminal_tasks_by_cohort') }}

),

final as (

    {{ agent_kpis.kpi_measures('terminal_tasks', agent_kpis.task_kpi_definitions(), keys, 'terminal_task_count') }}

)

select * from final
