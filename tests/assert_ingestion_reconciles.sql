-- KPIS.md section 8 ("nothing lost"): for every raw table,
-- rows read = rows staged + duplicate copies removed + rows rejected.
select *
from {{ ref('dq_ingestion_summary') }}
where rows_read <> rows_staged + duplicates_removed + rows_rejected
