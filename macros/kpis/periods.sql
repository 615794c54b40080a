{#- Period columns of a date: the day, the Monday of its ISO week, the first of its month. -#}
{% macro period_columns(date_column) -%}
        {{ date_column }} as period_day,
        cast({{ dbt.date_trunc('week', date_column) }} as date) as period_week,
        cast({{ dbt.date_trunc('month', date_column) }} as date) as period_month
{%- endmacro %}

{#-
    Repeats each row once per period grain: (period_grain, period_start) is
    (day, period_day), (week, period_week), (month, period_month) and (all, null), so one
    plain GROUP BY gives every grain (or those in `grains`).
-#}
{% macro expand_periods(relation, grains=['day', 'week', 'month', 'all']) -%}
    {%- for grain in grains %}
    select
        *,
        '{{ grain }}' as period_grain,
        {% if grain == 'all' %}cast(null as date){% else %}period_{{ grain }}{% endif %} as period_start
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
