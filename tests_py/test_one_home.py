"""One home per concept: the KPI catalog and the raw contract are written once, and every
other place that names them is derived from them or checked here against them.

Each test fails on a concrete drift: a KPI computed but not in the catalog (or the reverse),
a catalog KPI missing from docs/kpis.md, a base model reading a field the contract does not
declare (or with another type), an enum list in SQL that differs from the contract's, a
file that points outside the repository.
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import yaml

from agent_kpis import catalog, contract, kpi_catalog

from conftest import PROJECT_DIR, query

BASE_MODELS = PROJECT_DIR / "models" / "staging" / "telemetry" / "base"
# contract type -> the type word of parse_raw_telemetry's field specs
SPEC_TYPE = {
    "string": "string",
    "timestamp": "timestamp",
    "integer": "integer",
    "decimal": "decimal",
    "boolean": "boolean",
    "json": "json",
    "string_list": "json",
}


def test_every_computed_kpi_is_in_the_catalog_and_back(demo: tuple[Path, Path]) -> None:
    _, wh = demo
    computed = {r[0] for r in query(wh, "select distinct kpi_name from marts.kpi_scorecard")}
    computed |= {"backlog_open_tasks"} if query(wh, "select count(*) from marts.kpi_backlog_daily")[0][0] else set()
    assert computed == set(kpi_catalog.names())


def test_every_catalog_kpi_is_documented() -> None:
    kpis_page = (PROJECT_DIR / "docs" / "kpis.md").read_text()
    documented = set(re.findall(r"^\| ([a-z0-9_, ]+) \|", kpis_page, flags=re.M))
    names = {name.strip() for row in documented for name in row.split(",")}
    missing = [kpi.name for kpi in kpi_catalog.catalog() if kpi.name not in names]
    assert not missing, f"catalog KPIs without a row in docs/kpis.md: {missing}"
    assert all(kpi.label and kpi.description for kpi in kpi_catalog.catalog())


def test_catalog_flags_are_consistent() -> None:
    ranks = [kpi.summary_rank for kpi in kpi_catalog.catalog() if kpi.summary_rank is not None]
    assert sorted(ranks) == list(range(1, len(ranks) + 1)), "summary_rank must be 1..n without gaps"
    for kpi in kpi_catalog.catalog():
        if kpi.is_share:
            for bound in (kpi.target, kpi.stop_the_line):
                assert bound is None or 0 <= bound <= 1, (kpi.name, bound)


def test_metricflow_kpi_metrics_are_catalog_kpis() -> None:
    semantic = yaml.safe_load((PROJECT_DIR / "models" / "marts" / "core" / "_core__semantic_models.yml").read_text())
    kpi_metrics = {m["name"] for m in semantic["metrics"] if m["type"] in ("ratio", "derived")}
    assert kpi_metrics, "no ratio or derived metrics found"
    assert kpi_metrics <= set(kpi_catalog.names()), kpi_metrics - set(kpi_catalog.names())


def _base_model_fields(table: str) -> dict[str, tuple[str, bool]]:
    text = (BASE_MODELS / f"base_telemetry__{table}.sql").read_text()
    specs = re.findall(r"'([A-Za-z_]+) ([a-z_]+)( required)?'", text)
    return {name: (type_, bool(required)) for name, type_, required in specs}


def test_base_models_read_exactly_the_contract_fields() -> None:
    for table, fields in contract.TABLES.items():
        declared = {
            f.name: (SPEC_TYPE[f.type], f.required) for f in fields if f.name not in ("event_id", "_emitted_at")
        }
        assert _base_model_fields(table) == declared, table


def test_raw_tables_var_and_sources_list_the_contract_tables() -> None:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert list(project["vars"]["raw_tables"]) == list(contract.TABLE_NAMES)
    assert list(project["vars"]["trace_tables"]) == list(contract.TRACE_TABLES)
    sources = yaml.safe_load((PROJECT_DIR / "models" / "staging" / "telemetry" / "_telemetry__sources.yml").read_text())
    source_tables = {t["name"] for s in sources["sources"] for t in s["tables"]}
    assert set(contract.TABLE_NAMES) | set(contract.TRACE_TABLES) <= source_tables


def test_sql_enums_are_the_contract_enums() -> None:
    text = (PROJECT_DIR / "macros" / "staging" / "telemetry_enums.sql").read_text()
    sql_enums = {
        tuple(re.findall(r"'([a-z_]+)'", values)) for values in re.findall(r"'[a-z_]+': \[(.*?)\]", text, flags=re.S)
    }
    contract_enums = {f.enum for fields in contract.TABLES.values() for f in fields if f.enum is not None}
    assert sql_enums == contract_enums


def test_the_repository_stands_on_its_own() -> None:
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    outside = re.compile(r"\.\./shared|KPIS\.md|RAW_TELEMETRY\.md|\]\(\.\./")
    offenders = []
    for name in tracked:
        path = PROJECT_DIR / name
        if (
            path.suffix not in (".md", ".yml", ".yaml", ".sql", ".py", ".toml", ".cfg", ".txt", "")
            or not path.is_file()
        ):
            continue
        if name == "tests_py/test_one_home.py":
            continue
        if outside.search(path.read_text(errors="replace")):
            offenders.append(name)
    assert not offenders, f"files that point outside the repository: {offenders}"


def _seed(name: str) -> list[dict[str, str]]:
    with (PROJECT_DIR / "seeds" / f"{name}.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_demo_world_matches_the_seeds() -> None:
    """The generator's world (agent_kpis.catalog) and the seeds describe the same agents: a
    task type, check, price or role changed in one place only fails here."""
    sla = {r["task_type"]: int(r["sla_minutes"]) for r in _seed("task_definitions")}
    assert {t.name: t.sla_minutes for t in catalog.TASK_TYPES} == sla
    assert not set(catalog.UNDEFINED_TASK_TYPES) & set(sla)
    checks = {(r["task_type"], r["check_name"]) for r in _seed("task_required_checks")}
    assert {(t.name, check) for t in catalog.TASK_TYPES for check, _ in t.checks} == checks
    prices = {
        (r["model"], r["valid_from"]): (
            float(r["input_usd_per_1m_tokens"]),
            float(r["cached_input_usd_per_1m_tokens"]),
            float(r["output_usd_per_1m_tokens"]),
        )
        for r in _seed("model_prices")
    }
    demo_prices = {(m, p[0]): tuple(p[1:]) for m, rows in catalog.MODEL_PRICES.items() for p in rows}
    assert demo_prices == prices
    assert catalog.UNPRICED_MODEL not in {m for m, _ in prices}
    rates = {r["actor_role"]: float(r["usd_per_hour"]) for r in _seed("human_cost_rates")}
    assert rates == catalog.HUMAN_ROLES
    assert catalog.UNKNOWN_ROLE not in rates
