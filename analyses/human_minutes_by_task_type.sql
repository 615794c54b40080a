-- Where does human time go? Human minutes and cost per terminal task by task type, with
-- the share of tasks that needed a handoff or takeover.
with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

final as (

    select
        task_type,
        count(*) as terminal_tasks,
        round(sum(human_minutes), 1) as human_minutes,
        round(avg(human_minutes), 2) as human_minutes_per_task,
        round(sum(human_cost_usd), 2) as human_cost_usd,
        round(100.0 * avg(case when has_handoff_or_takeover then 1.0 else 0.0 end), 1) as pct_handoff_or_takeover
    from tasks
    where is_terminal
    group by task_type

)

select * from final
order by human_minutes desc
