"""The front door (issue 8): a feed with one file of every hostile kind builds, every file is
read as itself or listed with its reason, bad lines and values are quarantined or flagged,
the KPIs of the good data do not move, and no personal data or salt leaves the warehouse."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from agent_kpis import job
from agent_kpis.contract import TABLES
from agent_kpis.generator import GeneratorConfig, generate
from agent_kpis.publish import publish
from agent_kpis.validation import validate_landing, validate_publishing
from hostile import ORPHAN_TASK, PERSONAL_DATA, HostileFeed, add_hostile_files, valid_lines

from conftest import END_DATE, PROJECT_DIR, columns, query, run_dbt

SALT = "o'brien's salt'); drop table marts.fct_tasks; --"
SALT_ENV = {"DBT_ENV_SECRET_AGENT_KPIS_PII_SALT": SALT}
SECOND_INJECTION = "y') or (1=1) or source_file in ('.jsonl"
SELECT = ["--select", "+marts", "--indirect-selection", "cautious"]
FACTS = ["--select", "+fct_tasks", "+dq_ingestion_summary", "--indirect-selection", "cautious"]


@dataclass
class Hostile:
    root: Path
    raw: Path
    warehouse: Path
    feed: HostileFeed
    summary_before: dict[str, tuple[int, ...]]
    summary_after: dict[str, tuple[int, ...]]


def _summary(wh: Path) -> dict[str, tuple[int, ...]]:
    rows = query(
        wh, "select raw_table, files_seen, rows_read, rows_staged, rows_rejected from marts.dq_ingestion_summary"
    )
    return {str(r[0]): tuple(int(v) for v in r[1:]) for r in rows}  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """The demo feed (as the demo fixture builds it) plus every hostile file, under a root whose
    path has a quote, brackets, a space and $(...); built with a salt holding quotes and SQL;
    then one more file named like SQL, read by an incremental run."""
    root = tmp_path_factory.mktemp("front-door") / "o'brien [1] $(touch x)"
    raw, warehouse = root / "raw", root / "wh" / "agent_kpis.duckdb"
    (warehouse.parent / "tmp").mkdir(parents=True)
    generate(GeneratorConfig(tasks=5000, days=30, seed=42, end_date=END_DATE), raw)
    feed = add_hostile_files(raw)
    run_dbt(["build", "--full-refresh", *SELECT], raw, warehouse, env=SALT_ENV)
    before = _summary(warehouse)
    (raw / "feedback" / SECOND_INJECTION).write_text(valid_lines(raw, "feedback", 1, skip=500)[0] + "\n")
    run_dbt(["build", *SELECT], raw, warehouse, env=SALT_ENV)
    return Hostile(root, raw, warehouse, feed, before, _summary(warehouse))


def _rows(wh: Path, table: str, drop: set[str], without_task: str | None = None) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(wh), read_only=True)
    try:
        names = columns(con, table, drop)
        quoted = ", ".join(f'"{c}"' for c in names)
        where = " where task_id is distinct from ?" if without_task and "task_id" in names else ""
        params = [without_task] if where else []
        return con.execute(f"select {quoted} from {table}{where} order by {quoted}", params).fetchall()
    finally:
        con.close()


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b


MODEL_CALL_KPIS = ("model_call_error_rate", "model_latency_p50_ms", "model_latency_p95_ms")
KPI_KEY = ("kpi_name", "period_grain", "period_start", "cohort_dimension", "cohort_value")
Rows = list[tuple[object, ...]]


def _without_orphan_model_calls(wh: Path, mart: str, drop: set[str], expected: Rows, actual: Rows) -> tuple[Rows, Rows]:
    """The hostile model calls have no task (cohort '(missing)') and no usable number: they may
    add volume to the model-call KPIs and, in that cohort, rows without a value, but change no
    value. Checks that, and returns both sides without those rows."""
    con = duckdb.connect(str(wh), read_only=True)
    names = columns(con, f"marts.{mart}", drop)
    con.close()
    key = [names.index(c) for c in KPI_KEY if c in names]
    value = names.index("value")
    cohort = names.index("cohort_value") if "cohort_value" in names else None

    def touched(r: tuple[object, ...]) -> bool:
        return r[key[0]] in MODEL_CALL_KPIS and (cohort is None or r[cohort] == "(missing)")

    before = {tuple(r[i] for i in key): r[value] for r in expected if touched(r)}
    after = {tuple(r[i] for i in key): r[value] for r in actual if touched(r)}
    assert set(before) <= set(after), mart
    assert all(_same(before[k], after[k]) if k in before else after[k] is None for k in after), mart
    return [r for r in expected if not touched(r)], [r for r in actual if not touched(r)]


def test_the_hostile_files_change_no_kpi_and_no_fact(demo: tuple[Path, Path], hostile: Hostile) -> None:
    _, demo_wh = demo
    marts = [
        r[0] for r in query(demo_wh, "select table_name from information_schema.tables where table_schema = 'marts'")
    ]
    compared = [m for m in marts if str(m).startswith(("kpi_", "fct_", "dim_"))]
    assert len(compared) >= 15
    # customer_key: another salt; last_loaded_at: when a row was derived
    drop = {"customer_key", "last_loaded_at"}
    # the hostile model calls with unusable values are staged (flagged, never dropped) on a task
    # that has no events: a call-grain fact keeps them, every task-grain figure leaves them out
    orphan_calls = query(hostile.warehouse, f"select count(*) from marts.fct_llm_calls where task_id = '{ORPHAN_TASK}'")
    assert orphan_calls == [(hostile.feed.staged_new_events["llm_calls"],)]
    for mart in compared:
        expected = _rows(demo_wh, f"marts.{mart}", drop)
        actual = _rows(hostile.warehouse, f"marts.{mart}", drop, without_task=ORPHAN_TASK)
        if mart in ("kpi_by_cohort", "kpi_scorecard"):
            expected, actual = _without_orphan_model_calls(hostile.warehouse, mart, drop, expected, actual)
        assert len(actual) == len(expected), mart
        diffs = [(e, a) for e, a in zip(expected, actual, strict=True) if not all(map(_same, e, a))]
        assert not diffs, (mart, diffs[:2])


def test_every_file_is_read_as_itself_or_listed_with_its_reason(hostile: Hostile) -> None:
    rows = query(
        hostile.warehouse, "select source_file, reject_reason, is_partially_read from marts.dq_quarantined_files"
    )
    prefix = str(hostile.raw) + "/"
    listed = {str(path).removeprefix(prefix): (reason, partial) for path, reason, partial in rows}
    expected = {
        rel: (reason, rel in hostile.feed.partially_read) for rel, reason in hostile.feed.quarantined_files.items()
    }
    assert listed == expected
    read: Counter[str] = Counter()
    for table in TABLES:
        for path, n in query(
            hostile.warehouse, f"select source_file, count(*) from staging.base_telemetry__{table} group by 1"
        ):
            read[str(path).removeprefix(prefix)] += int(n)  # type: ignore[call-overload]
    for rel, lines in hostile.feed.read_files.items():
        assert read[rel] == lines, rel
    assert read[f"feedback/{SECOND_INJECTION}"] == 1
    assert read["feedback/m2.jsonl"] == 2 and read["feedback/m[2].jsonl"] == 1  # no glob: each file once


def test_bad_lines_are_quarantined_rows_with_their_reason(demo: tuple[Path, Path], hostile: Hostile) -> None:
    _, demo_wh = demo
    sql = "select raw_table, reject_reason, count(*) from marts.dq_quarantined_rows group by all"
    base = Counter({(t, r): int(n) for t, r, n in query(demo_wh, sql)})  # type: ignore[call-overload]
    now = Counter({(t, r): int(n) for t, r, n in query(hostile.warehouse, sql)})  # type: ignore[call-overload]
    added = now - base
    assert added == hostile.feed.quarantined_rows
    assert not base - now


def test_values_no_column_can_hold_are_nulled_and_flagged(demo: tuple[Path, Path], hostile: Hostile) -> None:
    staged = query(
        hostile.warehouse,
        "select event_id, cost_usd, input_tokens, started_at, ended_at, has_unparseable_field"
        " from staging.stg_telemetry__llm_calls where event_id like 'hostile-lc-%' order by 1",
    )
    assert [r[0] for r in staged] == [f"hostile-lc-{i}" for i in range(1, 8)]
    assert all(r[5] for r in staged)
    assert all(r[1] is None for r in staged[:3])  # NaN, Infinity, 1e308
    assert staged[3][2] is None  # input_tokens 100.7
    assert staged[4][4] is None and staged[5][3] is None and staged[6][3] is None  # 2100, 9999, a named zone
    _, demo_wh = demo
    sql = "select flag_name, flagged_rows from marts.dq_data_quality_flags"
    base, now = dict(query(demo_wh, sql)), dict(query(hostile.warehouse, sql))
    for flag, rows in hostile.feed.flagged_rows.items():
        assert now[flag] - base[flag] == rows, flag
    # the redelivered event written earlier for another task stays where it was, flagged
    moved = query(
        hostile.warehouse,
        "select task_id, has_identity_conflict from staging.stg_telemetry__task_events where has_identity_conflict",
    )
    assert len(moved) == 1 and moved[0][0] != "hostile-task-2"


def test_an_incremental_run_reads_only_the_new_file_named_like_sql(hostile: Hostile) -> None:
    for table, before in hostile.summary_before.items():
        after = hostile.summary_after[table]
        added = (1, 1) if table == "feedback" else (0, 0)
        assert (after[0] - before[0], after[1] - before[1]) == added, table


def test_files_and_rows_reconcile(hostile: Hostile) -> None:
    rows = query(
        hostile.warehouse,
        "select raw_table, files_seen, files_read, files_quarantined, files_partially_read, is_reconciled"
        " from marts.dq_ingestion_summary",
    )
    assert all(r[5] for r in rows)
    in_tables = Counter(rel.split("/")[0] for rel in hostile.feed.quarantined_files if "/" in rel)
    for table, _seen, _read, quarantined, partial, _ in rows:
        whole = in_tables[table] - sum(1 for p in hostile.feed.partially_read if p.startswith(f"{table}/"))
        assert quarantined == whole, table
        assert partial == sum(1 for p in hostile.feed.partially_read if p.startswith(f"{table}/")), table


def test_a_salt_with_quotes_hashes_and_is_never_written_down(hostile: Hostile) -> None:
    raw_ids = {}
    for path in sorted((hostile.raw / "task_events").glob("task_events-*.jsonl"))[:3]:
        for text in path.read_text().splitlines():
            try:
                record = json.loads(text)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict) and isinstance(record.get("customer_id"), str):
                raw_ids[record["event_id"]] = record["customer_id"]
    keys = dict(query(hostile.warehouse, "select event_id, customer_key from staging.stg_telemetry__task_events"))
    checked = [e for e in raw_ids if keys.get(e)]
    assert len(checked) > 100
    for event in checked:
        assert keys[event] == hashlib.sha256(f"{SALT}|{raw_ids[event]}".encode()).hexdigest()
    leaks = [
        path
        for path in hostile.root.rglob("*")
        if path.is_file()
        and "raw" not in path.relative_to(hostile.root).parts[:1]
        and SALT.encode() in path.read_bytes()
    ]
    assert not leaks
    assert (hostile.warehouse.parent / "target" / "manifest.json").exists()  # the artifacts were searched


def test_no_personal_data_reaches_a_published_table(hostile: Hostile, tmp_path: Path) -> None:
    publication = publish(hostile.warehouse, tmp_path / "published", allow_demo_salt=False)
    con = duckdb.connect(str(publication.duckdb_path), read_only=True)
    try:
        cells = []
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns where data_type = 'VARCHAR'"
        ).fetchall():
            cells += [r[0] for r in con.execute(f'select distinct "{column}" from "{schema}"."{table}"').fetchall()]
    finally:
        con.close()
    quarantine = query(
        hostile.warehouse,
        "select raw_line_masked from marts.dq_quarantined_rows where source_file like '%personal.jsonl'",
    )
    assert len(quarantine) == 4  # the lines are published, masked
    found = [(secret, cell) for cell in cells if cell for secret in PERSONAL_DATA if secret in str(cell)]
    assert not found
    report = validate_publishing(hostile.root, hostile.warehouse)
    assert report.success, [f.line() for f in report.failures]


def test_a_missing_or_mistyped_raw_root_stops_before_anything_is_written(tmp_path: Path) -> None:
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "w.duckdb"
    (wh.parent / "tmp").mkdir(parents=True)
    generate(GeneratorConfig(tasks=300, days=5, seed=3, end_date=END_DATE), raw)
    run_dbt(["build", "--full-refresh", *FACTS], raw, wh)
    tasks = query(wh, "select count(*) from marts.fct_tasks")
    assert tasks[0][0] > 0
    empty = tmp_path / "no-tables"
    (empty / "task_event").mkdir(parents=True)  # a typo: not a table folder
    for root, message in ((tmp_path / "typo", "does not exist"), (empty, "has none of the raw table folders")):
        proc = run_dbt(["build", "--full-refresh", *FACTS], root, wh, check=False)
        assert proc.returncode != 0
        assert f"raw root {root} {message}" in proc.stdout
        assert query(wh, "select count(*) from marts.fct_tasks") == tasks
    allowed = run_dbt(["build", "--full-refresh", *FACTS, "--vars", "{allow_empty_feed: true}"], empty, wh, check=False)
    assert allowed.returncode == 0, allowed.stdout[-3000:]
    assert query(wh, "select count(*) from marts.fct_tasks") == [(0,)]


def test_a_salt_change_stops_the_build_until_a_full_refresh(tmp_path: Path) -> None:
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "w.duckdb"
    (wh.parent / "tmp").mkdir(parents=True)
    generate(GeneratorConfig(tasks=300, days=5, seed=3, end_date=END_DATE), raw)
    first = {"DBT_ENV_SECRET_AGENT_KPIS_PII_SALT": "first secret"}
    second = {"DBT_ENV_SECRET_AGENT_KPIS_PII_SALT": "second secret"}
    run_dbt(["build", "--full-refresh", *FACTS], raw, wh, env=first)
    keys = query(wh, "select count(distinct customer_key) from marts.fct_tasks")
    proc = run_dbt(["build", *FACTS], raw, wh, check=False, env=second)
    assert proc.returncode != 0 and "The PII salt differs from the one this warehouse was built with" in proc.stdout
    assert "second secret" not in proc.stdout and "first secret" not in proc.stdout
    run_dbt(["build", "--full-refresh", *FACTS], raw, wh, env=second)
    assert query(wh, "select count(distinct customer_key) from marts.fct_tasks") == keys
    run_dbt(["build", *FACTS], raw, wh, env=second)  # the new salt is now the warehouse's


def test_a_table_that_starts_empty_stages_the_files_that_arrive_later(tmp_path: Path) -> None:
    source, raw, wh = tmp_path / "all", tmp_path / "raw", tmp_path / "wh" / "w.duckdb"
    (wh.parent / "tmp").mkdir(parents=True)
    generate(GeneratorConfig(tasks=300, days=5, seed=3, end_date=END_DATE), source)
    shutil.copytree(source, raw, ignore=lambda d, names: names if Path(d).name == "evaluations" else [])
    run_dbt(["build", "--full-refresh", *FACTS], raw, wh)
    assert query(wh, "select rows_staged from marts.dq_ingestion_summary where raw_table = 'evaluations'") == [(0,)]
    shutil.rmtree(raw / "evaluations")
    shutil.copytree(source / "evaluations", raw / "evaluations")
    run_dbt(["build", *FACTS], raw, wh)
    staged = query(wh, "select rows_read, rows_staged from marts.dq_ingestion_summary where raw_table = 'evaluations'")
    assert staged[0][0] > 0 and staged[0][1] > 0


def test_a_cost_no_decimal_can_hold_on_a_real_task_does_not_fail_the_facts(tmp_path: Path) -> None:
    """NaN, Infinity and 1e308 used to reach the decimal cast in fct_tasks and fail every build."""
    raw, wh = tmp_path / "raw", tmp_path / "wh" / "w.duckdb"
    (wh.parent / "tmp").mkdir(parents=True)
    generate(GeneratorConfig(tasks=300, days=5, seed=3, end_date=END_DATE), raw)
    task = json.loads(valid_lines(raw, "task_events", 1)[0])["task_id"]
    lines = [
        '{"event_id":"nan-cost","task_id":"%s","model":"gpt-4o","cost_usd":NaN}' % task,  # noqa: UP031
        json.dumps({"event_id": "inf-cost", "task_id": task, "model": "gpt-4o", "cost_usd": "-Infinity"}),
        json.dumps({"event_id": "huge-cost", "task_id": task, "model": "gpt-4o", "cost_usd": 1e308}),
    ]
    (raw / "llm_calls" / "bad-costs.jsonl").write_text("\n".join(lines) + "\n")
    run_dbt(["build", "--full-refresh", "--select", "+fct_tasks", "--indirect-selection", "cautious"], raw, wh)
    cost = query(wh, f"select model_cost_usd from marts.fct_tasks where task_id = '{task}'")
    assert len(cost) == 1 and cost[0][0] is not None and math.isfinite(float(cost[0][0]))  # type: ignore[arg-type]
    flagged = query(
        wh,
        "select count(*) from staging.stg_telemetry__llm_calls where event_id like '%-cost' and has_unparseable_field",
    )
    assert flagged == [(3,)]


def test_the_hourly_job_runs_over_the_hostile_feed(
    hostile: Hostile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The scheduled job, not only dbt: landing validation tolerates the bad rows and reports the
    quarantined files; the next hourly run over the landed feed validates no file again and
    publishes (a real salt, so no demo flag is needed)."""
    monkeypatch.delenv("AGENT_KPIS_DEMO")
    monkeypatch.setenv("DBT_ENV_SECRET_AGENT_KPIS_PII_SALT", SALT)
    landing = validate_landing(PROJECT_DIR, hostile.raw)  # as the first run, on an empty warehouse
    not_read = {rel for rel in hostile.feed.quarantined_files if rel not in hostile.feed.partially_read}
    assert landing.success and landing.quarantined_files == len(not_read)
    runs = tmp_path / "runs"
    assert job.run_job(PROJECT_DIR, hostile.raw, hostile.warehouse, runs_dir=runs) == job.EXIT_OK
    (run_dir,) = runs.iterdir()
    steps = {s["step"]: s for s in map(json.loads, (run_dir / "run.jsonl").read_text().splitlines())}
    assert steps["landing_validation"]["files"] == 0 and steps["landing_validation"]["quarantined_files"] == 0
    assert steps["publish"]["status"] == "ok" and steps["end"]["exit_code"] == 0
