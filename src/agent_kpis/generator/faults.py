"""The faults a real feed has, injected into clean tables at the configured rates."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from agent_kpis.contract import (
    Field,
    primary_enum,
    required_fields,
)
from agent_kpis.generator.arrays import _null_where, _ts
from agent_kpis.generator.config import _UNKNOWN_ENUM_VALUE, DAY, HOUR, FaultRates


def _apply_faults(
    table_name: str,
    tbl: pa.Table,
    faults: FaultRates,
    rng: np.random.Generator,
    end_us: int,
) -> tuple[pa.Table, dict[str, int]]:
    n = tbl.num_rows
    counts: dict[str, int] = {}
    if table_name == "releases" or n == 0:
        return tbl, counts

    req = [f for f in required_fields(table_name) if f != "event_id"] + ["event_id"]
    missing = rng.random(n) < faults.missing_required
    which = rng.integers(0, len(req), n)
    for i, name in enumerate(req):
        mask = missing & (which == i)
        tbl = tbl.set_column(tbl.schema.get_field_index(name), name, _null_where(tbl[name].combine_chunks(), mask))
    counts["missing_required"] = int(missing.sum())

    enum_field: Field | None = primary_enum(table_name)
    if enum_field is not None:
        mask = rng.random(n) < faults.unknown_enum
        col = tbl[enum_field.name].combine_chunks()
        new = pc.if_else(pa.array(mask), pa.scalar(_UNKNOWN_ENUM_VALUE), col)
        tbl = tbl.set_column(tbl.schema.get_field_index(enum_field.name), enum_field.name, new)
        counts["unknown_enum"] = int(mask.sum())

    if table_name == "tool_calls":
        mask = rng.random(n) < faults.ended_before_started
        started = tbl["started_at"].combine_chunks()
        skewed = pc.subtract(started, pa.scalar(1, pa.duration("s")))
        tbl = tbl.set_column(
            tbl.schema.get_field_index("ended_at"),
            "ended_at",
            pc.if_else(pa.array(mask), skewed.cast(started.type), tbl["ended_at"].combine_chunks()),
        )
        counts["ended_before_started"] = int(mask.sum())
    if table_name == "human_interventions":
        mask = rng.random(n) < faults.negative_minutes
        minutes = tbl["minutes"].combine_chunks()
        tbl = tbl.set_column(
            tbl.schema.get_field_index("minutes"), "minutes", pc.if_else(pa.array(mask), pc.negate(minutes), minutes)
        )
        counts["negative_minutes"] = int(mask.sum())

    emitted = tbl["_emitted_at"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    late = rng.random(n) < faults.late
    emitted = np.where(late, emitted + rng.integers(HOUR, 3 * DAY, n), emitted)
    arrived = emitted < end_us  # a late copy that has not arrived by the end is not written
    tbl = tbl.set_column(tbl.schema.get_field_index("_emitted_at"), "_emitted_at", _ts(emitted))
    tbl = tbl.filter(pa.array(arrived))
    counts["late"] = int((late & arrived).sum())

    n = tbl.num_rows
    dup = np.flatnonzero(rng.random(n) < faults.duplicate)
    copies = tbl.take(pa.array(dup))
    em = copies["_emitted_at"].combine_chunks().cast(pa.int64()).to_numpy(zero_copy_only=False)
    em = em + rng.integers(0, DAY, len(dup))
    copies = copies.set_column(
        copies.schema.get_field_index("_emitted_at"), "_emitted_at", _ts(np.minimum(em, end_us - 1))
    )
    counts["duplicate"] = len(dup)
    return pa.concat_tables([tbl, copies]), counts
