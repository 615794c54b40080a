{#- The cohort dimensions of kpi_by_cohort; 'overall' is the scorecard. -#}
{% macro cohort_dimensions() -%}
    {{ return(['agent_id', 'agent_version', 'task_type', 'channel', 'region', 'product_line', 'customer_tier']) }}
{%- endmacro %}

{#- Repeats each row once overall and once per cohort dimension (cohort_dimension, cohort_value). -#}
{% macro expand_cohorts(relation) -%}
    select *, 'overall' as cohort_dimension, 'all' as cohort_value from {{ relation }}
    {%- for dim in agent_kpis.cohort_dimensions() %}
    union all
    select *, '{{ dim }}' as cohort_dimension, coalesce({{ dim }}, '(missing)') as cohort_value from {{ relation }}
    {%- endfor %}
{%- endmacro %}
