"""Helpers for the benchmark scripts: timing and a plain text table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from geo.config import data_dir
from geo.io.package import DataPackage, load_package


def package() -> DataPackage:
    """The real data package (BEGEGNUNGSATLAS_DATA or the default)."""
    return load_package(data_dir())


def timed(func: Callable[[], object], repeat: int = 20, warmup: int = 2) -> tuple[float, object]:
    """Median wall time in milliseconds over ``repeat`` runs, and the last result."""
    result = None
    for _ in range(warmup):
        result = func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def table(rows: list[dict], title: str) -> str:
    """Render rows (dicts with the same keys) as an aligned text table."""
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    line = "  ".join(k.ljust(widths[k]) for k in keys)
    out = [title, "=" * len(title), line, "-" * len(line)]
    out += ["  ".join(str(r[k]).ljust(widths[k]) for k in keys) for r in rows]
    return "\n".join(out)
