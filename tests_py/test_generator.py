"""The demo generator: deterministic, exactly the contract, faults at the configured rates."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from agent_kpis import catalog
from agent_kpis.cli import main
from agent_kpis.contract import TABLES, Field, primary_enum, required_fields
from agent_kpis.generator import FaultRates, GeneratorConfig, generate
from agent_kpis.generator.config import _ARROW_TYPES

from conftest import END_DATE
from rawfiles import iter_lines, parse, read_records


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*.*"))}


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path, fmt: str) -> None:
    cfg = GeneratorConfig(tasks=800, days=10, seed=3, end_date=END_DATE, fmt=fmt)  # type: ignore[arg-type]
    generate(cfg, tmp_path / "a")
    generate(cfg, tmp_path / "b")
    generate(GeneratorConfig(tasks=800, days=10, seed=4, end_date=END_DATE, fmt=fmt), tmp_path / "c")  # type: ignore[arg-type]
    a, b, c = _digest(tmp_path / "a"), _digest(tmp_path / "b"), _digest(tmp_path / "c")
    assert a and a == b
    assert a != c


def _is_timestamp(value: object) -> bool:
    if isinstance(value, datetime):
        return value.tzinfo is not None
    if not isinstance(value, str):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _conforms(f: Field, value: object) -> bool:
    if value is None:
        return not f.required
    checks = {
        "string": lambda v: isinstance(v, str),
        "timestamp": _is_timestamp,
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "decimal": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "json": lambda v: isinstance(v, dict | list | str),
        "string_list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    }
    return checks[f.type](value)


def test_clean_jsonl_has_every_contract_field_with_its_type(tmp_path: Path) -> None:
    generate(GeneratorConfig(tasks=1500, days=15, seed=1, end_date=END_DATE, faults=FaultRates.none()), tmp_path)
    for table, fields in TABLES.items():
        records, bad = read_records(tmp_path / table)
        assert bad == 0, table
        assert records, f"{table} is empty"
        for rec in records:
            assert set(rec) == {f.name for f in fields}, (table, rec)
            for f in fields:
                assert _conforms(f, rec[f.name]), (table, f.name, rec[f.name])
                if f.enum is not None and rec[f.name] is not None:
                    assert rec[f.name] in f.enum, (table, f.name, rec[f.name])


def test_parquet_schema_follows_the_contract(tmp_path: Path) -> None:
    generate(GeneratorConfig(tasks=600, days=10, seed=1, end_date=END_DATE, fmt="parquet"), tmp_path)
    for table, fields in TABLES.items():
        files = sorted((tmp_path / table).glob("*.parquet"))
        assert files, table
        schema = pq.read_schema(files[0])
        assert schema.names == [f.name for f in fields]
        for f in fields:
            assert schema.field(f.name).type == _ARROW_TYPES[f.type], (table, f.name)
        assert schema.field("_emitted_at").type == pa.timestamp("us", tz="UTC")


def test_demo_world_is_realistic(tmp_path: Path) -> None:
    generate(GeneratorConfig(tasks=3000, days=30, seed=5, end_date=END_DATE, faults=FaultRates.none()), tmp_path)
    events, _ = read_records(tmp_path / "task_events")
    created = [e for e in events if e["event_type"] == "created"]
    assert {e["agent_id"] for e in created} == set(catalog.AGENTS)
    assert len({e["agent_version"] for e in created}) >= 4
    assert {"completed", "failed", "abandoned", "escalated", "handed_off", "reopened"} <= {
        e["event_type"] for e in events
    }
    weekday = sum(1 for e in created if datetime.fromisoformat(str(e["occurred_at"])[:19]).weekday() < 5) / 5
    weekend = sum(1 for e in created if datetime.fromisoformat(str(e["occurred_at"])[:19]).weekday() >= 5) / 2
    assert weekend < 0.7 * weekday  # weekly load pattern
    calls, _ = read_records(tmp_path / "tool_calls")
    assert max(int(c["attempt"]) for c in calls) >= 3  # retries  # type: ignore[call-overload]
    checks, _ = read_records(tmp_path / "verifications")
    per_check: dict[tuple[object, object], int] = {}
    for v in checks:
        per_check[(v["task_id"], v["check_name"])] = per_check.get((v["task_id"], v["check_name"]), 0) + 1
    assert max(per_check.values()) >= 2  # superseded results
    policy, _ = read_records(tmp_path / "policy_events")
    share = sum(1 for p in policy if p["is_violation"]) / len(policy)
    assert 0 < share < 0.1  # rare violations
    releases, _ = read_records(tmp_path / "releases")
    assert {r["release_id"] for r in releases} == {r.release_id for r in catalog.RELEASES}


RATES = FaultRates(
    duplicate=0.05,
    late=0.1,
    not_json=0.03,
    missing_required=0.04,
    tz_offset=0.3,
    no_offset=0.2,
    ended_before_started=0.05,
    unknown_enum=0.04,
    negative_minutes=0.1,
)


@pytest.fixture(scope="module")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("faulty")
    generate(GeneratorConfig(tasks=4000, days=20, seed=11, end_date=END_DATE, faults=RATES), out)
    return out


def _close(measured: float, rate: float, n: int) -> bool:
    # about the configured rate: within 4 binomial standard errors (and 15% relative)
    se = (rate * (1 - rate) / n) ** 0.5
    return abs(measured - rate) <= max(4 * se, 0.15 * rate)


def _timestamp_fields(table: str) -> list[str]:
    return [f.name for f in TABLES[table] if f.type == "timestamp"]


def test_not_json_lines_at_the_configured_rate(faulty: Path) -> None:
    for table in ("task_events", "tool_calls", "llm_calls"):
        lines = list(iter_lines(faulty / table))
        bad = sum(1 for line in lines if parse(line) is None)
        assert _close(bad / len(lines), RATES.not_json, len(lines)), (table, bad / len(lines))


def test_missing_required_unknown_enum_and_row_faults_at_the_configured_rates(faulty: Path) -> None:
    for table in ("task_events", "tool_calls", "llm_calls", "verifications"):
        records, _ = read_records(faulty / table)
        missing = sum(1 for r in records if any(r.get(f) is None for f in required_fields(table)))
        assert _close(missing / len(records), RATES.missing_required, len(records)), table
        enum = primary_enum(table)
        if enum is not None:
            unknown = sum(1 for r in records if r.get(enum.name) is not None and r[enum.name] not in enum.enum)
            assert _close(unknown / len(records), RATES.unknown_enum, len(records)), table
    calls, _ = read_records(faulty / "tool_calls")
    timed = [c for c in calls if c["started_at"] and c["ended_at"]]
    skewed = sum(1 for c in timed if _parse(c["ended_at"]) < _parse(c["started_at"]))
    assert _close(skewed / len(timed), RATES.ended_before_started, len(timed))
    minutes, _ = read_records(faulty / "human_interventions")
    negative = sum(1 for m in minutes if m["minutes"] is not None and m["minutes"] < 0)  # type: ignore[operator]
    assert _close(negative / len(minutes), RATES.negative_minutes, len(minutes))


def _parse(value: object) -> datetime:
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)  # no offset = UTC (contract)


def test_duplicates_late_events_and_offsets_at_the_configured_rates(faulty: Path) -> None:
    records, _ = read_records(faulty / "tool_calls")
    with_id = [r for r in records if r["event_id"] is not None]
    copies = len(with_id) - len({r["event_id"] for r in with_id})
    assert _close(copies / len({r["event_id"] for r in with_id}), RATES.duplicate, len(with_id))
    first: dict[object, dict[str, object]] = {}  # a redelivered copy is not a late event: keep the first
    for r in with_id:
        if r["_emitted_at"] and r["started_at"]:
            seen = first.get(r["event_id"])
            if seen is None or _parse(r["_emitted_at"]) < _parse(seen["_emitted_at"]):
                first[r["event_id"]] = r
    timed = list(first.values())
    late = sum(1 for r in timed if (_parse(r["_emitted_at"]) - _parse(r["started_at"])).total_seconds() > 3600)
    # late copies that would arrive after the window are not written, so allow a little less
    assert RATES.late * 0.75 <= late / len(timed) <= RATES.late * 1.2
    assert max((_parse(r["_emitted_at"]) - _parse(r["started_at"])).days for r in timed) <= 3
    stamps = [str(r["started_at"]) for r in records if r["started_at"]]
    no_offset = sum(1 for s in stamps if not (s.endswith("Z") or s[-6] in "+-"))
    offset = sum(1 for s in stamps if s[-6] in "+-")
    assert _close(offset / len(stamps), RATES.tz_offset, len(stamps))
    assert _close(no_offset / len(stamps), RATES.no_offset, len(stamps))


def test_fault_report_matches_the_files(faulty: Path, tmp_path: Path) -> None:
    report = generate(GeneratorConfig(tasks=4000, days=20, seed=11, end_date=END_DATE, faults=RATES), tmp_path)
    for table in TABLES:
        lines = sum(1 for _ in iter_lines(faulty / table))
        assert report.tables[table].lines == lines


def test_cli_generate_writes_every_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "generate",
            "--tasks",
            "200",
            "--days",
            "5",
            "--end-date",
            "2026-03-31",
            "--format",
            "jsonl.gz",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    for table in TABLES:
        assert list((tmp_path / table).glob("*.jsonl.gz")), table
    assert "task_events" in capsys.readouterr().out


def test_generator_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown format"):
        generate(GeneratorConfig(tasks=10, fmt="csv"), tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 1"):
        generate(GeneratorConfig(tasks=0), tmp_path)
