"""Small vectorised helpers: ids, timestamps, choices, nulls, personal data in text."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def _take(values: list[str | None] | tuple[str, ...], idx: np.ndarray) -> pa.Array:
    return pc.take(pa.array(list(values), pa.string()), pa.array(idx, pa.int64()))


def _ids(prefix: str, idx: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(idx, pa.int64()), pa.string()), "")


def _ts(us: np.ndarray) -> pa.Array:
    return pa.array(us.astype("int64"), pa.timestamp("us", tz="UTC"))


def _null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)


def _cumcount(counts: np.ndarray) -> np.ndarray:
    """0..k-1 within each group of a np.repeat(..., counts) expansion."""
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(int(counts.sum())) - starts


def _choice(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    p = np.array([w for _, w in options])
    return rng.choice(len(options), n, p=p / p.sum())


def _lognormal_minutes(rng: np.random.Generator, median: np.ndarray | float, sigma: float, n: int) -> np.ndarray:
    return np.exp(np.log(median) + sigma * rng.standard_normal(n))


def _with_pii(rng: np.random.Generator, texts: pa.Array, share: float) -> pa.Array:
    """Append an e-mail address and a phone number to a share of free-text values."""
    n = len(texts)
    who = _ids("customer", rng.integers(1, 99999, n))
    pii = pc.binary_join_element_wise(" (contact ", who, "@example.com, +1 415 555 0134)", "")
    mask = pa.array(rng.random(n) < share)
    return pc.if_else(mask, pc.binary_join_element_wise(texts, pii, ""), texts)


# ---------------------------------------------------------------- the simulation
