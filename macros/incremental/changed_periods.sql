{#-
    KPI measures incremental by period (docs/decisions.md, "KPI measures rebuilt by
    period"). The ledger (kpi_task_counted_days) has a row per task and day a KPI counts
    the task on, with the load that last changed it; a measure stores the newest ledger
    load it has read (last_loaded_at, the same on every row a run writes). The changed days
    are those of the ledger rows past the measure's watermark, once the ledger has moved
    past what the measure read; none otherwise, so a run with nothing new writes nothing.
-#}
{% macro changed_days(ledger) -%}
    select distinct ledger.period_day
    from {{ ledger }} as ledger
    where
        ledger.last_loaded_at > {{ agent_kpis.incremental_watermark('last_loaded_at') }}
        and (select max(newest.last_loaded_at) from {{ ledger }} as newest) > (
            select coalesce(
                max(measured.last_loaded_at),
                cast('1900-01-01' as {{ api.Column.translate_type('timestamp') }})
            )
            from {{ this }} as measured
        )
{%- endmacro %}

{#-
    (period_grain, period_start) of every day, ISO week and month holding a changed day,
    and ('all', null) when any day changed.
-#}
{% macro changed_periods(ledger) -%}
    select distinct
        grains.period_grain,
        case grains.period_grain
            when 'day' then changed.period_day
            when 'week' then cast({{ dbt.date_trunc('week', 'changed.period_day') }} as date)
            when 'month' then cast({{ dbt.date_trunc('month', 'changed.period_day') }} as date)
        end as period_start
    from ({{ agent_kpis.changed_days(ledger) }}) as changed
    cross join (
        select 'day' as period_grain
        union all select 'week'
        union all select 'month'
        union all select 'all'
    ) as grains
{%- endmacro %}

{#- A condition keeping the rows of `relation` in a changed period (true in a full build). -#}
{% macro in_changed_periods(relation, by_period) -%}
    {%- if by_period -%}
        exists (
            select 1
            from changed_periods
            where
                changed_periods.period_grain = {{ relation }}.period_grain
                and changed_periods.period_start is not distinct from {{ relation }}.period_start
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#-
    Pre-hook: deletes the stored day, week and month rows of the changed periods (a period
    no row counts on any more leaves nothing behind).
-#}
{% macro delete_changed_periods(ledger) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where
        {%- for grain in ['day', 'week', 'month'] %}
        (period_grain = '{{ grain }}' and period_start in (
            select changed.period_start
            from ({{ agent_kpis.changed_periods(ledger) }}) as changed
            where changed.period_grain = '{{ grain }}'
        )){% if not loop.last %} or{% endif %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}

{#-
    Post-hook: deletes the all rows a run has replaced (those older than the ledger's
    newest load, which the run wrote on its own).
-#}
{% macro delete_replaced_all_rows(ledger) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where period_grain = 'all' and last_loaded_at < (select max(ledger.last_loaded_at) from {{ ledger }} as ledger)
    {%- endif %}
{%- endmacro %}

{#- The config of the KPI measures incremental by period: {{ config(**agent_kpis.incremental_by_period()) }}. -#}
{% macro incremental_by_period() -%}
    {%- set ledger = "ref('kpi_task_counted_days')" -%}
    {{ return({
        'materialized': agent_kpis.incremental_materialization(),
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': '{{ agent_kpis.delete_changed_periods(' ~ ledger ~ ') }}',
        'post_hook': '{{ agent_kpis.delete_replaced_all_rows(' ~ ledger ~ ') }}',
    }) }}
{%- endmacro %}
