{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'evaluations'),
    [
        'task_id string required',
        'evaluator_type string',
        'rubric string',
        'score decimal',
        'passed boolean',
        'evaluated_at timestamp',
    ]
) }}
