{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'tool_calls'),
    [
        'call_id string required',
        'task_id string required',
        'attempt integer required',
        'tool_name string required',
        'tool_version string',
        'is_side_effecting boolean',
        'idempotency_key string',
        'started_at timestamp required',
        'ended_at timestamp',
        'status string',
        'error_category string',
        'error_message string',
        'input json',
        'output json',
        'sensitive_fields json',
    ],
    rules=[
        ('attempt < 1', 'attempt_below_1'),
    ]
) }}
