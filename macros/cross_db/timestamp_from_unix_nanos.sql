{#- A UTC timestamp (microseconds) from integer nanoseconds since 1970-01-01 (non-negative). -#}
{% macro timestamp_from_unix_nanos(nanos) -%}
    {{ return(adapter.dispatch('timestamp_from_unix_nanos', 'agent_kpis')(nanos)) }}
{%- endmacro %}

{% macro default__timestamp_from_unix_nanos(nanos) -%}
    {{ dbt.dateadd('microsecond', '(' ~ nanos ~ ') / 1000', "cast('1970-01-01 00:00:00' as " ~ api.Column.translate_type('timestamp') ~ ")") }}
{%- endmacro %}

{% macro duckdb__timestamp_from_unix_nanos(nanos) -%}
    make_timestamp(({{ nanos }}) // 1000)
{%- endmacro %}

{#- the interval is exact: its factor stays below 2^53 microseconds until the year 2255 -#}
{% macro postgres__timestamp_from_unix_nanos(nanos) -%}
    (timestamp '1970-01-01 00:00:00' + (({{ nanos }}) / 1000) * interval '1 microsecond')
{%- endmacro %}

{% macro spark__timestamp_from_unix_nanos(nanos) -%}
    timestamp_micros(div({{ nanos }}, 1000))
{%- endmacro %}
