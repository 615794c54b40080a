-- How tasks ended, overall and per agent: the first question about any agent.
with

tasks as (

    select * from {{ ref('fct_tasks') }}

),

final as (

    select
        agent_id,
        outcome,
        count(*) as task_count,
        round(100.0 * count(*) / sum(count(*)) over (partition by agent_id), 1) as pct_of_agent_tasks
    from tasks
    group by agent_id, outcome

)

select * from final
order by agent_id asc, task_count desc
