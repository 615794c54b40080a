"""The PII salt and the personal-data patterns, on the Python side.

The salt hashes customer ids into customer_key. It reaches dbt only through
DBT_ENV_SECRET_AGENT_KPIS_PII_SALT (read in profiles.yml, handed to the dbt-duckdb plugin,
set as a DuckDB variable on each connection), so it never appears in compiled SQL,
manifest.json, run_results.json or logs. The warehouse stores a fingerprint of it
(PBKDF2, never the salt) to detect a salt change, which would split every customer in two.

The patterns that mask personal data live in dbt_project.yml (vars personal_data_patterns
and personal_data_keys); the publishing check reads the same vars.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import cache

from agent_kpis.settings import PII_SALT_ENV, dbt_var, is_demo

DEMO_PII_SALT = "agent-kpis-demo-salt"
FINGERPRINT_ITERATIONS = 200_000


class SaltRefused(RuntimeError):
    """The configured salt may not be used for this run."""


def configured_salt() -> str:
    return os.environ.get(PII_SALT_ENV, "")


def effective_salt(configured: str) -> str:
    """The salt dbt hashes with: the configured one, or the public demo salt when none is set."""
    return configured or DEMO_PII_SALT


@cache
def fingerprint(salt: str) -> str:
    """A slow one-way fingerprint: enough to tell two salts apart, too costly to guess a salt."""
    digest = hashlib.pbkdf2_hmac("sha256", salt.encode(), b"agent-kpis/pii-salt-fingerprint", FINGERPRINT_ITERATIONS)
    return digest[:10].hex()


def check_salt(demo: bool | None = None) -> str:
    """The salt to run with; raises SaltRefused for the public demo salt unless this is a demo."""
    salt = effective_salt(configured_salt())
    if salt == DEMO_PII_SALT and not (is_demo() if demo is None else demo):
        raise SaltRefused(
            f"refusing the public demo PII salt: set {PII_SALT_ENV} to a secret of your own"
            f" (or set AGENT_KPIS_DEMO=1 for demo data)"
        )
    return salt


@cache
def personal_data_patterns() -> dict[str, str]:
    """name -> RE2/Python regex of free-text personal data (email, phone, ssn, card)."""
    return dict(dbt_var("personal_data_patterns"))


@cache
def personal_data_keys() -> tuple[str, ...]:
    return tuple(dbt_var("personal_data_keys"))


_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def unescape_json_text(text: str) -> str:
    """\\uXXXX escapes replaced by their characters (so "customer\\u005fid" reads customer_id)."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def personal_data_found(text: str) -> list[str]:
    """Names of the personal-data kinds present in text (masked placeholders do not count)."""
    found = [name for name, pattern in personal_data_patterns().items() if re.search(pattern, text)]
    plain = unescape_json_text(text)
    keys = "|".join(re.escape(k) for k in personal_data_keys())
    if re.search(rf'"({keys})"\s*:\s*(?!"<masked>")[^\s,}}\]]', plain):
        found.append("personal_data_key")
    return found


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_numbers(text: str) -> list[str]:
    """Card-like numbers in text that also pass the Luhn check (a random id rarely does)."""
    found = []
    for match in re.finditer(personal_data_patterns()["card"], text):
        digits = re.sub(r"[^0-9]", "", match.group(0))
        if _luhn_ok(digits):
            found.append(match.group(0))
    return found
