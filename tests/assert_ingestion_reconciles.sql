-- "Nothing lost", for every raw table: files seen = files read + files quarantined, and
-- rows read = rows staged + duplicate copies removed + rows rejected.
select *
from {{ ref('dq_ingestion_summary') }}
where
    files_seen <> files_read + files_quarantined
    or rows_read <> rows_staged + duplicates_removed + rows_rejected
