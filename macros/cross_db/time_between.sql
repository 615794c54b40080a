{#- Engine-specific pieces behind adapter.dispatch; models call these, never engine syntax. -#}

{#- Fractional seconds from start_ts to end_ts (not boundaries crossed), exact to the
    microsecond (a difference of epoch() doubles near 1.8e9 is off by ~1e-7 s). -#}
{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'agent_kpis')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    ({{ dbt.datediff(start_ts, end_ts, 'microsecond') }} / 1e6)
{%- endmacro %}

{% macro duckdb__seconds_between(start_ts, end_ts) -%}
    ((epoch_us({{ end_ts }}) - epoch_us({{ start_ts }})) / 1e6)
{%- endmacro %}

{#- extract() is numeric (exact): the double is rounded once, as DuckDB's division rounds it -#}
{% macro postgres__seconds_between(start_ts, end_ts) -%}
    cast(extract(epoch from ({{ end_ts }} - {{ start_ts }})) as double precision)
{%- endmacro %}

{#- Spark divides integers into decimals: the difference is made a double first, as DuckDB's is -#}
{% macro spark__seconds_between(start_ts, end_ts) -%}
    (cast(unix_micros({{ end_ts }}) - unix_micros({{ start_ts }}) as double) / 1e6)
{%- endmacro %}

{#- Milliseconds from start_ts to end_ts, exact to the microsecond. -#}
{% macro milliseconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('milliseconds_between', 'agent_kpis')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__milliseconds_between(start_ts, end_ts) -%}
    ({{ dbt.datediff(start_ts, end_ts, 'microsecond') }} / 1000.0)
{%- endmacro %}

{% macro duckdb__milliseconds_between(start_ts, end_ts) -%}
    ((epoch_us({{ end_ts }}) - epoch_us({{ start_ts }})) / 1000.0)
{%- endmacro %}

{% macro postgres__milliseconds_between(start_ts, end_ts) -%}
    cast(extract(epoch from ({{ end_ts }} - {{ start_ts }})) * 1000 as double precision)
{%- endmacro %}

{% macro spark__milliseconds_between(start_ts, end_ts) -%}
    (cast(unix_micros({{ end_ts }}) - unix_micros({{ start_ts }}) as double) / 1000)
{%- endmacro %}
