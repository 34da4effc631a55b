"""The hostile-input corpus: one :class:`Case` per crafted or messy input.

Cases are generated in code (never committed binaries). Every module of this package that
defines cases exposes them as ``CASES: list[Case]``; the corpus tests and
``benchmarks/bench_hostile.py`` run all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """One hostile or messy input and what must happen to it.

    Attributes
    ----------
    name : str
        Short unique id, e.g. ``"csv-quote-line-60k"``.
    kind : str
        Entry point: ``"facilities"``, ``"statistics"``, ``"areas"``, ``"package:<file>"``,
        ``"scenario-json"``, ``"scenario-geojson"`` or ``"link"``.
    filename : str
        Name the input claims (its suffix decides the format).
    make : callable
        Builds the content (``bytes``; ``str`` for links).
    accepted : bool
        True if the input is valid and must be accepted.
    message : str
        German text the rejection message must contain (for accepted cases: a hint that
        must be given, if any).
    rows : int, optional
        Accepted cases: the number of rows the data must have (e.g. deleted records
        skipped).
    value : tuple, optional
        Accepted cases: ``(column, number)`` the first row must hold (e.g. ``4.710`` read as
        4710 persons, not 4.71).
    """

    name: str
    kind: str
    filename: str
    make: Callable[[], bytes | str]
    accepted: bool
    message: str = ""
    rows: int | None = None
    value: tuple[str, float] | None = None
