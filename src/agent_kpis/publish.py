"""Publishing: BI tools read a copy of the marts that is swapped in whole, never the warehouse dbt writes.

DuckDB allows one writer or many readers, never both, so a dashboard that opened the build
warehouse would block `dbt build` (or fail on its lock). After a green build and publishing
validation, `publish()` copies every relation of the `marts` schema into

* `<publish_dir>/agent_kpis.duckdb`: written as a new file beside the old one, check-pointed,
  closed and renamed over it (`os.replace`, atomic on one file system). A reader that opens the
  file sees the old snapshot or the new one, whole; a connection already open keeps its snapshot.
* `<publish_dir>/parquet/<run_id>/<mart>.parquet`: an immutable folder per publication, and the
  symlink `parquet/current` swapped to it atomically. The last `keep` folders are kept so that a
  reader in the middle of a read never loses its files.

Both carry the snapshot's run id and every table's row count (`publication.snapshot`,
`publication.table_row_counts`; `_publication.json` in each Parquet folder), so a reader can
prove it saw one complete snapshot.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from agent_kpis.privacy import DEMO_PII_SALT, fingerprint
from agent_kpis.settings import PII_SALT_ENV, dbt_var, is_demo

PUBLISHED_FILE = "agent_kpis.duckdb"
MARTS_SCHEMA = "marts"


class PublishError(RuntimeError):
    """The marts could not be published; the previous publication is left in place."""


@dataclass
class Publication:
    run_id: str
    published_at: str
    duckdb_path: Path
    parquet_dir: Path
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "published_at": self.published_at,
            "duckdb_path": str(self.duckdb_path),
            "parquet_dir": str(self.parquet_dir),
            "row_counts": self.row_counts,
            "seconds": round(self.seconds, 2),
        }


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _recorded_salt_fingerprint(warehouse: Path) -> str | None:
    schema = str(dbt_var("raw_schema"))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = 'build_state'",
            [schema],
        ).fetchone()
        if not exists or not exists[0]:
            return None
        row = con.execute(
            f"select value from {_quote(schema)}.build_state where setting = 'pii_salt_fingerprint'"
        ).fetchone()
        return str(row[0]) if row else None
    finally:
        con.close()


def _check_salt(warehouse: Path, allow_demo_salt: bool) -> None:
    """Marts hashed with the public demo salt are published for demo data only: anyone can
    reverse those customer keys."""
    recorded = _recorded_salt_fingerprint(warehouse)
    if recorded is None:
        raise PublishError(f"{warehouse} records no PII salt fingerprint: finish a dbt build first")
    if recorded == fingerprint(DEMO_PII_SALT) and not allow_demo_salt:
        raise PublishError(
            f"{warehouse} was built with the public demo PII salt: its customer keys can be reversed. Set"
            f" {PII_SALT_ENV} and rebuild with --full-refresh, or publish demo data with --demo (AGENT_KPIS_DEMO=1)"
        )


def publish(
    warehouse: Path, publish_dir: Path, run_id: str | None = None, keep: int = 3, allow_demo_salt: bool | None = None
) -> Publication:
    """Copies the marts of `warehouse` into a new snapshot and swaps it in; raises PublishError."""
    started = time.perf_counter()
    if not warehouse.exists():
        raise PublishError(f"no warehouse at {warehouse}: run dbt build first")
    _check_salt(warehouse, is_demo() if allow_demo_salt is None else allow_demo_salt)
    run_id = run_id or datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    published_at = datetime.now(UTC).isoformat(timespec="seconds")
    parquet_root = publish_dir / "parquet"
    parquet_dir = parquet_root / run_id
    if parquet_dir.exists():
        raise PublishError(f"snapshot {run_id} was already published")
    staging_file = publish_dir / f".{PUBLISHED_FILE}.{run_id}.tmp"
    staging_parquet = parquet_root / f".{run_id}.tmp"
    try:
        staging_parquet.mkdir(parents=True)
    except OSError as exc:
        raise PublishError(f"cannot write under {publish_dir}: {exc}") from exc
    try:
        row_counts = _write_snapshot(warehouse, staging_file, staging_parquet, run_id, published_at)
    except (PublishError, duckdb.Error, OSError) as exc:
        staging_file.unlink(missing_ok=True)
        staging_file.with_name(staging_file.name + ".wal").unlink(missing_ok=True)
        shutil.rmtree(staging_parquet, ignore_errors=True)
        if isinstance(exc, PublishError):
            raise
        raise PublishError(f"could not copy the marts of {warehouse}: {exc}") from exc
    # the two swaps: each is one rename, so a reader never sees a partial snapshot
    staging_parquet.rename(parquet_dir)
    link = parquet_root / f".current.{run_id}"
    link.symlink_to(run_id, target_is_directory=True)
    os.replace(link, parquet_root / "current")
    os.replace(staging_file, publish_dir / PUBLISHED_FILE)
    _prune(parquet_root, keep)
    return Publication(
        run_id=run_id,
        published_at=published_at,
        duckdb_path=publish_dir / PUBLISHED_FILE,
        parquet_dir=parquet_root / "current",
        row_counts=row_counts,
        seconds=time.perf_counter() - started,
    )


def _write_snapshot(warehouse: Path, target: Path, parquet_dir: Path, run_id: str, published_at: str) -> dict[str, int]:
    target.unlink(missing_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach {_literal(str(warehouse))} as build (read_only)")
        tables = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables"
                " where table_catalog = 'build' and table_schema = ? order by table_name",
                [MARTS_SCHEMA],
            ).fetchall()
        ]
        if not tables:
            raise PublishError(f"the warehouse {warehouse} has no relation in schema {MARTS_SCHEMA}")
        con.execute(f"create schema {MARTS_SCHEMA}")
        row_counts: dict[str, int] = {}
        for table in tables:
            source = f"build.{MARTS_SCHEMA}.{_quote(table)}"
            con.execute(f"create table {MARTS_SCHEMA}.{_quote(table)} as select * from {source}")
            count = con.execute(f"select count(*) from {MARTS_SCHEMA}.{_quote(table)}").fetchone()
            row_counts[table] = int(count[0]) if count else 0
            out = parquet_dir / f"{table}.parquet"
            con.execute(f"copy {MARTS_SCHEMA}.{_quote(table)} to {_literal(str(out))} (format parquet)")
        con.execute("create schema publication")
        con.execute(
            "create table publication.snapshot as select ?::varchar as run_id,"
            " ?::timestamptz as published_at, ?::varchar as source_warehouse",
            [run_id, published_at, str(warehouse)],
        )
        con.execute("create table publication.table_row_counts (table_name varchar primary key, row_count bigint)")
        con.executemany("insert into publication.table_row_counts values (?, ?)", list(row_counts.items()))
        con.execute("detach build")
        con.execute("checkpoint")
    finally:
        con.close()
    wal = target.with_name(target.name + ".wal")
    if wal.exists():
        raise PublishError(f"{wal} left behind: the snapshot was not check-pointed")
    manifest = {"run_id": run_id, "published_at": published_at, "row_counts": row_counts}
    (parquet_dir / "_publication.json").write_text(json.dumps(manifest, indent=2))
    return row_counts


def _prune(parquet_root: Path, keep: int) -> None:
    current = os.readlink(parquet_root / "current")
    snapshots = sorted(  # oldest first; run ids need not sort (Dagster's are UUIDs)
        (
            p
            for p in parquet_root.iterdir()
            if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and p.name != current
        ),
        key=lambda p: (p.stat().st_mtime_ns, p.name),
    )
    keep = max(0, keep - 1)  # the current snapshot is always kept
    for old in snapshots[: max(0, len(snapshots) - keep)]:
        shutil.rmtree(old, ignore_errors=True)


def read_publication(publish_dir: Path) -> dict[str, object]:
    """The snapshot BI tools see now: run id, time and row counts (read-only)."""
    con = duckdb.connect(str(publish_dir / PUBLISHED_FILE), read_only=True)
    try:
        snap = con.execute("select run_id, published_at from publication.snapshot").fetchone()
        counts = dict(con.execute("select table_name, row_count from publication.table_row_counts").fetchall())
    finally:
        con.close()
    if snap is None:
        raise PublishError(f"{publish_dir / PUBLISHED_FILE} has no publication.snapshot row")
    return {"run_id": snap[0], "published_at": str(snap[1]), "row_counts": counts}
