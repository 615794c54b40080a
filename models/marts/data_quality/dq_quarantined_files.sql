with

landed_files as (

    select * from {{ ref('stg_telemetry__landed_files') }}

),

final as (

    select
        {{ agent_kpis.surrogate_key(['source_file'], hashed=true) }} as quarantined_file_id,
        raw_table,
        {{ agent_kpis.mask_personal_text('source_file') }} as source_file,
        reject_reason,
        {{ agent_kpis.mask_personal_text('reject_detail') }} as reject_detail,
        is_partially_read,
        file_bytes,
        first_seen_at

    from landed_files
    where reject_reason is not null

)

select * from final
