"""Shared helpers: generate raw telemetry and run dbt against a throw-away warehouse."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest

from agent_kpis.generator import FaultRates, GeneratorConfig, generate
from agent_kpis.job import SAVED_PARSE

PROJECT_DIR = Path(__file__).resolve().parents[1]
DBT = str(Path(sys.executable).with_name("dbt"))
END_DATE = date(2026, 3, 31)


def dbt_env(raw_root: Path, warehouse: Path) -> dict[str, str]:
    """The environment dbt (and MetricFlow) run with against a test's raw root and warehouse."""
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DO_NOT_TRACK": "1",
        "AGENT_KPIS_RAW_ROOT": str(raw_root),
        "AGENT_KPIS_DUCKDB": str(warehouse),
        "AGENT_KPIS_TEMP_DIR": str(warehouse.parent / "tmp"),
    }


# dbt re-parses the whole project (about 6 s) when the profile differs from the one its saved
# parse was made with, and the profile holds the warehouse path. So every test's dbt reaches
# its warehouse folder through one fixed symlink, and the saved parse of a plain run is
# shared: the other runs of the session parse only what changed (nothing).
_LINKS = Path(tempfile.mkdtemp(prefix="agent-kpis-dbt-"))
_SHARED_PARSE = _LINKS / SAVED_PARSE
atexit.register(shutil.rmtree, _LINKS, True)


def _through_link(warehouse: Path) -> Path:
    link, new = _LINKS / "warehouse", _LINKS / "warehouse.new"
    new.unlink(missing_ok=True)
    new.symlink_to(warehouse.parent.resolve(), target_is_directory=True)
    os.replace(new, link)
    return link / warehouse.name


def run_dbt(
    args: list[str], raw_root: Path, warehouse: Path, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    linked, extra = _through_link(warehouse), env or {}
    env = {
        **dbt_env(raw_root, warehouse),
        "AGENT_KPIS_DUCKDB": str(linked),
        "AGENT_KPIS_TEMP_DIR": str(linked.parent / "tmp"),
        **extra,
    }
    target = warehouse.parent / "target"
    saved = target / SAVED_PARSE
    if _SHARED_PARSE.exists() and not saved.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(_SHARED_PARSE, saved)
    proc = subprocess.run(
        [DBT, *args, "--target-path", str(target), "--log-path", str(warehouse.parent / "logs")],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if not extra and "--vars" not in args and saved.exists() and not _SHARED_PARSE.exists():
        shutil.copy(saved, _SHARED_PARSE)
    if check and proc.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-2000:]}")
    return proc


def query(warehouse: Path, sql: str) -> list[tuple[object, ...]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def columns(con: duckdb.DuckDBPyConnection, table: str, drop: set[str] | None = None) -> list[str]:
    """The columns of schema.table in order, without those in drop."""
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [r[0] for r in rows if r[0] not in (drop or set())]


@pytest.fixture(autouse=True)
def _publish_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests publish into their own folder, never the demo's data/published, and run on demo
    data: the public demo salt is allowed (tests of the refusal unset AGENT_KPIS_DEMO)."""
    monkeypatch.setenv("AGENT_KPIS_PUBLISH_DIR", str(tmp_path / "published"))
    monkeypatch.setenv("AGENT_KPIS_DEMO", "1")
    monkeypatch.delenv("DBT_ENV_SECRET_AGENT_KPIS_PII_SALT", raising=False)


Build = Callable[..., tuple[Path, Path]]


@pytest.fixture(scope="session")
def build_project(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """Generates telemetry and runs `dbt build --select <select>`; returns (raw_root, warehouse)."""

    def _build(
        name: str,
        tasks: int = 1500,
        fmt: str = "jsonl",
        faults: FaultRates | None = None,
        select: str = "+dq_ingestion_summary",
        seed: int = 7,
        prepare: Callable[[Path], None] | None = None,
        days: int = 20,
    ) -> tuple[Path, Path]:
        base = tmp_path_factory.mktemp(name)
        raw, warehouse = base / "raw", base / "wh" / "agent_kpis.duckdb"
        warehouse.parent.mkdir(parents=True)
        (warehouse.parent / "tmp").mkdir()
        cfg = GeneratorConfig(
            tasks=tasks,
            days=days,
            seed=seed,
            end_date=END_DATE,
            fmt=fmt,  # type: ignore[arg-type]
            faults=faults if faults is not None else FaultRates(),
        )
        generate(cfg, raw)
        if prepare:
            prepare(raw)
        run_dbt(["build", "--select", select, "--indirect-selection", "cautious"], raw, warehouse)
        return raw, warehouse

    return _build


@pytest.fixture(scope="session")
def demo(build_project: Build) -> tuple[Path, Path]:
    """The demo data set (5,000 tasks, 30 days, seed 42, fixed end date) built through every mart."""
    return build_project("demo", tasks=5000, seed=42, select="+marts", days=30)
