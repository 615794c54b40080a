{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'policy_events'),
    [
        'task_id string required',
        'call_id string',
        'policy_id string',
        'decision string',
        'is_violation boolean',
        'is_near_miss boolean',
        'severity string',
        'sensitive_field string',
        'occurred_at timestamp required',
    ]
) }}
