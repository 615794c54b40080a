{#-
    CTEs ending in `chains`: per span of `spans` (span_key, trace_id, span_id, span_role,
    parent_span_id), the length of its chain of ancestors present (chain_depth, at most
    max_depth, where a cycle stops), the outermost agent span on it (task_span_id: the span
    itself counts) and whether the chain reaches a span without parent (reaches_root). The
    model starts with with_recursive().
-#}
{% macro with_recursive() -%}
    {{ return(adapter.dispatch('with_recursive', 'agent_kpis')()) }}
{%- endmacro %}

{% macro default__with_recursive() -%}
    with recursive
{%- endmacro %}

{#- Spark 3.5 has no recursive common table expressions -#}
{% macro spark__with_recursive() -%}
    with
{%- endmacro %}

{% macro otel_span_chains(spans, max_depth) -%}
    {{ return(adapter.dispatch('otel_span_chains', 'agent_kpis')(spans, max_depth)) }}
{%- endmacro %}

{#- ANSI: a recursive CTE of every span with each ancestor (depth 0: itself) -#}
{% macro default__otel_span_chains(spans, max_depth) -%}
ancestry as (

    select
        span_key,
        trace_id,
        span_id as ancestor_span_id,
        span_role as ancestor_role,
        parent_span_id as ancestor_parent_span_id,
        0 as ancestor_depth
    from {{ spans }}

    union all

    select
        ancestry.span_key,
        ancestry.trace_id,
        parent.span_id as ancestor_span_id,
        parent.span_role as ancestor_role,
        parent.parent_span_id as ancestor_parent_span_id,
        ancestry.ancestor_depth + 1 as ancestor_depth
    from ancestry
    inner join {{ spans }} as parent
        on
            ancestry.trace_id = parent.trace_id
            and ancestry.ancestor_parent_span_id = parent.span_id
    where ancestry.ancestor_depth < {{ max_depth }}

),

chains as (

    select
        span_key,
        trace_id,
        max(ancestor_depth) as chain_depth,
        {{ agent_kpis.first_non_null_by("case when ancestor_role = 'agent' then ancestor_span_id end", 'ancestor_depth desc') }}
            as task_span_id,
        -- only the root has no parent: the chain reached it
        count(case when ancestor_parent_span_id is null then 1 end) > 0 as reaches_root
    from ancestry
    group by span_key, trace_id

)
{%- endmacro %}

{#-
    Spark: the chain unrolled, one left join per level (ancestor_1 is the parent); the same
    answers as the recursive form up to max_depth levels.
-#}
{% macro spark__otel_span_chains(spans, max_depth) -%}
chains as (

    select
        span_0.span_key,
        span_0.trace_id,
        {%- for depth in range(max_depth, 0, -1) %}
        case when span_{{ depth }}.span_id is not null then {{ depth }} else
        {%- endfor %} 0{% for depth in range(max_depth) %} end{% endfor %} as chain_depth,
        coalesce(
            {%- for depth in range(max_depth, -1, -1) %}
            case when span_{{ depth }}.span_role = 'agent' then span_{{ depth }}.span_id end{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as task_span_id,
        (
            {%- for depth in range(max_depth + 1) %}
            (span_{{ depth }}.span_id is not null and span_{{ depth }}.parent_span_id is null){% if not loop.last %} or{% endif %}
            {%- endfor %}
        ) as reaches_root
    from {{ spans }} as span_0
    {%- for depth in range(1, max_depth + 1) %}
    left join {{ spans }} as span_{{ depth }}
        on
            span_{{ depth - 1 }}.trace_id = span_{{ depth }}.trace_id
            and span_{{ depth - 1 }}.parent_span_id = span_{{ depth }}.span_id
    {%- endfor %}

)
{%- endmacro %}
