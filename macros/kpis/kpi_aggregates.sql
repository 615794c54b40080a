{#- Aggregate columns <kpi>__numerator, <kpi>__denominator, <kpi>__value for a definition list. -#}
{% macro kpi_aggregates(definitions) -%}
    {%- for d in definitions %}
        {%- if d.kind == 'ratio' %}
        cast({{ d.numerator }} as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__numerator,
        cast({{ d.denominator }} as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__denominator,
        {{ agent_kpis.safe_divide(d.numerator, d.denominator) }} as {{ d.kpi }}__value
        {%- elif d.kind == 'count' %}
        cast({{ d.numerator }} as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__numerator,
        cast(null as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__denominator,
        cast(coalesce({{ d.numerator }}, 0) as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__value
        {%- else %}
        cast(null as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__numerator,
        cast(null as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__denominator,
        cast({{ agent_kpis.percentile_cont(d.of, d.fraction) }} as {{ agent_kpis.type_double() }}) as {{ d.kpi }}__value
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
        cast({{ d.kpi }}__numerator as {{ agent_kpis.type_double() }}) as numerator,
        cast({{ d.kpi }}__denominator as {{ agent_kpis.type_double() }}) as denominator,
        {{ volume }} as volume
    from {{ relation }}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}

{#-
    The measures of a relation of rows with period_day, period_week and period_month
    (docs/decisions.md, "KPIs from day-level roll-ups"): one row per keys × period_grain ×
    period_start with `volume` (the row count) and kpi_aggregates' columns, numerators and
    denominators kept in their exact types (counts as integers, money and minutes as exact
    decimals, see kpi_definitions.sql), so no result depends on the order rows are added.
    Counts and ratios are linear in sums, so they are aggregated once per day and the day
    rows are summed to week, month and all.
    Percentiles are exactly what percentile_cont returns (linear interpolation between the
    values at the 0-based ranks floor and ceil of (n - 1) × fraction), found in two passes
    that never hold a group's values in memory (docs/decisions.md, "Percentiles in two
    passes"): values are counted per whole unit (floor of the value) by day, the day counts
    summed to every period, a running sum over the units finds the unit holding each wanted
    rank, and only the values inside those units are read back and ranked.
    Incremental by period (docs/decisions.md, "KPI measures rebuilt by period"): an
    incremental run writes only the days, weeks and months the ledger shows changed, and
    all. Their counts and ratios sum the day rows of the changed days, recomputed, with the
    stored day rows of the others; their percentiles count every row's unit once and read
    back the values of the wanted units of the changed periods.
-#}
{% macro kpi_measures(relation, definitions, keys, volume, ledger) -%}
    {%- set double = agent_kpis.type_double() -%}
    {%- set additive = definitions | rejectattr('kind', 'equalto', 'statistic') | list -%}
    {%- set statistics = definitions | selectattr('kind', 'equalto', 'statistic') | list -%}
    {%- set measured = [] -%}
    {%- for d in statistics if d.of not in measured -%}{%- do measured.append(d.of) -%}{%- endfor -%}
    {%- set group_keys = keys | join(', ') -%}
    {%- set period_keys = group_keys ~ ', period_grain, period_start' -%}
    {%- set by_period = is_incremental() -%}
    {%- set additive_columns = [volume] -%}
    {%- for d in additive -%}
    {%- do additive_columns.append(d.kpi ~ '__numerator') -%}
    {%- if d.kind == 'ratio' %}{% do additive_columns.append(d.kpi ~ '__denominator') %}{% endif -%}
    {%- endfor -%}
    with
    {%- if by_period %}

    changed_periods as (

        {{ agent_kpis.changed_periods(ledger) }}

    ),

    rows_of_changed_days as (

        select * from {{ relation }}
        where period_day in (select changed_periods.period_start from changed_periods where changed_periods.period_grain = 'day')

    ),
    {%- endif %}

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
        from {{ 'rows_of_changed_days' if by_period else relation }}
        group by {{ group_keys }}, period_day, period_week, period_month

    ),
    {%- if by_period %}

    stored_days as (

        -- the day rows of the days that did not change, as stored
        select
            {{ group_keys }},
            period_start as period_day,
            cast({{ dbt.date_trunc('week', 'period_start') }} as date) as period_week,
            cast({{ dbt.date_trunc('month', 'period_start') }} as date) as period_month,
            {{ additive_columns | join(',\n            ') }}
        from {{ this }}
        where
            period_grain = 'day'
            and period_start not in (
                select changed_periods.period_start from changed_periods where changed_periods.period_grain = 'day'
            )

    ),

    every_day as (

        select
            {{ group_keys }},
            period_day,
            period_week,
            period_month,
            {{ additive_columns | join(',\n            ') }}
        from day_measures
        union all
        select * from stored_days

    ),
    {%- endif %}

    days_by_period as (

        {{ agent_kpis.expand_periods('every_day' if by_period else 'day_measures') }}

    ),

    summed as (

        select
            {{ period_keys }},
            sum({{ volume }}) as {{ volume }}
            {%- for d in additive %},
            sum({{ d.kpi }}__numerator) as {{ d.kpi }}__numerator
            {%- if d.kind == 'ratio' %},
            sum({{ d.kpi }}__denominator) as {{ d.kpi }}__denominator
            {%- endif %}
            {%- endfor %}
        from days_by_period
        where {{ agent_kpis.in_changed_periods('days_by_period', by_period) }}
        group by {{ period_keys }}

    ),
    {%- for of in measured %}
    {%- set i = loop.index %}
    {%- set wanted = statistics | selectattr('of', 'equalto', of) | list %}
    {{ agent_kpis.percentile_ctes(i, of, wanted, relation, keys, by_period) }}
    {%- endfor %}

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
            summed.{{ d.kpi }}__numerator,
            summed.{{ d.kpi }}__denominator,
            {{ agent_kpis.safe_divide('summed.' ~ d.kpi ~ '__numerator', 'summed.' ~ d.kpi ~ '__denominator') }} as {{ d.kpi }}__value,
            {%- elif d.kind == 'count' %}
            summed.{{ d.kpi }}__numerator,
            cast(null as {{ double }}) as {{ d.kpi }}__denominator,
            cast(coalesce(summed.{{ d.kpi }}__numerator, 0) as {{ double }}) as {{ d.kpi }}__value,
            {%- else %}
            cast(null as {{ double }}) as {{ d.kpi }}__numerator,
            cast(null as {{ double }}) as {{ d.kpi }}__denominator,
            cast(percentiles_{{ measured.index(d.of) + 1 }}.{{ d.kpi }}__value as {{ double }}) as {{ d.kpi }}__value,
            {%- endif %}
            {%- endfor %}
            (select max({{ ledger }}.last_loaded_at) from {{ ledger }}) as last_loaded_at
        from summed
        {%- for of in measured %}
        {%- set percentiles = 'percentiles_' ~ loop.index %}
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

{#-
    The CTEs of the percentiles of one measured expression `of` in kpi_measures, ending in
    percentiles_<suffix>: one row per keys × period (the changed ones in an incremental
    run) with the value of each wanted percentile. The first pass counts the values per
    whole unit, by day, and sums the day counts to every period; the second reads the rows
    once and keeps those whose value lies in a wanted unit of their own day, week, month
    or all (a hash join on the keys and the unit), so no row is repeated per grain.
-#}
{% macro percentile_ctes(suffix, of, wanted, rows, keys, by_period) -%}
    {%- set double = agent_kpis.type_double() -%}
    {%- set group_keys = keys | join(', ') -%}
    {%- set period_keys = group_keys ~ ', period_grain, period_start' -%}
    {#- the 0-based rank position percentile_cont interpolates at, per KPI (value_total: the group's count) -#}
    {%- set positions = {} %}
    {%- for d in wanted %}{% do positions.update({d.kpi: 'cast(value_total - 1 as ' ~ double ~ ') * cast(' ~ d.fraction ~ ' as ' ~ double ~ ')'}) %}{% endfor %}

    day_unit_counts_{{ suffix }} as (

        select
            {{ group_keys }},
            period_day,
            period_week,
            period_month,
            floor({{ of }}) as value_unit,
            count(*) as value_count
        from {{ rows }}
        where {{ of }} is not null
        group by {{ group_keys }}, period_day, period_week, period_month, floor({{ of }})

    ),

    unit_counts_by_period_{{ suffix }} as (

        {{ agent_kpis.expand_periods('day_unit_counts_' ~ suffix) }}

    ),

    ranked_units_{{ suffix }} as (

        select
            {{ period_keys }},
            value_unit,
            sum(sum(value_count)) over (
                partition by {{ period_keys }}
                order by value_unit
                rows between unbounded preceding and current row
            ) - sum(value_count) as values_before,
            sum(value_count) as value_count,
            sum(sum(value_count)) over (partition by {{ period_keys }}) as value_total
        from unit_counts_by_period_{{ suffix }}
        where {{ agent_kpis.in_changed_periods('unit_counts_by_period_' ~ suffix, by_period) }}
        group by {{ period_keys }}, value_unit

    ),

    wanted_units_{{ suffix }} as (

        -- the units that hold a rank some percentile interpolates between
        select *
        from ranked_units_{{ suffix }}
        where
            {%- set conditions = [] %}
            {%- for d in wanted %}
            {%- for bound in ['floor', 'ceil'] %}
            {%- set rank = bound ~ '(' ~ positions[d.kpi] ~ ')' %}
            {%- do conditions.append('(' ~ rank ~ ' >= values_before and ' ~ rank ~ ' < values_before + value_count)') %}
            {%- endfor %}
            {%- endfor %}
            {{ conditions | join('\n            or ') }}

    ),

    measured_rows_{{ suffix }} as (

        select
            {{ group_keys }},
            period_day,
            period_week,
            period_month,
            {{ of }} as measured_value
        from {{ rows }}
        where {{ of }} is not null

    ),

    {%- set unit_keys = [] %}
    {%- for key in keys + ['period_grain', 'period_start', 'value_unit'] %}{% do unit_keys.append('wanted_units_' ~ suffix ~ '.' ~ key) %}{% endfor %}

    ranked_values_{{ suffix }} as (

        select
            {%- for key in keys %}
            wanted_units_{{ suffix }}.{{ key }},
            {%- endfor %}
            wanted_units_{{ suffix }}.period_grain,
            wanted_units_{{ suffix }}.period_start,
            wanted_units_{{ suffix }}.value_total,
            measured_rows_{{ suffix }}.measured_value,
            wanted_units_{{ suffix }}.values_before + row_number() over (
                partition by {{ unit_keys | join(', ') }}
                order by measured_rows_{{ suffix }}.measured_value
            ) - 1 as value_rank
        from measured_rows_{{ suffix }}
        inner join wanted_units_{{ suffix }}
            on
            {%- for key in keys %}
            measured_rows_{{ suffix }}.{{ key }} = wanted_units_{{ suffix }}.{{ key }} and
            {%- endfor %}
            floor(measured_rows_{{ suffix }}.measured_value) = wanted_units_{{ suffix }}.value_unit
            and case wanted_units_{{ suffix }}.period_grain
                when 'day' then measured_rows_{{ suffix }}.period_day
                when 'week' then measured_rows_{{ suffix }}.period_week
                when 'month' then measured_rows_{{ suffix }}.period_month
            end is not distinct from wanted_units_{{ suffix }}.period_start

    ),

    percentiles_{{ suffix }} as (

        select
            {{ period_keys }}
            {%- for d in wanted %},
            {%- set position = positions[d.kpi] %}
            {%- set low = 'min(case when value_rank = floor(' ~ position ~ ') then measured_value end)' %}
            {%- set high = 'min(case when value_rank = ceil(' ~ position ~ ') then measured_value end)' %}
            {{ low }} + ({{ high }} - {{ low }}) * ({{ position }} - floor({{ position }})) as {{ d.kpi }}__value
            {%- endfor %}
        from ranked_values_{{ suffix }}
        group by {{ period_keys }}, value_total

    ),
{%- endmacro %}
