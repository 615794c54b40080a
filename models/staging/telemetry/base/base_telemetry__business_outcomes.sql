{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'business_outcomes'),
    [
        'task_id string required',
        'outcome_type string',
        'value_usd decimal',
        'occurred_at timestamp',
    ]
) }}
