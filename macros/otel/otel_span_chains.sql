{#-
    CTEs ending in `chains` (docs/decisions.md, "Traces"): per span of `spans` (span_key,
    trace_id, span_id, parent_span_id, span_role, is_root, and for a root the root of its
    branch, branch_root_span_id: itself, or the first sibling under the same missing parent)
    the root its chain of parents ends at (root_span_id, null while the chain is
    incomplete), its distance from that root
    (chain_depth), the outermost agent span between the root and itself (task_span_id: the
    span itself counts) and whether its chain is a parent cycle or hangs under one
    (is_in_parent_cycle). `is_root`: the span has no parent, or the parent has been given up
    as never coming. A parent cycle is broken at its lowest span id, which is taken as a
    root. `nodes`: the same spans without those columns (for engines that unroll the
    chain). The model starts with with_recursive().
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

{% macro otel_span_chains(spans, max_depth, nodes) -%}
    {{ return(adapter.dispatch('otel_span_chains', 'agent_kpis')(spans, max_depth, nodes)) }}
{%- endmacro %}

{#-
    ANSI: a recursive descent from the roots, one row per span reached, so a chain of any
    depth costs one row per span. Spans no root reaches, whose parent is present, sit in or
    under a parent cycle: a bounded ascent among them (max_depth levels; a longer cycle
    stays undecided) finds the cycle's spans and its lowest span id, the root above them.
-#}
{% macro default__otel_span_chains(spans, max_depth, nodes) -%}
descent as (

    select
        span_key,
        trace_id,
        span_id,
        branch_root_span_id as root_span_id,
        0 as chain_depth,
        case when span_role = 'agent' then span_id end as task_span_id
    from {{ spans }}
    where is_root

    union all

    select
        child.span_key,
        child.trace_id,
        child.span_id,
        descent.root_span_id,
        descent.chain_depth + 1 as chain_depth,
        coalesce(descent.task_span_id, case when child.span_role = 'agent' then child.span_id end) as task_span_id
    from descent
    inner join {{ spans }} as child
        on
            descent.trace_id = child.trace_id
            and descent.span_id = child.parent_span_id
    where not child.is_root

),

unreached as (

    -- neither a root nor under one, with the parent present: in or under a parent cycle
    select unreached_spans.*
    from {{ spans }} as unreached_spans
    inner join {{ spans }} as parents
        on
            unreached_spans.trace_id = parents.trace_id
            and unreached_spans.parent_span_id = parents.span_id
    where
        not unreached_spans.is_root
        and unreached_spans.span_key not in (select reached.span_key from descent as reached)

),

ascent as (

    select
        span_key,
        trace_id,
        span_id,
        span_id as ancestor_span_id,
        span_role as ancestor_role,
        parent_span_id as ancestor_parent_span_id,
        0 as ancestor_depth
    from unreached

    union all

    select
        ascent.span_key,
        ascent.trace_id,
        ascent.span_id,
        parent.span_id as ancestor_span_id,
        parent.span_role as ancestor_role,
        parent.parent_span_id as ancestor_parent_span_id,
        ascent.ancestor_depth + 1 as ancestor_depth
    from ascent
    inner join unreached as parent
        on
            ascent.trace_id = parent.trace_id
            and ascent.ancestor_parent_span_id = parent.span_id
    where ascent.ancestor_depth < {{ max_depth }}

),

cycle_spans as (

    select distinct trace_id, span_id
    from ascent
    where ancestor_depth > 0 and ancestor_span_id = span_id

),

cycle_ancestry as (

    select
        ascent.*,
        cycle_spans.span_id is not null as is_cycle_span
    from ascent
    left join cycle_spans
        on
            ascent.trace_id = cycle_spans.trace_id
            and ascent.ancestor_span_id = cycle_spans.span_id

),

cycle_roots as (

    -- a cycle is broken at its lowest span id: the same root for every span in or under it
    select
        span_key,
        min(case when is_cycle_span then ancestor_span_id end) as root_span_id
    from cycle_ancestry
    group by span_key

),

rooted as (

    select
        cycle_ancestry.*,
        cycle_roots.root_span_id,
        min(case when cycle_ancestry.ancestor_span_id = cycle_roots.root_span_id then cycle_ancestry.ancestor_depth end)
            over (partition by cycle_ancestry.span_key) as root_depth
    from cycle_ancestry
    inner join cycle_roots
        on cycle_ancestry.span_key = cycle_roots.span_key

),

under_cycles as (

    select
        span_key,
        trace_id,
        max(root_span_id) as root_span_id,
        max(root_depth) as chain_depth,
        {{ agent_kpis.first_non_null_by("case when ancestor_role = 'agent' then ancestor_span_id end", 'ancestor_depth desc') }}
            as task_span_id
    from rooted
    where ancestor_depth <= root_depth
    group by span_key, trace_id

),

chains as (

    select
        spans.span_key,
        spans.trace_id,
        coalesce(descent.root_span_id, under_cycles.root_span_id) as root_span_id,
        coalesce(descent.chain_depth, under_cycles.chain_depth) as chain_depth,
        coalesce(descent.task_span_id, under_cycles.task_span_id) as task_span_id,
        under_cycles.span_key is not null as is_in_parent_cycle
    from {{ spans }} as spans
    left join descent
        on spans.span_key = descent.span_key
    left join under_cycles
        on spans.span_key = under_cycles.span_key

)
{%- endmacro %}

{#-
    Spark (no recursive CTEs): each chain unrolled upwards, one left join per level (span_1
    is the parent) over `nodes`, the plain spans (the unrolled joins of a relation with
    window functions overwhelm Spark's analyzer); the top of each chain is then looked up
    in `spans` for whether it is a root and the root of its branch. The same answers as the
    recursive form for chains of up to max_depth levels; a deeper chain, or a parent cycle,
    reaches no root (docs/decisions.md, "Traces").
-#}
{% macro spark__otel_span_chains(spans, max_depth, nodes) -%}
levels as (

    select
        span_0.span_key,
        span_0.trace_id,
        {%- for depth in range(max_depth + 1) %}
        span_{{ depth }}.span_key as span_key_{{ depth }},
        span_{{ depth }}.span_id as span_id_{{ depth }},
        span_{{ depth }}.span_role as span_role_{{ depth }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ nodes }} as span_0
    {%- for depth in range(1, max_depth + 1) %}
    left join {{ nodes }} as span_{{ depth }}
        on
            span_{{ depth - 1 }}.trace_id = span_{{ depth }}.trace_id
            and span_{{ depth - 1 }}.parent_span_id = span_{{ depth }}.span_id
    {%- endfor %}

),

tops as (

    -- the highest span each chain reached, and how far up
    select
        span_key,
        trace_id,
        coalesce(
            {%- for depth in range(max_depth, -1, -1) %}
            span_key_{{ depth }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as top_span_key,
        case
            {%- for depth in range(max_depth, 0, -1) %}
            when span_key_{{ depth }} is not null then {{ depth }}
            {%- endfor %}
            else 0
        end as top_depth,
        -- the outermost agent: the levels stop at the top
        coalesce(
            {%- for depth in range(max_depth, -1, -1) %}
            case when span_role_{{ depth }} = 'agent' then span_id_{{ depth }} end{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as task_span_id
    from levels

),

chains as (

    select
        tops.span_key,
        tops.trace_id,
        case when roots.is_root then roots.branch_root_span_id end as root_span_id,
        case when roots.is_root then tops.top_depth end as chain_depth,
        case when roots.is_root then tops.task_span_id end as task_span_id,
        false as is_in_parent_cycle
    from tops
    inner join {{ spans }} as roots
        on tops.top_span_key = roots.span_key

)
{%- endmacro %}
