{#-
    Generic tests written here because the dbt hub is unreachable (no dbt_utils or
    dbt_expectations). Each returns the failing rows. The verification-rule tests
    (expression_is_true, value_between, at_least_one_related_row, recency) take their
    default severity from var('rule_severity'): 'warn' in development, 'error' where the
    operator sets AGENT_KPIS_RULE_SEVERITY=error (make test and CI do). A test's own
    config in YAML still wins.
-#}

{% test expression_is_true(model, expression, where_clause=none) %}
    {{ config(severity=var('rule_severity')) }}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
    {%- if where_clause %} and ({{ where_clause }}){% endif %}
{% endtest %}

{% test value_between(model, column_name, min_value=none, max_value=none) %}
    {{ config(severity=var('rule_severity')) }}
    select *
    from {{ model }}
    where {{ column_name }} is not null
        and (
            false
            {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
            {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
        )
{% endtest %}

{#- Every row (optionally: every row matching where_clause) has at least one row in `to`
    with the same key. -#}
{% test at_least_one_related_row(model, column_name, to, field, where_clause=none) %}
    {{ config(severity=var('rule_severity')) }}
    {#- model may be a subquery with its own alias (get_where_subquery): wrapped, not aliased -#}
    select parent.{{ column_name }}
    from (select * from {{ model }}) as parent
    where
        {% if where_clause %}({{ where_clause }}) and {% endif %}
        not exists (
            select 1 from {{ to }} as child where child.{{ field }} = parent.{{ column_name }}
        )
{% endtest %}

{#- The newest value of a timestamp column is no older than `interval` `datepart`s. -#}
{% test recency(model, column_name, datepart, interval) %}
    {{ config(severity=var('rule_severity')) }}
    select max({{ column_name }}) as most_recent
    from {{ model }}
    having
        max({{ column_name }}) is null
        or max({{ column_name }}) < {{ dbt.dateadd(datepart, -interval, dbt.current_timestamp()) }}
{% endtest %}

{% test unique_combination_of_columns(model, combination_of_columns) %}
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
