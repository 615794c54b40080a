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
        cast({{ d.value }} as {{ api.Column.translate_type('double') }}) as {{ d.kpi }}__value
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
