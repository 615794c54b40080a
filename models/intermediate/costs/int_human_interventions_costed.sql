with

interventions as (

    select * from {{ ref('stg_telemetry__human_interventions') }}

),

rates as (

    select * from {{ ref('human_cost_rates') }}

),

final as (

    select
        interventions.event_id,
        interventions.task_id,
        interventions.kind,
        interventions.actor_role,
        interventions.started_at,
        interventions.minutes as reported_minutes,
        -- negative minutes are kept in staging, flagged, and not counted (docs/kpis.md section 3)
        case when interventions.minutes > 0 then interventions.minutes else 0 end as counted_minutes,
        interventions.is_negative_minutes,
        rates.actor_role is null as is_unknown_role,
        rates.usd_per_hour,
        cast(case when interventions.minutes > 0 then interventions.minutes else 0 end as {{ agent_kpis.type_double() }})
        / 60 * coalesce(rates.usd_per_hour, 0) as human_cost_usd

    from interventions
    left join rates
        on interventions.actor_role = rates.actor_role

)

select * from final
