-- customer_key is SHA-256 of the session's PII salt (a connection setting, never in SQL
-- text), '|' and the customer id. Fails if a customer id is stored in clear or hashed
-- without the salt: compares every staged task event with its parsed raw row.
with

parsed as (

    select * from {{ ref('base_telemetry__task_events') }}

),

staged as (

    select * from {{ ref('stg_telemetry__task_events') }}

)

select staged.event_id
from staged
inner join parsed
    on
        staged.event_id = parsed.event_id
        and staged.source_file = parsed.source_file
        and parsed.reject_reason is null
where
    staged.customer_key is distinct from
    case
        when parsed.customer_id is not null
            then {{ agent_kpis.sha256_hex(agent_kpis.pii_salt() ~ " || '|' || parsed.customer_id") }}
    end
