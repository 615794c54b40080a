{#- Aggregate columns <kpi>__numerator, <kpi>__denominator, <kpi>__value for a definition list. -#}
{% macro kpi_aggregates(definitions) -%}
    {%- for d in definitions %}
        {%- if d.kind == 'ratio' %}
        cast({{ d.numerator }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__numerator,
        cast({{ d.denominator }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__denominator,
        {{ agent_kpis.safe_divide(d.numerator, d.denominator) }} as {{ d.kpi }}__value
        {%- elif d.kind == 'count' %}
        cast({{ d.numerator }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__numerator,
        cast(null as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__denominator,
        cast(coalesce({{ d.numerator }}, 0) as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__value
        {%- else %}
        cast(null as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__numerator,
        cast(null as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__denominator,
        cast({{ agent_kpis.percentile_cont(d.of, d.fraction) }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__value
        {%- endif %}{% if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}

{#- One row per KPI from a wide relation of kpi_aggregates columns. -#}
{% macro kpi_unpivot(relation, definitions, keys, volume) -%}
    {%- for d in definitions %}
    select
        {{ keys | join(', ') }},
        '{{ d.kpi }}' as kpi_name,
        {{ d.kpi }}__value as kpi_value,
        {{ d.kpi }}__numerator as numerator,
        {{ d.kpi }}__denominator as denominator,
        {{ volume }} as volume
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    The measures of a relation of rows with period_day, period_week and period_month
    (docs/decisions.md, "KPIs from day-level roll-ups"): one row per keys × period_grain ×
    period_start with `volume` (the row count) and kpi_aggregates' columns. Counts and
    ratios are linear in sums, so they are aggregated once per day and the day rows are
    summed to week, month and all; only statistics (percentiles) read the rows at every grain.
    A percentile whose definition says `counted` (a measure with few distinct values, such
    as whole milliseconds) is computed exactly as percentile_cont does (linear interpolation
    between the values at ranks floor and ceil of (n - 1) × fraction) from the count of each
    distinct value: a grouped count and a window, which spill to disk, where percentile_cont
    holds every value of a group in memory (at 10M tasks the latencies ran out of an 8 GB
    limit). Other percentiles (time to resolution in fractional minutes, nearly all distinct,
    where counting saves nothing) use percentile_cont.
    Sums stay in their own types (counts as integers, money and minutes as exact decimals,
    see kpi_definitions.sql) until the end, so no result depends on the order rows are added.
-#}
{% macro kpi_measures(relation, definitions, keys, volume) -%}
    {%- set double = api.Column.translate_type('double') -%}
    {%- set additive = definitions | rejectattr('kind', 'equalto', 'statistic') | list -%}
    {%- set statistics = definitions | selectattr('kind', 'equalto', 'statistic') | list -%}
    {%- set counted = statistics | selectattr('counted') | list -%}
    {%- set held = statistics | rejectattr('counted') | list -%}
    {%- set measured = [] -%}
    {%- for d in counted if d.of not in measured -%}{%- do measured.append(d.of) -%}{%- endfor -%}
    {%- set joined = (['held_percentiles'] if held else []) -%}
    {%- for of in measured -%}{%- do joined.append('percentiles_' ~ loop.index) -%}{%- endfor -%}
    {%- set group_keys = keys | join(', ') -%}
    with

    day_measures as (

        select
            {{ group_keys }},
            period_day,
            period_week,
            period_month,
            count(*) as {{ volume }}
            {%- for d in additive %},
            {{ d.numerator }} as {{ d.kpi }}__numerator
            {%- if d.kind == 'ratio' %},
            {{ d.denominator }} as {{ d.kpi }}__denominator
            {%- endif %}
            {%- endfor %}
        from {{ relation }}
        group by {{ group_keys }}, period_day, period_week, period_month

    ),

    days_by_period as (

        {{ agent_kpis.expand_periods('day_measures') }}

    ),

    summed as (

        select
            {{ group_keys }},
            period_grain,
            period_start,
            sum({{ volume }}) as {{ volume }}
            {%- for d in additive %},
            sum({{ d.kpi }}__numerator) as {{ d.kpi }}__numerator
            {%- if d.kind == 'ratio' %},
            sum({{ d.kpi }}__denominator) as {{ d.kpi }}__denominator
            {%- endif %}
            {%- endfor %}
        from days_by_period
        group by {{ group_keys }}, period_grain, period_start

    ),
    {%- if statistics %}

    rows_by_period as (

        {{ agent_kpis.expand_periods(relation) }}

    ),
    {%- if held %}

    held_percentiles as (

        select
            {{ group_keys }},
            period_grain,
            period_start
            {%- for d in held %},
            {{ agent_kpis.percentile_cont(d.of, d.fraction) }} as {{ d.kpi }}__value
            {%- endfor %}
        from rows_by_period
        group by {{ group_keys }}, period_grain, period_start

    ),
    {%- endif %}
    {%- for of in measured %}

    value_counts_{{ loop.index }} as (

        select
            {{ group_keys }},
            period_grain,
            period_start,
            {{ of }} as measured_value,
            count(*) as value_count
        from rows_by_period
        where {{ of }} is not null
        group by {{ group_keys }}, period_grain, period_start, {{ of }}

    ),

    ranked_values_{{ loop.index }} as (

        select
            *,
            sum(value_count) over (
                partition by {{ group_keys }}, period_grain, period_start
                order by measured_value
                rows between unbounded preceding and current row
            ) as values_up_to,
            sum(value_count) over (partition by {{ group_keys }}, period_grain, period_start) as value_total
        from value_counts_{{ loop.index }}

    ),

    percentiles_{{ loop.index }} as (

        select
            {{ group_keys }},
            period_grain,
            period_start
            {%- for d in counted if d.of == of %},
            {#- the rank position in double precision, as percentile_cont computes it -#}
            {%- set fraction = 'cast(' ~ d.fraction ~ ' as ' ~ double ~ ')' %}
            {%- set row_position = 'cast(value_total - 1 as ' ~ double ~ ') * ' ~ fraction %}
            {%- set position = 'cast(max(value_total) - 1 as ' ~ double ~ ') * ' ~ fraction %}
            {%- set low = 'min(case when values_up_to > floor(' ~ row_position ~ ') then measured_value end)' %}
            {%- set high = 'min(case when values_up_to > ceil(' ~ row_position ~ ') then measured_value end)' %}
            {{ low }} + ({{ high }} - {{ low }}) * ({{ position }} - floor({{ position }})) as {{ d.kpi }}__value
            {%- endfor %}
        from ranked_values_{{ loop.index }}
        group by {{ group_keys }}, period_grain, period_start

    ),
    {%- endfor %}
    {%- endif %}

    final as (

        select
            {%- for key in keys %}
            summed.{{ key }},
            {%- endfor %}
            summed.period_grain,
            summed.period_start,
            cast(summed.{{ volume }} as {{ api.Column.translate_type('bigint') }}) as {{ volume }},
            {%- for d in definitions %}
            {%- if d.kind == 'ratio' %}
            cast(summed.{{ d.kpi }}__numerator as {{ double }}) as {{ d.kpi }}__numerator,
            cast(summed.{{ d.kpi }}__denominator as {{ double }}) as {{ d.kpi }}__denominator,
            {{ agent_kpis.safe_divide('summed.' ~ d.kpi ~ '__numerator', 'summed.' ~ d.kpi ~ '__denominator') }} as {{ d.kpi }}__value
            {%- elif d.kind == 'count' %}
            cast(summed.{{ d.kpi }}__numerator as {{ double }}) as {{ d.kpi }}__numerator,
            cast(null as {{ double }}) as {{ d.kpi }}__denominator,
            cast(coalesce(summed.{{ d.kpi }}__numerator, 0) as {{ double }}) as {{ d.kpi }}__value
            {%- else %}
            cast(null as {{ double }}) as {{ d.kpi }}__numerator,
            cast(null as {{ double }}) as {{ d.kpi }}__denominator,
            {%- set source = 'percentiles_' ~ (measured.index(d.of) + 1) if d.counted else 'held_percentiles' %}
            cast({{ source }}.{{ d.kpi }}__value as {{ double }}) as {{ d.kpi }}__value
            {%- endif %}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from summed
        {%- for percentiles in joined %}
        left join {{ percentiles }}
            on
            {%- for key in keys %}
            summed.{{ key }} = {{ percentiles }}.{{ key }} and
            {%- endfor %}
            summed.period_grain = {{ percentiles }}.period_grain
            and summed.period_start is not distinct from {{ percentiles }}.period_start
        {%- endfor %}

    )

    select * from final
{%- endmacro %}
