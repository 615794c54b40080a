{#- Aggregate: the first non-null value of expr in the order given (per group). -#}
{% macro first_non_null_by(expr, order_by) -%}
    {{ return(adapter.dispatch('first_non_null_by', 'agent_kpis')(expr, order_by)) }}
{%- endmacro %}

{#- ANSI (SQL:2008 ordered array_agg, FILTER and an element reference), as PostgreSQL runs it -#}
{% macro default__first_non_null_by(expr, order_by) -%}
    (array_agg({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null))[1]
{%- endmacro %}

{% macro duckdb__first_non_null_by(expr, order_by) -%}
    first({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{#- Spark: min_by/max_by over the order keys as a struct (all ascending or all descending) -#}
{% macro spark__first_non_null_by(expr, order_by) -%}
    {%- set keys, directions = [], [] -%}
    {%- for term in order_by.split(',') -%}
        {%- set term = term.strip() -%}
        {%- set descending = (term | lower).endswith(' desc') -%}
        {%- do keys.append(term[:-5] if descending else term[:-4] if (term | lower).endswith(' asc') else term) -%}
        {%- do directions.append('desc' if descending else 'asc') -%}
    {%- endfor -%}
    {%- if directions | unique | list | length > 1 -%}
        {{ exceptions.raise_compiler_error("first_non_null_by on Spark needs one direction for every key: " ~ order_by) }}
    {%- endif -%}
    {{ 'max_by' if directions[0] == 'desc' else 'min_by' }}({{ expr }}, struct({{ keys | join(', ') }})) filter (where {{ expr }} is not null)
{%- endmacro %}
