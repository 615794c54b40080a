with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__feedback')) }}

),

final as (

    select
        event_id,
        task_id,
        submitted_at,
        case when csat between 1 and 5 then csat end as csat,
        case when nps between 0 and 10 then nps end as nps,
        coalesce(csat not between 1 and 5 or nps not between 0 and 10, false) as has_out_of_range_score,
        {{ agent_kpis.enum_columns('thumbs', 'thumbs') }},
        coalesce(opted_out, false) as is_opted_out,
        comment is not null as has_comment,
        length(comment) as comment_length,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
