{{ config(materialized='view') }}

with

landed_files as (

    select * from {{ source('telemetry', 'landed_files') }}

),

final as (

    select
        source_file,
        raw_table,
        file_bytes,
        file_format,
        read_method,
        read_method in ('native', 'salvage', 'empty') as is_read,
        read_method = 'salvage' and reject_reason is not null as is_partially_read,
        reject_reason,
        reject_detail,
        read_note,
        cast({{ agent_kpis.timestamptz_to_utc('first_seen_at') }} as {{ api.Column.translate_type('timestamp') }}) as first_seen_at

    from landed_files

)

select * from final
