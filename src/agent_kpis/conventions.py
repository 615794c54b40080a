"""The conventions gate: a small check over dbt's manifest.json (and the warehouse).

The rules of dbt-project-evaluator that fit this project, as the house's conventions (the
package itself cannot be installed offline; docs/decisions.md):

- documentation: every model, column, seed described; columns compared with the warehouse;
- testing: a primary-key test on every model; a model whose grain has no key (the parsed
  landed lines) says so in `meta.primary_key_exempt`, and a view whose key holds by
  construction and is tested where it lands says how in `meta.primary_key_by_construction`
  (a test on a view re-runs the view);
- governance: every public model has an enforced contract and a group (with an owner);
- structure: a model's name prefix matches its layer folder (`stg_`/`base_` in staging,
  `int_` in intermediate, `fct_`, `dim_`, `kpi_`, `dq_` in marts);
- modeling: only staging reads sources; staging reads sources, seeds and its base models
  only; intermediate never reads marts; a model with no parent says why in
  `meta.root_model_reason`;
- sources: freshness and a loaded_at field;
- portability: model and unit-test names fit PostgreSQL's 63-character identifiers (a unit
  test's name is a relation name there).

Columns are compared with the warehouse, so a column the YAML forgets is caught too. A
column passed through unchanged from a parent model keeps the parent's description, and a
model may describe generated columns by pattern in `meta.column_patterns` (regex -> text).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

PACKAGE = "agent_kpis"
LAYER_PREFIXES = {
    "staging": ("stg_",),
    "intermediate": ("int_",),
    "marts": ("fct_", "dim_", "kpi_", "dq_"),
}
BASE_PREFIX = "base_"  # staging/<source>/base/: the landed lines, parsed
MAX_NAME = 63  # PostgreSQL's identifier length


def _pk_columns(manifest: dict[str, Any]) -> dict[str, bool]:
    """model unique_id -> has a primary-key test (unique + not_null on a column, or a unique combination).

    An enforced not_null constraint of a model contract counts as the not_null half: the
    warehouse refuses the null, so a not_null data test on that column could never fail.
    """
    per_column: dict[tuple[str, str], set[str]] = defaultdict(set)
    combo: set[str] = set()
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node.get("config", {}).get("contract", {}).get("enforced"):
            for column in node.get("columns", {}).values():
                if any(c.get("type") == "not_null" for c in column.get("constraints", [])):
                    per_column[(node["unique_id"], column["name"])].add("not_null")
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        name = node["test_metadata"]["name"]
        model = node.get("attached_node") or (node["depends_on"]["nodes"] or [None])[0]
        if model is None:
            continue
        if name == "unique_combination_of_columns":
            combo.add(model)
        elif name in ("unique", "not_null") and node.get("column_name"):
            per_column[(model, node["column_name"])].add(name)
    has_pk = {m for (m, _), tests in per_column.items() if {"unique", "not_null"} <= tests}
    return {m: True for m in has_pk | combo}


def _warehouse_columns(warehouse: Path | None) -> dict[tuple[str, str], list[str]]:
    if warehouse is None or not warehouse.exists():
        return {}
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns order by ordinal_position"
        ).fetchall()
    finally:
        con.close()
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    for schema, table, column in rows:
        out[(schema, table)].append(column)
    return out


def _meta(node: dict[str, Any]) -> dict[str, Any]:
    return {**(node.get("meta") or {}), **(node.get("config", {}).get("meta") or {})}


def _described(node: dict[str, Any]) -> set[str]:
    return {c for c, col in node.get("columns", {}).items() if (col.get("description") or "").strip()}


def _ancestor_descriptions(manifest: dict[str, Any], uid: str) -> set[str]:
    """Columns described in any ancestor model, seed or source of a node."""
    seen: set[str] = set()
    described: set[str] = set()
    stack = list(manifest["nodes"][uid]["depends_on"]["nodes"])
    while stack:
        parent = stack.pop()
        if parent in seen:
            continue
        seen.add(parent)
        node = manifest["nodes"].get(parent) or manifest["sources"].get(parent)
        if node is None:
            continue
        described |= _described(node)
        stack.extend(node.get("depends_on", {}).get("nodes", []))
    return described


def _layer(node: dict[str, Any]) -> str:
    """staging, intermediate, marts, or the resource type for sources and seeds."""
    if node["resource_type"] != "model":
        return node["resource_type"]
    parts = node["original_file_path"].split("/")
    return parts[1] if len(parts) > 2 and parts[1] in LAYER_PREFIXES else "other"


def _structure_errors(manifest: dict[str, Any], uid: str) -> list[str]:
    """Naming by layer, the direction of the DAG, governance of public models."""
    node = manifest["nodes"][uid]
    name, layer, config = node["name"], _layer(node), node.get("config", {})
    errors = []
    prefixes = LAYER_PREFIXES.get(layer)
    if prefixes is None:
        errors.append(f"{name}: model is outside models/staging, models/intermediate and models/marts")
    else:
        in_base = "/base/" in node["original_file_path"]
        expected = (BASE_PREFIX,) if in_base else prefixes
        if not name.startswith(expected):
            errors.append(f"{name}: a model in {layer}{'/base' if in_base else ''} is named {' or '.join(expected)}*")
    parents = node["depends_on"]["nodes"]
    if not parents and not _meta(node).get("root_model_reason"):
        errors.append(f"{name}: model has no parent and no meta.root_model_reason")
    for parent_id in parents:
        parent = manifest["nodes"].get(parent_id) or manifest["sources"].get(parent_id)
        if parent is None:
            continue
        parent_layer = _layer(parent)
        reads = f"{name}: {layer} model reads {parent_layer} {parent['name']}"
        if parent_layer == "source" and layer != "staging":
            errors.append(f"{reads} (only staging reads sources)")
        elif layer == "staging" and parent_layer not in ("source", "seed"):
            if not (
                parent_layer == "staging"
                and parent["name"].startswith(BASE_PREFIX)
                and not name.startswith(BASE_PREFIX)
            ):
                errors.append(f"{reads} (staging reads sources, seeds and its base models)")
        elif layer == "intermediate" and parent_layer == "marts":
            errors.append(f"{reads} (intermediate models come before the marts)")
    if config.get("access") == "public":
        if not config.get("contract", {}).get("enforced"):
            errors.append(f"{name}: public model has no enforced contract")
        if not config.get("group"):
            errors.append(f"{name}: public model has no group")
    return errors


def check(manifest: dict[str, Any], warehouse: Path | None = None) -> list[str]:
    errors: list[str] = []
    pk = _pk_columns(manifest)
    actual = _warehouse_columns(warehouse)
    for uid, node in sorted(manifest["nodes"].items()):
        if node.get("package_name") != PACKAGE:
            continue
        if node["resource_type"] == "seed" and not (node.get("description") or "").strip():
            errors.append(f"{node['name']}: seed has no description")
        if node["resource_type"] != "model":
            continue
        name = node["name"]
        if len(name) > MAX_NAME:
            errors.append(f"{name}: name longer than {MAX_NAME} characters")
        if not (node.get("description") or "").strip():
            errors.append(f"{name}: model has no description")
        documented = {c: (col.get("description") or "").strip() for c, col in node.get("columns", {}).items()}
        for column, text in documented.items():
            if not text:
                errors.append(f"{name}.{column}: column has no description")
        columns = actual.get((node["schema"], node.get("alias") or name), [])
        if columns:
            inherited = _ancestor_descriptions(manifest, uid)
            patterns = [re.compile(p) for p in (_meta(node).get("column_patterns") or {})]
            for column in columns:
                if column in documented or column in inherited or any(p.search(column) for p in patterns):
                    continue
                errors.append(f"{name}.{column}: column is not documented")
        by_construction = _meta(node).get("primary_key_by_construction")
        if by_construction and node.get("config", {}).get("materialized") not in ("view", "ephemeral"):
            errors.append(f"{name}: primary_key_by_construction is for views; a table keeps its primary-key test")
        exempt = _meta(node).get("primary_key_exempt") or by_construction
        if uid not in pk and not exempt:
            errors.append(f"{name}: model has no primary-key test (unique + not_null, or a unique combination)")
        errors.extend(_structure_errors(manifest, uid))
    for test in manifest.get("unit_tests", {}).values():
        if test.get("package_name") == PACKAGE and len(test["name"]) > MAX_NAME:
            errors.append(f"unit test {test['name']}: name longer than {MAX_NAME} characters")
    owners = {g["name"]: g.get("owner") or {} for g in manifest.get("groups", {}).values()}
    for group, owner in sorted(owners.items()):
        if not (owner.get("name") or owner.get("email")):
            errors.append(f"group {group}: no owner")
    for source in manifest["sources"].values():
        if source.get("package_name") != PACKAGE:
            continue
        freshness = source.get("freshness") or {}
        has_freshness = any((freshness.get(k) or {}).get("count") for k in ("warn_after", "error_after"))
        if not has_freshness:
            errors.append(f"source {source['source_name']}.{source['name']}: no freshness")
        if not source.get("loaded_at_field") and not source.get("loaded_at_query"):
            errors.append(f"source {source['source_name']}.{source['name']}: no loaded_at_field")
    return errors


def run(manifest_path: Path, warehouse: Path | None) -> int:
    if not manifest_path.exists():
        print(f"no manifest at {manifest_path}: run dbt first")
        return 1
    errors = check(json.loads(manifest_path.read_text()), warehouse)
    for error in errors:
        print(f"conventions: {error}")
    print(f"conventions: {'FAILED, ' + str(len(errors)) + ' problems' if errors else 'passed'}")
    return 1 if errors else 0
