"""Each quality gate fails when it should: landing, publishing, conventions and lint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from agent_kpis.conventions import check
from agent_kpis.generator import FaultRates, GeneratorConfig, generate
from agent_kpis.validation import validate_landing, validate_publishing

from conftest import END_DATE, PROJECT_DIR


def _failed(report) -> set[tuple[str, str, str | None]]:  # type: ignore[no-untyped-def]
    return {(f.table, f.expectation, f.column) for f in report.failures}


def test_landing_passes_a_normal_feed_and_fails_a_broken_one(tmp_path: Path) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    generate(GeneratorConfig(tasks=1500, days=10, seed=3, end_date=END_DATE), good)
    broken = FaultRates(missing_required=0.2, unknown_enum=0.1, not_json=0.05)
    generate(GeneratorConfig(tasks=1500, days=10, seed=3, end_date=END_DATE, faults=broken), bad)
    ok = validate_landing(tmp_path, good)
    assert ok.success, [f.line() for f in ok.failures]
    assert ok.expectations > 100
    failed = _failed(validate_landing(tmp_path, bad))
    assert ("task_events", "expect_column_values_to_not_be_null", "task_id") in failed
    assert ("task_events", "expect_column_values_to_be_in_set", "event_type") in failed
    assert ("tool_calls", "expect_column_values_to_be_in_set", "is_json_object") in failed


def test_landing_requires_only_required_tables_and_tolerates_a_few_future_rows(tmp_path: Path) -> None:
    """A missing folder is an empty table (README) unless the table is required
    (AGENT_KPIS_REQUIRED_TABLES, default task_events); far-future rows are a row-level
    tolerance (dbt quarantines them), not a whole-feed block, until they pass 3 %."""
    raw = tmp_path / "raw"
    generate(GeneratorConfig(tasks=300, days=5, seed=1, end_date=END_DATE), raw)
    shutil.rmtree(raw / "evaluations")
    feedback_rows = sum(len(p.read_text().splitlines()) for p in (raw / "feedback").glob("*.jsonl"))

    def future_rows(n: int) -> None:
        rows = [{"event_id": f"f{i}", "task_id": "t", "submitted_at": "2999-01-01T00:00:00Z"} for i in range(n)]
        (raw / "feedback" / "future.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))

    future_rows(2)
    ok = validate_landing(tmp_path, raw)
    assert ok.success, [f.line() for f in ok.failures]
    future_rows(feedback_rows // 10)
    failed = _failed(validate_landing(tmp_path, raw))
    assert failed == {("feedback", "expect_column_values_to_be_between", "submitted_at__seconds_past_tolerance")}
    shutil.rmtree(raw / "task_events")  # no task events and no traces: no tasks at all
    assert ("required_tables", "expect_column_values_to_be_between", "rows") in _failed(validate_landing(tmp_path, raw))


def test_publishing_passes_the_demo_and_fails_an_out_of_range_rate_or_personal_data(
    demo: tuple[Path, Path], tmp_path: Path
) -> None:
    _, wh = demo
    ok = validate_publishing(tmp_path, wh)
    assert ok.success, [f.line() for f in ok.failures]
    broken = tmp_path / "broken.duckdb"
    shutil.copy(wh, broken)
    con = duckdb.connect(str(broken))
    con.execute("update marts.kpi_scorecard set value = 1.5 where kpi_name = 'task_success_rate'")
    planted = {
        "rel-101": "call jane@example.com",
        "rel-102": "or +44 20 7946 0958",
        "rel-103": "SSN 078-05-1120",
        "rel-104": "card 4111 1111 1111 1111",
        "rel-105": "cust-1",
    }
    for release, text in planted.items():
        con.execute("update marts.dim_releases set description = ? where release_id = ?", [text, release])
    con.execute(
        "update marts.dq_quarantined_rows set raw_line_masked = ? where quarantined_row_id = "
        "(select min(quarantined_row_id) from marts.dq_quarantined_rows)",
        ['{"event_id":"e","customer\\u005fid": 12345}'],
    )
    con.close()
    failed = _failed(validate_publishing(tmp_path, broken))
    assert ("kpi_scorecard__rates", "expect_column_values_to_be_between", "value") in failed
    for column in ("has_email", "has_phone", "has_ssn", "has_card", "has_personal_data_key", "is_raw_customer_id"):
        assert ("published_strings", "expect_column_values_to_be_in_set", column) in failed, column


def test_conventions_gate_fails_an_undocumented_model(demo: tuple[Path, Path]) -> None:
    _, wh = demo
    manifest = json.loads((wh.parent / "target" / "manifest.json").read_text())
    assert check(manifest, wh) == []
    node = manifest["nodes"]["model.agent_kpis.fct_tasks"]
    node["description"] = ""
    node["columns"]["outcome"]["description"] = ""
    del manifest["nodes"]["model.agent_kpis.kpi_alerts"]["columns"]["is_current"]
    manifest["nodes"]["model.agent_kpis.kpi_scorecard"]["config"]["contract"]["enforced"] = False
    errors = check(manifest, wh)
    assert "fct_tasks: model has no description" in errors
    assert "fct_tasks.outcome: column has no description" in errors
    assert "kpi_alerts.is_current: column is not documented" in errors
    assert "kpi_scorecard: public model has no enforced contract" in errors


def test_conventions_gate_fails_a_model_in_the_wrong_layer(demo: tuple[Path, Path]) -> None:
    """dbt-project-evaluator's structure, modeling and governance rules, one broken case each."""
    _, wh = demo
    manifest = json.loads((wh.parent / "target" / "manifest.json").read_text())
    nodes = manifest["nodes"]
    nodes["model.agent_kpis.int_task_loads"]["name"] = "task_loads"
    nodes["model.agent_kpis.int_task_human_time"]["depends_on"]["nodes"].append("model.agent_kpis.fct_tasks")
    nodes["model.agent_kpis.fct_llm_calls"]["depends_on"]["nodes"].append("source.agent_kpis.telemetry.llm_calls")
    nodes["model.agent_kpis.stg_telemetry__feedback"]["depends_on"]["nodes"].append(
        "model.agent_kpis.stg_telemetry__task_events"
    )
    nodes["model.agent_kpis.dim_tools"]["config"]["group"] = None
    nodes["model.agent_kpis.dim_dates"]["config"]["meta"] = nodes["model.agent_kpis.dim_dates"]["meta"] = {}
    nodes["model.agent_kpis.kpi_values_assessed"]["original_file_path"] = "models/kpi_values_assessed.sql"
    next(iter(manifest["groups"].values()))["owner"] = {}
    unit_test = next(t for t in manifest["unit_tests"].values() if t["package_name"] == "agent_kpis")
    unit_test["name"] = "test_" + "x" * 59
    errors = check(manifest, wh)
    assert "task_loads: a model in intermediate is named int_*" in errors
    assert any(e.startswith("int_task_human_time: intermediate model reads marts fct_tasks") for e in errors)
    assert any(e.startswith("fct_llm_calls: marts model reads source llm_calls") for e in errors)
    assert any(
        e.startswith("stg_telemetry__feedback: staging model reads staging stg_telemetry__task_events") for e in errors
    )
    assert "dim_tools: public model has no group" in errors
    assert "dim_dates: model has no parent and no meta.root_model_reason" in errors
    assert any(e.startswith("kpi_values_assessed: model is outside") for e in errors)
    assert any(e.startswith("group ") and e.endswith(": no owner") for e in errors)
    assert f"unit test {unit_test['name']}: name longer than 63 characters" in errors


