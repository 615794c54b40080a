with

{% for table in var('raw_tables') %}
parsed_{{ table }} as (

    select * from {{ ref('base_telemetry__' ~ table) }}

),

staged_{{ table }} as (

    select * from {{ ref('stg_telemetry__' ~ table) }}

),

{% endfor %}
quarantined as (

    select * from {{ ref('dq_quarantined_rows') }}

),

landed_files as (

    select * from {{ ref('stg_telemetry__landed_files') }}

),

file_counts as (

    select
        raw_table,
        count(*) as files_seen,
        count(case when is_read then 1 end) as files_read,
        count(case when is_partially_read then 1 end) as files_partially_read,
        count(case when not is_read then 1 end) as files_quarantined
    from landed_files
    group by raw_table

),

read_counts as (

    {% for table in var('raw_tables') %}
    select
        '{{ table }}' as raw_table,
        count(*) as rows_read,
        count(*) filter (where reject_reason is null) as rows_valid,
        count(distinct case when reject_reason is null then event_id end) as distinct_valid_event_ids
    from parsed_{{ table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

staged_counts as (

    {% for table in var('raw_tables') %}
    select
        '{{ table }}' as raw_table,
        count(*) as rows_staged
    from staged_{{ table }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rejected_counts as (

    select
        raw_table,
        count(*) as rows_rejected
    from quarantined
    group by raw_table

),

final as (

    select
        read_counts.raw_table,
        coalesce(file_counts.files_seen, 0) as files_seen,
        coalesce(file_counts.files_read, 0) as files_read,
        coalesce(file_counts.files_partially_read, 0) as files_partially_read,
        coalesce(file_counts.files_quarantined, 0) as files_quarantined,
        read_counts.rows_read,
        staged_counts.rows_staged,
        read_counts.rows_valid - read_counts.distinct_valid_event_ids as duplicates_removed,
        coalesce(rejected_counts.rows_rejected, 0) as rows_rejected,
        coalesce(file_counts.files_seen, 0)
        = coalesce(file_counts.files_read, 0) + coalesce(file_counts.files_quarantined, 0)
        and read_counts.rows_read
        = staged_counts.rows_staged
        + (read_counts.rows_valid - read_counts.distinct_valid_event_ids)
        + coalesce(rejected_counts.rows_rejected, 0) as is_reconciled

    from read_counts
    inner join staged_counts
        on read_counts.raw_table = staged_counts.raw_table
    left join rejected_counts
        on read_counts.raw_table = rejected_counts.raw_table
    left join file_counts
        on read_counts.raw_table = file_counts.raw_table

)

select * from final
