-- Every logical tool call (call_id) has exactly one final attempt.
select
    call_id,
    count(case when is_final_attempt then 1 end) as final_attempts
from {{ ref('fct_tool_calls') }}
group by call_id
having count(case when is_final_attempt then 1 end) <> 1