def test_conventions_gate_fails_a_model_without_primary_key_test(demo: tuple[Path, Path]) -> None:
    _, wh = demo
    manifest = json.loads((wh.parent / "target" / "manifest.json").read_text())
    for uid, node in list(manifest["nodes"].items()):
        if node["resource_type"] == "test" and node.get("attached_node") == "model.agent_kpis.dim_tools":
            del manifest["nodes"][uid]
    assert any(e.startswith("dim_tools: model has no primary-key test") for e in check(manifest, wh))
    # a view may show its key holds by construction; a table keeps its test
    dim_tools = manifest["nodes"]["model.agent_kpis.dim_tools"]
    dim_tools["config"]["meta"] = {"primary_key_by_construction": "one row per tool by construction"}
    assert "dim_tools: primary_key_by_construction is for views; a table keeps its primary-key test" in check(
        manifest, wh
    )
    dim_tools["config"]["materialized"] = "view"
    assert not [e for e in check(manifest, wh) if e.startswith("dim_tools:")]


BAD_SQL = "SELECT A.ID, count(*)\nFROM {{ ref('x') }} A\nGROUP BY 1\n"
GOOD_SQL = "with\n\nx as (\n\n    select * from {{ ref('x') }}\n\n)\n\nselect * from x\n"


@pytest.mark.parametrize(("sql", "should_pass"), [(BAD_SQL, False), (GOOD_SQL, True)])
def test_sqlfluff_rules_reject_a_badly_formatted_model(tmp_path: Path, sql: str, should_pass: bool) -> None:
    config = (PROJECT_DIR / ".sqlfluff").read_text().replace("templater = dbt", "templater = jinja")
    (tmp_path / ".sqlfluff").write_text(config)
    (tmp_path / "model.sql").write_text(sql)
    sqlfluff = str(Path(sys.executable).with_name("sqlfluff"))
    proc = subprocess.run([sqlfluff, "lint", "model.sql"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert (proc.returncode == 0) == should_pass, proc.stdout
    if not should_pass:
        assert "CP01" in proc.stdout or "LT" in proc.stdout


def test_every_published_kpi_is_defined_in_the_docs_site() -> None:
    """The docs block behind kpi_name (copied from docs/kpis.md) defines every KPI the marts publish."""
    import yaml

    models = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "kpis" / "_kpis__models.yml").read_text())["models"]
    scorecard = next(m for m in models if m["name"] == "kpi_scorecard")
    kpi_column = next(c for c in scorecard["columns"] if c["name"] == "kpi_name")
    published = next(t for t in kpi_column["data_tests"] if isinstance(t, dict))["accepted_values"]["arguments"][
        "values"
    ]
    docs = (PROJECT_DIR / "models" / "marts" / "kpis" / "_kpis__docs.md").read_text()
    defined = {
        name.strip()
        for line in docs.splitlines()
        if line.startswith("| ") and not line.startswith("| kpi_name")
        for name in line.split("|")[1].split(",")
    }
    assert kpi_column["description"] == "{{ doc('kpi_name') }}"
    assert len(published) >= 30 and set(published) <= defined, set(published) - defined
