{#- Engine-specific pieces behind adapter.dispatch; models call these, never engine syntax. -#}

{#- Fractional seconds from start_ts to end_ts (not boundaries crossed), exact to the
    microsecond (a difference of epoch() doubles near 1.8e9 is off by ~1e-7 s). -#}
{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'agent_kpis')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    ((epoch_us({{ end_ts }}) - epoch_us({{ start_ts }})) / 1e6)
{%- endmacro %}

{% macro postgres__seconds_between(start_ts, end_ts) -%}
    extract(epoch from ({{ end_ts }} - {{ start_ts }}))
{%- endmacro %}

{% macro spark__seconds_between(start_ts, end_ts) -%}
    (unix_micros({{ end_ts }}) - unix_micros({{ start_ts }})) / 1e6
{%- endmacro %}

{#- Milliseconds from start_ts to end_ts, exact to the microsecond. -#}
{% macro milliseconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('milliseconds_between', 'agent_kpis')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__milliseconds_between(start_ts, end_ts) -%}
    ((epoch_us({{ end_ts }}) - epoch_us({{ start_ts }})) / 1000.0)
{%- endmacro %}

{% macro postgres__milliseconds_between(start_ts, end_ts) -%}
    (extract(epoch from ({{ end_ts }} - {{ start_ts }})) * 1000)
{%- endmacro %}

{% macro spark__milliseconds_between(start_ts, end_ts) -%}
    ((unix_micros({{ end_ts }}) - unix_micros({{ start_ts }})) / 1000.0)
{%- endmacro %}

{#- Aggregate: the first non-null value of expr in the order given (per group). -#}
{% macro first_non_null_by(expr, order_by) -%}
    {{ return(adapter.dispatch('first_non_null_by', 'agent_kpis')(expr, order_by)) }}
{%- endmacro %}

{% macro default__first_non_null_by(expr, order_by) -%}
    first({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null)
{%- endmacro %}

{% macro postgres__first_non_null_by(expr, order_by) -%}
    (array_agg({{ expr }} order by {{ order_by }}) filter (where {{ expr }} is not null))[1]
{%- endmacro %}

{#- Continuous percentile with linear interpolation (docs/kpis.md section 2), as an aggregate. -#}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'agent_kpis')(expr, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{% macro spark__percentile_cont(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}

{#- Rate with NULL for a zero denominator (docs/kpis.md section 2), never 0 and never an error. -#}
{% macro safe_divide(numerator, denominator) -%}
    (cast({{ numerator }} as {{ api.Column.translate_type('double') }}) / nullif({{ denominator }}, 0))
{%- endmacro %}

{#-
    The point an incremental model resumes from: the newest value of `column` already in
    the target, minus var('incremental_lookback_hours') as a safety margin (the distant past
    while the target is empty). Arrival is tracked exactly (loaded_at), so the margin only
    re-derives rows a little earlier.
-#}
{% macro incremental_watermark(column) -%}
    (
        select coalesce(
            {{ dbt.dateadd('hour', -var('incremental_lookback_hours'), 'max(' ~ column ~ ')') }},
            cast('1900-01-01' as {{ api.Column.translate_type('timestamp') }})
        )
        from {{ this }}
    )
{%- endmacro %}

{#-
    Money and minutes are summed as exact decimals, so a sum does not depend on the order
    rows arrive in (an incremental run and a full refresh give the same totals to the cent
    and beyond). `kind`: money (10 decimals) or minutes (4 decimals).
-#}
{% macro exact_sum_cast(expression, kind) -%}
    {%- set scale = 10 if kind == 'money' else 4 -%}
    cast({{ expression }} as decimal(18, {{ scale }}))
{%- endmacro %}
