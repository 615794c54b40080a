{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'human_interventions'),
    [
        'task_id string required',
        'kind string',
        'actor_role string',
        'started_at timestamp',
        'minutes decimal',
        'outcome string',
    ]
) }}
