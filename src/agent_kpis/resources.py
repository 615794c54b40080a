"""What a stage of the job costs: real seconds, CPU seconds and peak memory, measured around
it (`measured`), and memory handed back to the system between stages (`release_memory`).

Peak memory is the resident set's high-water mark of this process, reset at the start of
the stage where Linux allows it (/proc/self/clear_refs); a child's (dbt's) comes from its own
resource usage when it is reaped (`child_peak_mb`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


def _high_water_mb() -> float:
    """This process's peak resident set since the last reset (since start where none is
    possible), in MB."""
    with suppress(OSError):
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_high_water() -> None:
    with suppress(OSError):
        CLEAR_REFS.write_text("5")


@contextmanager
def measured() -> Iterator[dict[str, Any]]:
    """Yields a dict that holds, once the block ends (also by an exception), seconds,
    cpu_seconds (this process and the children it waited for) and peak_mb (this process)."""
    figures: dict[str, Any] = {}
    _reset_high_water()
    started = time.perf_counter()
    self0, children0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        yield figures
    finally:
        self1, children1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = sum(getattr(b, f) - getattr(a, f) for a, b in ((self0, self1), (children0, children1))
                  for f in ("ru_utime", "ru_stime"))  # fmt: skip
        figures.update(
            seconds=round(time.perf_counter() - started, 1),
            cpu_seconds=round(cpu, 1),
            peak_mb=round(_high_water_mb()),
        )


def release_memory() -> None:
    """Frees what the last stage left: Python's garbage, then the C allocator's free pages
    (glibc keeps freed memory in its arenas; pandas and DuckDB leave much there)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name:
        with suppress(OSError, AttributeError):
            ctypes.CDLL(name).malloc_trim(0)


def child_peak_mb(usage: resource.struct_rusage | None) -> int:
    """A reaped child's peak resident set (os.wait4's usage), in MB; without it, the largest of
    all children this process has reaped."""
    usage = usage or resource.getrusage(resource.RUSAGE_CHILDREN)
    return round(usage.ru_maxrss / 1024)
