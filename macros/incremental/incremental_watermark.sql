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
