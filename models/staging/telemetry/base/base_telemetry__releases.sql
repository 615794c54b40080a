{{ agent_kpis.parse_raw_telemetry(
    source('telemetry', 'releases'),
    [
        'release_id string required',
        'agent_id string',
        'component string',
        'component_name string',
        'version string',
        'deployed_at timestamp required',
        'description string',
    ]
) }}
