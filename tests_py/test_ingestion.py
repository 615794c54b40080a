"""Raw files through dbt: nothing lost, bad rows quarantined, every format read the same."""

from __future__ import annotations

import shutil
from pathlib import Path

from agent_kpis.contract import TABLES, required_fields
from agent_kpis.generator import FaultRates

from conftest import Build, query
from rawfiles import iter_lines, parse, read_records

SELECT = "+dq_ingestion_summary"


def test_fault_free_telemetry_quarantines_nothing(build_project: Build) -> None:
    _, wh = build_project("clean", faults=FaultRates.none(), select=SELECT)
    assert query(wh, "select count(*) from marts.dq_quarantined_rows") == [(0,)]
    assert query(wh, "select sum(duplicates_removed) from marts.dq_ingestion_summary") == [(0,)]
    staged = dict(query(wh, "select raw_table, rows_staged from marts.dq_ingestion_summary"))  # type: ignore[arg-type]
    assert all(staged[t] > 0 for t in TABLES)


def test_quarantine_and_staging_match_an_independent_count(build_project: Build) -> None:
    raw, wh = build_project("faulty", select=SELECT)
    summary = {
        r[0]: r[1:]
        for r in query(
            wh,
            "select raw_table, rows_read, rows_staged, duplicates_removed, rows_rejected"
            " from marts.dq_ingestion_summary",
        )
    }
    for table in TABLES:
        lines = list(iter_lines(raw / table))
        parsed = [parse(line) for line in lines]
        rejected = sum(1 for p in parsed if p is None or any(p.get(f) is None for f in required_fields(table)))
        valid_ids = {
            p["event_id"] for p in parsed if p is not None and all(p.get(f) is not None for f in required_fields(table))
        }
        assert summary[table] == (len(lines), len(valid_ids), len(lines) - rejected - len(valid_ids), rejected), table
    reasons = dict(query(wh, "select reject_reason, count(*) from marts.dq_quarantined_rows group by all"))
    assert reasons["not_json"] > 0 and reasons["missing_required_field"] > 0


def test_quarantine_masks_personal_data(build_project: Build) -> None:
    _, wh = build_project("faulty", select=SELECT)
    leaks = query(
        wh,
        r"""
        select count(*) from marts.dq_quarantined_rows
        where regexp_matches(raw_line_masked, '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}')
           or regexp_matches(raw_line_masked, '"customer_id":"cust-')
    """,
    )
    assert leaks == [(0,)]
    assert query(wh, "select count(*) from staging.stg_telemetry__task_events where reason_masked like '%@%'") == [(0,)]


def _staged_fingerprint(wh: Path) -> dict[str, tuple[object, ...]]:
    out = {}
    for table in TABLES:
        ts = {
            "task_events": "occurred_at",
            "tool_calls": "started_at",
            "llm_calls": "started_at",
            "verifications": "verified_at",
            "human_interventions": "started_at",
            "policy_events": "occurred_at",
            "feedback": "submitted_at",
            "evaluations": "evaluated_at",
            "business_outcomes": "occurred_at",
            "releases": "deployed_at",
        }[table]
        out[table] = query(
            wh,
            f"select count(*), count(distinct event_id), min({ts}), max({ts}), "
            f"sum(epoch_us({ts})) from staging.stg_telemetry__{table}",
        )[0]
    return out


def test_jsonl_gzipped_jsonl_and_parquet_stage_the_same_rows(build_project: Build) -> None:
    clean = FaultRates.none()
    prints = [
        _staged_fingerprint(build_project(f"fmt-{fmt}", tasks=600, fmt=fmt, faults=clean, select=SELECT)[1])
        for fmt in ("jsonl", "jsonl.gz", "parquet")
    ]
    assert prints[0] == prints[1] == prints[2]


def test_mixed_formats_in_one_folder_are_all_read(build_project: Build, tmp_path: Path) -> None:
    def add_parquet_copy(raw: Path) -> None:
        from agent_kpis.generator import GeneratorConfig, generate

        other = tmp_path / "other"
        generate(GeneratorConfig(tasks=100, days=5, seed=99, fmt="parquet", faults=FaultRates.none()), other)
        for f in (other / "feedback").glob("*.parquet"):
            shutil.copy(f, raw / "feedback" / f"extra-{f.name}")

    raw, wh = build_project("mixed", tasks=300, faults=FaultRates.none(), select=SELECT, prepare=add_parquet_copy)
    records, _ = read_records(raw / "feedback")
    assert query(wh, "select rows_read from marts.dq_ingestion_summary where raw_table = 'feedback'") == [
        (len(records),)
    ]
    assert query(wh, "select count(distinct source_file like '%.parquet') from staging.stg_telemetry__feedback") == [
        (2,)
    ]


def test_missing_or_empty_table_folder_is_an_empty_table(build_project: Build) -> None:
    def drop_folders(raw: Path) -> None:
        shutil.rmtree(raw / "evaluations")
        for f in (raw / "feedback").iterdir():
            f.unlink()

    _, wh = build_project("missing", tasks=300, select=SELECT, prepare=drop_folders)
    counts = dict(query(wh, "select raw_table, rows_read from marts.dq_ingestion_summary"))
    assert counts["evaluations"] == 0 and counts["feedback"] == 0
    assert counts["task_events"] > 0
