{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'feedback'),
    [
        'task_id string required',
        'submitted_at timestamp required',
        'csat integer',
        'nps integer',
        'thumbs string',
        'opted_out boolean',
        'comment string',
    ]
) }}
