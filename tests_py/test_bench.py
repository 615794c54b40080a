"""The bench's feed at scale: generated in parts that never share a task, call or event."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from agent_kpis import bench

END = date(2026, 3, 1)


def test_a_feed_in_parts_is_one_feed_with_disjoint_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "PART_TASKS", 40)
    # in this process: a spawned child of a pytest-xdist worker once hung in CI (its threads
    # all waiting on a lock); the bench itself spawns, to keep each step's peak memory its own
    monkeypatch.setattr(bench, "_in_fresh_process", lambda args: bench._generate_lines(*args))
    raw = tmp_path / "raw"
    lines = bench._generate_in_parts(100, 3, 7, END, raw)  # parts of 40, 40 and 20 tasks

    con = duckdb.connect()
    tasks = con.execute(
        "select count(distinct task_id), count(distinct split_part(task_id, '-', 1))"
        " from read_parquet(?) where event_type = 'created'",
        [str(raw / "task_events" / "*.parquet")],
    ).fetchall()
    assert tasks == [(100, 3)]
    for table in ("tool_calls", "llm_calls"):
        rows, ids = con.execute(
            "select count(*), count(distinct event_id) from read_parquet(?)", [str(raw / table / "*.parquet")]
        ).fetchone()  # type: ignore[misc]
        assert rows == ids > 0
    releases = con.execute(
        "select count(*), count(distinct event_id) from read_parquet(?)", [str(raw / "releases" / "*.parquet")]
    ).fetchone()
    assert releases is not None and releases[0] == 3 * releases[1]  # each part's copy of the same releases
    total = sum(con.execute("select count(*) from read_parquet(?)", [str(p)]).fetchone()[0]  # type: ignore[index]
                for p in raw.glob("*/*.parquet"))  # fmt: skip
    assert total == lines

    # the last day splits per file, so the parts' files of one day stay apart
    before, hour, rest = bench._split_last_day(raw, date(2026, 2, 28), tmp_path / "split")
    assert {p.name.split("-")[1] for p in hour if p.parent.name == "task_events"} == {"p0", "p1", "p2"}
    assert len(before) + len(hour) == len(list(raw.glob("*/*.parquet")))
    assert len(rest) == len(hour)
