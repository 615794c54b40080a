{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'verifications'),
    [
        'task_id string required',
        'check_name string',
        'system_of_record string',
        'status string',
        'verified_at timestamp required',
        'expected string',
        'observed string',
    ]
) }}
