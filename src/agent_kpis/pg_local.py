"""A throw-away PostgreSQL server for tests: a cluster in a folder, on a loopback port.

Uses Debian's `postgresql` package (`make postgres` installs it). PostgreSQL refuses to run
as root, so under root the server runs as the package's `postgres` user, which then owns
the folder. The cluster trusts local connections only: it listens on 127.0.0.1 and a
socket inside the folder, and is stopped (fast) when the context ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

USER = "agent_kpis"


def pg_bin(name: str) -> str:
    """A PostgreSQL program from PATH or Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise FileNotFoundError(f"{name} not found: install Debian's postgresql package (make postgres)")
    return str(candidates[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass(frozen=True)
class LocalPostgres:
    port: int
    host: str = "127.0.0.1"
    user: str = USER
    dbname: str = "postgres"

    @property
    def dsn(self) -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={self.dbname}"

    def env(self) -> dict[str, str]:
        """libpq's variables, which the dbt target (profiles.yml) and `agent-kpis load` read."""
        return {"PGHOST": self.host, "PGPORT": str(self.port), "PGUSER": self.user, "PGDATABASE": self.dbname}


@contextmanager
def local_postgres() -> Iterator[LocalPostgres]:
    """Starts a cluster in a new temporary folder and yields its address; the
    folder is its own (not under a test's tmp_path, whose parents the server user may not
    enter) and is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="agent-kpis-pg-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    run = {"check": True, "capture_output": True, "text": True}
    subprocess.run(
        _as_server_user([pg_bin("initdb"), "-D", str(data), "-U", USER, "-A", "trust", "-E", "UTF8", "--no-locale"]),
        **run,
    )
    port = _free_port()
    options = f"-h 127.0.0.1 -p {port} -k {sockets} -c fsync=off"
    log = str(folder / "server.log")
    subprocess.run(_as_server_user([pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", log, "-w", "start"]), **run)
    try:
        yield LocalPostgres(port)
    finally:
        subprocess.run(_as_server_user([pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]), **run)
        shutil.rmtree(folder, ignore_errors=True)
