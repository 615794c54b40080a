"""Every custom dbt test of the project fails on the case it exists for.

On a copy of the demo warehouse the selected tests pass; then one targeted change per test
(a duplicate row, a value out of range, a clear customer id, a verified task without its
checks, a summary that does not add up, ...) and the same `dbt test` must fail each of them.
The stop-the-line check is shown failing in test_kpis.py (severity error on current alerts).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb

from conftest import run_dbt

# test node name (or prefix of a generic test's node name) -> SQL that makes it fail
BREAKS: dict[str, str] = {
    "assert_customer_key_is_the_salted_hash": (
        "update staging.stg_telemetry__task_events set customer_key = 'cust-in-clear'"
        " where event_id = (select min(event_id) from staging.stg_telemetry__task_events"
        " where customer_key is not null)"
    ),
    "assert_ingestion_reconciles": (
        "update marts.dq_ingestion_summary set rows_staged = rows_staged + 1 where raw_table = 'feedback'"
    ),
    "assert_trace_ingestion_reconciles": "update marts.dq_trace_ingestion_summary set is_reconciled = false",
    "assert_scorecard_all_matches_facts": (
        "update marts.kpi_scorecard set value = value + 0.05"
        " where kpi_name = 'task_success_rate' and period_grain = 'all'"
    ),
    "assert_verified_success_has_every_required_check_passed": (
        "update marts.fct_tasks set outcome = 'verified_success'"
        " where task_id = (select min(task_id) from marts.fct_tasks where outcome = 'verification_failed')"
    ),
    "unique_combination_of_columns_kpi_scorecard_": (
        "insert into marts.kpi_scorecard select * from marts.kpi_scorecard"
        " where kpi_name = 'terminal_tasks' and period_grain = 'day' limit 1"
    ),
    "value_between_stg_telemetry__feedback_csat_": (
        "update staging.stg_telemetry__feedback set csat = 6"
        " where event_id = (select min(event_id) from staging.stg_telemetry__feedback where csat is not null)"
    ),
    "expression_is_true_base_telemetry__feedback_": (
        "update staging.base_telemetry__feedback set event_id = null, reject_reason = null"
        " where event_id = (select min(event_id) from staging.base_telemetry__feedback)"
    ),
    "at_least_one_related_row_fct_tasks_task_id_": (
        "delete from staging.stg_telemetry__verifications"
        " where task_id = (select min(task_id) from marts.fct_tasks where outcome = 'verified_success')"
    ),
    "recency_fct_tasks_created_at_": "update marts.fct_tasks set created_at = created_at - interval 400 day",
}
# the demo feed ends on a fixed date in the past: make its newest task recent first
RECENT = (
    "update marts.fct_tasks set created_at = now()::timestamp"
    " where task_id = (select max(task_id) from marts.fct_tasks)"
)


def _statuses(target: Path, names: list[str]) -> dict[str, str]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    out: dict[str, str] = {}
    for r in results:
        node = r["unique_id"].split(".")[2]
        for name in names:
            if node == name or (name.endswith("_") and node.startswith(name)):
                out[name] = r["status"]
    return out


def test_every_custom_test_fails_on_its_case(demo: tuple[Path, Path], tmp_path: Path) -> None:
    raw, demo_wh = demo
    warehouse = tmp_path / "wh" / "agent_kpis.duckdb"
    warehouse.parent.mkdir()
    (warehouse.parent / "tmp").mkdir()
    shutil.copy(demo_wh, warehouse)
    run_dbt(["ls", "--resource-type", "test", "--output", "name"], raw, warehouse)
    manifest = json.loads((warehouse.parent / "target" / "manifest.json").read_text())
    test_names = [n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    selected = sorted(
        {t for t in test_names for name in BREAKS if t == name or (name.endswith("_") and t.startswith(name))}
    )
    assert len(selected) >= len(BREAKS), selected
    env = {"AGENT_KPIS_RULE_SEVERITY": "error"}

    with duckdb.connect(str(warehouse)) as con:
        con.execute(RECENT)
    before = run_dbt(["test", "--select", *selected], raw, warehouse, check=False, env=env)
    statuses = _statuses(warehouse.parent / "target", list(BREAKS))
    assert set(statuses) == set(BREAKS) and set(statuses.values()) == {"pass"}, (statuses, before.stdout[-3000:])

    with duckdb.connect(str(warehouse)) as con:
        for sql in BREAKS.values():
            con.execute(sql)
    after = run_dbt(["test", "--select", *selected], raw, warehouse, check=False, env=env)
    statuses = _statuses(warehouse.parent / "target", list(BREAKS))
    assert after.returncode != 0
    assert {name: status for name, status in statuses.items() if status != "fail"} == {}, after.stdout[-3000:]


def unit_test_columns_not_read(manifest: dict, compiled_dir: Path) -> list[str]:
    """Given columns of a unit test that its model never names and its expected rows do not hold."""
    models = {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    unread = []
    for test in manifest["unit_tests"].values():
        model = models[test["model"]]
        sql = (compiled_dir / model["original_file_path"]).read_text().lower()
        names = set(re.findall(r"[a-z_][a-z0-9_]*", sql))
        expected = {c for row in test["expect"].get("rows") or [] for c in row}
        for given in test["given"]:
            rows = given.get("rows") if isinstance(given.get("rows"), list) else []
            for column in sorted({c for row in rows for c in row} - expected):
                if column.lower() not in names:
                    unread.append(f"{test['name']}: {given['input']}.{column}")
    return unread


def test_unit_test_rows_hold_only_the_columns_their_model_reads(demo: tuple[Path, Path]) -> None:
    """A given column the model never reads is noise a reader has to rule out; one added fails."""
    _, wh = demo
    manifest = json.loads((wh.parent / "target" / "manifest.json").read_text())
    compiled = wh.parent / "target" / "compiled" / "agent_kpis"
    assert len(manifest["unit_tests"]) >= 30
    assert unit_test_columns_not_read(manifest, compiled) == []
    test = next(t for t in manifest["unit_tests"].values() if t["name"] == "test_tool_kpi_formulas")
    attempts = next(g for g in test["given"] if g["input"] == "ref('kpi_tool_attempts_by_cohort')")
    attempts["rows"][0]["note"] = "first attempt"
    assert unit_test_columns_not_read(manifest, compiled) == [
        "test_tool_kpi_formulas: ref('kpi_tool_attempts_by_cohort').note"
    ]


def test_an_incremental_build_tests_the_rows_it_loaded_and_dbt_test_every_row(
    demo: tuple[Path, Path], tmp_path: Path
) -> None:
    """macro get_where_subquery: a bad row an earlier build loaded is outside an incremental
    build's tests; `dbt test`, var test_every_row and a bad row of this build's load fail."""
    raw, demo_wh = demo
    warehouse = tmp_path / "wh" / "agent_kpis.duckdb"
    (warehouse.parent / "tmp").mkdir(parents=True)
    shutil.copy(demo_wh, warehouse)
    env = {"AGENT_KPIS_RULE_SEVERITY": "error"}
    select = ["--select", "stg_telemetry__feedback"]
    bad = (
        "update staging.stg_telemetry__feedback set csat = 99{}"
        " where event_id = (select min(event_id) from staging.stg_telemetry__feedback where csat is not null)"
    )
    with duckdb.connect(str(warehouse)) as con:
        con.execute(bad.format(""))
    assert run_dbt(["build", *select], raw, warehouse, check=False, env=env).returncode == 0
    assert run_dbt(["test", *select], raw, warehouse, check=False, env=env).returncode != 0
    every_row = run_dbt(["build", *select, "--vars", "{test_every_row: true}"], raw, warehouse, check=False, env=env)
    assert every_row.returncode != 0
    with duckdb.connect(str(warehouse)) as con:  # the same row, as if this build had loaded it
        con.execute(bad.format(", loaded_at = now()::timestamp + interval 1 hour"))
    assert run_dbt(["build", *select], raw, warehouse, check=False, env=env).returncode != 0
