"""`agent-kpis load` on a real PostgreSQL server (Debian's package, a throw-away cluster):
each raw file lands once, with the DuckDB landing's per-line rules, under hostile names."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg
import pytest

from agent_kpis.contract import TABLE_NAMES
from agent_kpis.generator import GeneratorConfig, generate
from agent_kpis.landing import postgres
from agent_kpis.landing.files import RawFile
from agent_kpis.pg_local import LocalPostgres, local_postgres

from conftest import END_DATE

HOSTILE_NAME = "x'; drop table raw.task_events; --.jsonl"
SECRET = "pw-never-printed-7f3a"  # the local cluster trusts every login: any password connects


@pytest.fixture(scope="module")
def pg() -> Iterator[LocalPostgres]:
    with local_postgres() as pg:
        yield pg


@pytest.fixture(scope="module")
def server(pg: LocalPostgres) -> str:
    return pg.dsn


def _lines_per_table(raw: Path) -> Counter[str]:
    """Lines of every JSON-lines file, counted without the landing's code."""
    counts: Counter[str] = Counter()
    for path in raw.rglob("*"):
        if path.is_file() and path.parent.name in TABLE_NAMES:
            data = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
            counts[path.parent.name] += len(data.splitlines())
    return counts


def _load(raw: Path, pg: LocalPostgres, password: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **pg.env(), **({postgres.PASSWORD_ENV: password} if password else {})}
    cmd = [sys.executable, "-m", "agent_kpis.cli", "load", "--raw-root", str(raw)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)


def test_each_file_lands_once_with_the_landing_rules(pg: LocalPostgres, server: str, tmp_path: Path) -> None:
    raw = tmp_path / "raw o'brien [1]"
    generate(GeneratorConfig(tasks=150, days=3, seed=11, end_date=END_DATE), raw)
    hostile = raw / "task_events" / HOSTILE_NAME
    hostile.write_bytes(
        b'{"event_id": "h-1", "_emitted_at": "2026-03-30T10:00:00Z"}\n\xff\xfe not utf-8\n{"a": 1}\x00\n'
    )
    with gzip.open(raw / "tool_calls" / "extra.jsonl.gz", "wt") as fh:
        fh.write('{"event_id": "gz-1"}\n{"event_id": "gz-2"}\n')
    (raw / "not_a_table").mkdir()
    (raw / "not_a_table" / "stray.jsonl").write_text('{"x": 1}\n')
    expected = _lines_per_table(raw)

    first = _load(raw, pg, password=SECRET)
    assert "loaded" in first.stdout and SECRET not in first.stdout + first.stderr
    with psycopg.connect(server) as con:
        for table in TABLE_NAMES:
            got = con.execute(f'select count(*) from raw."{table}"').fetchone()
            assert got == (expected[table],), table
        files = dict(con.execute("select source_file, reject_reason from raw.landed_files").fetchall())
        assert str(hostile) in files and files[str(raw / "not_a_table" / "stray.jsonl")] is not None
        errors = con.execute(
            "select line_number, landing_error from raw.task_events where source_file = %s order by 1", (str(hostile),)
        ).fetchall()
        assert [n for n, _ in errors] == [1, 2, 3]
        assert (
            errors[0][1] is None and errors[1][1].startswith("invalid_utf8") and errors[2][1] == "control_character:NUL"
        )
        emitted = con.execute("select count(_emitted_at) from raw.task_events where source_file = %s", (str(hostile),))
        assert emitted.fetchone() == (1,)
        with_emitted = sum(
            1
            for path in (raw / "llm_calls").glob("*.jsonl")
            for line in path.read_bytes().splitlines()
            if _emitted(line)
        )
        assert con.execute("select count(_emitted_at) from raw.llm_calls").fetchone() == (with_emitted,)

    # a rerun loads nothing twice; a new file is the only thing the next run loads
    again = _load(raw, pg)
    assert again.stdout.startswith("loaded 0 new files (0 lines)"), again.stdout
    (raw / "feedback" / "late.jsonl").write_text('{"event_id": "late-1"}\n')
    late = _load(raw, pg)
    assert late.stdout.startswith("loaded 1 new files (1 lines)"), late.stdout
    with psycopg.connect(server) as con:
        assert con.execute("select count(*) from raw.feedback").fetchone() == (expected["feedback"] + 1,)


def _emitted(line: bytes) -> bool:
    """Whether a line is clean UTF-8 JSON with an _emitted_at that has a UTC offset."""
    try:
        value = json.loads(line.decode("utf-8")).get("_emitted_at")
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError, TypeError):
        return False
    return b"\x00" not in line and moment.tzinfo is not None


def test_a_file_that_breaks_while_it_is_read_is_recorded_not_half_loaded(
    pg: LocalPostgres, server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    (raw / "feedback").mkdir(parents=True)
    (raw / "feedback" / "a.jsonl").write_text('{"event_id": "a-1"}\n{"event_id": "a-2"}\n')
    (raw / "feedback" / "b.jsonl").write_text('{"event_id": "b-1"}\n')

    def breaking(raw_file: RawFile, max_line_bytes: int) -> Iterator[tuple[int, str, str | None]]:
        yield 1, '{"event_id": "a-1"}', None
        if raw_file.path.endswith("a.jsonl"):
            raise OSError("the file went away")

    monkeypatch.setattr(postgres, "_lines", breaking)
    for name, value in pg.env().items():
        monkeypatch.setenv(name, value)
    result = postgres.load(postgres.connection_kwargs(), raw, ["feedback"], schema="broken")
    assert (result.files_loaded, result.lines_loaded) == (2, 1)
    with psycopg.connect(server) as con:
        lines = con.execute("select source_file from broken.feedback").fetchall()
        assert lines == [(str(raw / "feedback" / "b.jsonl"),)]  # nothing of a.jsonl
        reason = con.execute(
            "select reject_reason, reject_detail from broken.landed_files where source_file = %s",
            (str(raw / "feedback" / "a.jsonl"),),
        ).fetchone()
        assert reason == ("unreadable_file", "OSError: the file went away")


def test_a_missing_server_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PGHOST"}
    proc = subprocess.run(
        [sys.executable, "-m", "agent_kpis.cli", "load", "--raw-root", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (
        proc.returncode == 2
        and proc.stderr.strip()
        == "load: set PGHOST (and PGPORT, PGUSER, PGDATABASE; the password in DBT_ENV_SECRET_PGPASSWORD)"
    )
