"""dbt-duckdb plugin (profiles.yml `plugins:`): the landing functions and the PII salt.

On every DuckDB connection dbt opens it registers the SQL functions the landing hook calls
(agent_kpis_landing_plan, agent_kpis_salvage_lines) and sets three session variables on
every cursor: agent_kpis_pii_salt, agent_kpis_pii_salt_fingerprint and
agent_kpis_pii_salt_is_demo. The salt comes from the plugin's config (profiles.yml reads
DBT_ENV_SECRET_AGENT_KPIS_PII_SALT), never from SQL text.
"""

from __future__ import annotations

from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

from agent_kpis.landing.plan import landing_plan
from agent_kpis.landing.probe import iter_salvaged_lines
from agent_kpis.privacy import DEMO_PII_SALT, effective_salt, fingerprint

PLAN_TYPE = duckdb.struct_type({"error": "VARCHAR", "statements": duckdb.list_type("VARCHAR")})
KNOWN_TYPE = duckdb.list_type(
    duckdb.struct_type({"source_file": "VARCHAR", "read_method": "VARCHAR", "column_types": "VARCHAR"})
)
LINES_TYPE = duckdb.list_type(
    duckdb.struct_type({"line_number": "BIGINT", "raw_line": "VARCHAR", "landing_error": "VARCHAR"})
)


def _plan(
    root: str,
    tables: list[str],
    schema: str,
    known: list[dict[str, str]],
    allow_empty: bool,
    max_line_bytes: int,
    future_tolerance_hours: int,
) -> dict[str, Any]:
    methods = {k["source_file"]: k["read_method"] for k in known or []}
    columns = {k["source_file"]: k["column_types"] for k in known or []}
    plan = landing_plan(root, tables, schema, methods, allow_empty, max_line_bytes, future_tolerance_hours, columns)
    return {"error": plan.error, "statements": plan.statements}


def _salvage(path: str, file_format: str, max_line_bytes: int) -> list[dict[str, Any]]:
    return [
        {"line_number": n, "raw_line": text, "landing_error": error}
        for n, text, error in iter_salvaged_lines(path, file_format, max_line_bytes)
    ]


def register_functions(con: duckdb.DuckDBPyConnection) -> None:
    """The landing functions, on a connection (dbt's, or the landing validator's)."""
    con.create_function(
        "agent_kpis_landing_plan",
        _plan,
        ["VARCHAR", duckdb.list_type("VARCHAR"), "VARCHAR", KNOWN_TYPE, "BOOLEAN", "BIGINT", "BIGINT"],
        PLAN_TYPE,
        side_effects=True,
    )
    con.create_function(
        "agent_kpis_salvage_lines", _salvage, ["VARCHAR", "VARCHAR", "BIGINT"], LINES_TYPE, side_effects=True
    )


def set_salt(cursor: duckdb.DuckDBPyConnection, salt: str) -> None:
    cursor.execute("set variable agent_kpis_pii_salt = ?", [salt])
    cursor.execute("set variable agent_kpis_pii_salt_fingerprint = ?", [fingerprint(salt)])
    cursor.execute("set variable agent_kpis_pii_salt_is_demo = ?", [salt == DEMO_PII_SALT])


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.salt = effective_salt(str(plugin_config.get("pii_salt") or ""))

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        register_functions(conn)
        set_salt(conn, self.salt)

    def configure_cursor(self, cursor: duckdb.DuckDBPyConnection) -> None:
        set_salt(cursor, self.salt)
