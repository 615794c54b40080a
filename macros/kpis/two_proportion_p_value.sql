{#-
    Two-sided p-value of a two-proportion z-test (pooled), x successes of n per side.
    The normal tail uses the Abramowitz-Stegun 7.1.26 erfc approximation (|error| < 1.5e-7),
    so it needs nothing beyond exp and sqrt. NULL when a side is empty or the pooled
    proportion is 0 or 1.
-#}
{% macro two_proportion_p_value(x1, n1, x2, n2) -%}
    {#- in doubles: `x * 1.0` is a decimal on Spark, whose division keeps a few digits only -#}
    {%- set p_pool = agent_kpis.safe_divide('(' ~ x1 ~ ' + ' ~ x2 ~ ')', '(' ~ n1 ~ ' + ' ~ n2 ~ ')') -%}
    {%- set se = 'sqrt(' ~ p_pool ~ ' * (1 - ' ~ p_pool ~ ') * (' ~ agent_kpis.safe_divide('1', n1) ~ ' + ' ~ agent_kpis.safe_divide('1', n2) ~ '))' -%}
    {%- set z = '(abs(' ~ agent_kpis.safe_divide(x2, n2) ~ ' - ' ~ agent_kpis.safe_divide(x1, n1) ~ ') / nullif(' ~ se ~ ', 0))' -%}
    {{ agent_kpis.normal_two_sided_tail(z) }}
{%- endmacro %}

{% macro normal_two_sided_tail(z) -%}
    {%- set x = '(' ~ z ~ ' / sqrt(2.0))' -%}
    {%- set t = '(1.0 / (1.0 + 0.3275911 * ' ~ x ~ '))' -%}
    (
        {{ t }} * (0.254829592 + {{ t }} * (-0.284496736 + {{ t }} * (1.421413741
        + {{ t }} * (-1.453152027 + {{ t }} * 1.061405429))))
        * exp(-{{ x }} * {{ x }})
    )
{%- endmacro %}
