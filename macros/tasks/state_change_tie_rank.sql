{#-
    Order of task state changes that share a timestamp: a higher rank counts as later, so
    the cautious reading wins (reopened, then failed, abandoned, completed). Used wherever
    state changes are ordered, so the lifecycle and the state intervals agree.
-#}
{% macro state_change_tie_rank(event_type) -%}
    case {{ event_type }}
        when 'reopened' then 4
        when 'failed' then 3
        when 'abandoned' then 2
        else 1
    end
{%- endmacro %}
