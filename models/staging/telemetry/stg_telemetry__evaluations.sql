with

deduplicated as (

    {{ agent_kpis.valid_deduplicated_rows(ref('base_telemetry__evaluations')) }}

),

final as (

    select
        event_id,
        task_id,
        {{ agent_kpis.enum_columns('evaluator_type', 'evaluator_type') }},
        rubric,
        case when score between 0 and 1 then score end as score,
        coalesce(score not between 0 and 1, false) as has_out_of_range_score,
        passed as is_passed,
        evaluated_at,
        unparseable_field_count > 0 as has_unparseable_field,
        has_identity_conflict,
        emitted_at,
        loaded_at,
        source_file

    from deduplicated

)

select * from final
