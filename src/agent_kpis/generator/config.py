"""What to generate and what was written: the config, the fault rates, the report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

import numpy as np
import pyarrow as pa

US = 1_000_000
MINUTE = 60 * US
HOUR = 60 * MINUTE
DAY = 24 * HOUR

Format = Literal["jsonl", "jsonl.gz", "parquet", "otlp"]
# otlp: finished runs as OpenTelemetry traces, the rest as JSON lines (see otlp.py)
FORMATS: tuple[str, ...] = ("jsonl", "jsonl.gz", "parquet", "otlp")

_ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "integer": pa.int64(),
    "decimal": pa.float64(),
    "boolean": pa.bool_(),
    "json": pa.string(),
    "string_list": pa.list_(pa.string()),
}
_UNKNOWN_ENUM_VALUE = "mystery_value"
_OFFSETS_MIN = np.array([60, 120, 330, -300, -420])


@dataclass(frozen=True)
class FaultRates:
    """Share of rows (of lines, for not_json) that get each fault the contract names."""

    duplicate: float = 0.02
    late: float = 0.05
    not_json: float = 0.002
    missing_required: float = 0.002
    tz_offset: float = 0.2
    no_offset: float = 0.1
    ended_before_started: float = 0.005
    unknown_enum: float = 0.003
    negative_minutes: float = 0.02

    @classmethod
    def none(cls) -> FaultRates:
        return cls(0, 0, 0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class GeneratorConfig:
    tasks: int = 5000
    days: int = 30
    seed: int = 42
    end_date: date = field(default_factory=lambda: datetime.now(UTC).date())
    fmt: Format = "jsonl"
    faults: FaultRates = field(default_factory=FaultRates)
    # put before every task, call and event id: feeds generated in parts (the 10M bench) stay
    # disjoint; releases keep their ids, so each part's copies are one release
    id_prefix: str = ""


@dataclass
class TableReport:
    rows: int = 0
    lines: int = 0
    files: int = 0
    faults: dict[str, int] = field(default_factory=dict)


@dataclass
class GenerationReport:
    config: GeneratorConfig
    tables: dict[str, TableReport]

    @property
    def total_lines(self) -> int:
        return sum(t.lines for t in self.tables.values())

    def as_dict(self) -> dict[str, object]:
        return {"config": asdict(self.config), "tables": {k: asdict(v) for k, v in self.tables.items()}}


# ---------------------------------------------------------------- small vectorised helpers
