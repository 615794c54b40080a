-- Top failure causes: failed tool attempts by error class, category and tool, with the
-- share of all failed attempts and how often a retry could have helped.
with

tool_calls as (

    select * from {{ ref('fct_tool_calls') }}

),

failures as (

    select
        coalesce(error_class, '(none)') as error_class,
        coalesce(error_category, '(none)') as error_category,
        tool_name,
        count(*) as failed_attempts,
        count(case when is_final_attempt then 1 end) as failed_calls,
        count(case when is_retryable then 1 end) as retryable_attempts
    from tool_calls
    where status <> 'success'
    group by coalesce(error_class, '(none)'), coalesce(error_category, '(none)'), tool_name

),

final as (

    select
        *,
        round(100.0 * failed_attempts / sum(failed_attempts) over (), 1) as pct_of_failed_attempts
    from failures

)

select * from final
order by failed_attempts desc
limit 25
