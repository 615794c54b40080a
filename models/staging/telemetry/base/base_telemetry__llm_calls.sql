{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'llm_calls'),
    [
        'task_id string required',
        'model string',
        'provider string',
        'input_tokens integer',
        'output_tokens integer',
        'cached_input_tokens integer',
        'cache_creation_input_tokens integer',
        'reasoning_output_tokens integer',
        'started_at timestamp',
        'ended_at timestamp',
        'cost_usd decimal',
    ]
) }}
