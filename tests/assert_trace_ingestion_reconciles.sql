-- "Nothing lost" for traces: lines read = parsed + rejected, spans unnested = staged +
-- duplicates + rejected, staged spans = in tasks + outside tasks + waiting for a parent.
select *
from {{ ref('dq_trace_ingestion_summary') }}
where not is_reconciled
