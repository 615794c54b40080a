{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'task_events'),
    [
        'task_id string required',
        'event_type string',
        'occurred_at timestamp required',
        'agent_id string',
        'agent_version string',
        'prompt_version string',
        'model string',
        'task_type string',
        'channel string',
        'region string',
        'product_line string',
        'customer_tier string',
        'customer_id string',
        'reason string',
    ]
) }}
