"""Names a planner recognises for new sites: Stadtteil plus the nearest named stop.

A site placed by a map click, a candidate cell of the grid or a proposed site is called
"<Stadtteil>, bei Haltestelle <Name>" – the Stadtteil it lies in and the nearest named
stop of the timetable – never by a grid code. Without a stop nearby (or without a
timetable) it is "<Stadtteil>, neuer Standort N". Everything here works on plain arrays
in EPSG:25832.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

#: A stop farther away than this (straight line) does not name a site.
MAX_STOP_M = 600.0
#: Used when a point lies in no Stadtteil.
NO_STADTTEIL = "außerhalb der Stadtteile"


def stop_labels(names: Sequence[str]) -> list[str]:
    """Stop names without the municipality most of them start with.

    German timetables write "Magdeburg, Zoo"; on a map of one city the prefix says
    nothing. The prefix is taken from the data (the part before the first comma that more
    than half of the names share), never hard-coded.

    Parameters
    ----------
    names : sequence of str
        ``stop_name`` values.

    Returns
    -------
    list of str
        Names in the same order, trimmed.
    """
    clean = [" ".join(str(n).split()) for n in names]
    heads = Counter(n.split(",", 1)[0] for n in clean if "," in n)
    prefix = None
    if heads:
        head, count = heads.most_common(1)[0]
        if count * 2 > len(clean):
            prefix = f"{head},"
    return [n[len(prefix) :].strip() if prefix and n.startswith(prefix) else n for n in clean]


def site_names(
    points_xy: np.ndarray,
    stadtteile: Sequence[str | None],
    stops_xy: np.ndarray | None = None,
    stop_names: Sequence[str] = (),
    *,
    taken: Iterable[str] = (),
    first_number: int = 1,
    max_stop_m: float = MAX_STOP_M,
    distinct: bool = True,
) -> list[str]:
    """Recognisable, distinct names for new sites.

    Parameters
    ----------
    points_xy : numpy.ndarray
        ``(n, 2)`` site positions (EPSG:25832).
    stadtteile : sequence of str or None
        Name of the Stadtteil of each site (None: outside every Stadtteil).
    stops_xy : numpy.ndarray, optional
        ``(m, 2)`` stop positions; None or empty: no timetable.
    stop_names : sequence of str
        Display names of the stops (see :func:`stop_labels`).
    taken : iterable of str
        Names already in use (e.g. the scenario's sites); a repeated name gets " (2)", …
    first_number : int
        N of the first "neuer Standort N" (e.g. the number of sites placed so far + 1).
    max_stop_m : float
        Farthest stop that still names a site.
    distinct : bool
        Make the names distinct from each other and from ``taken`` (off for a pool of
        candidates, of which only a few are chosen). A repeated name near a stop says where
        from the stop the site lies ("…, bei Haltestelle Zoo, 300 m nördlich"); only when that
        repeats too does it get " (2)", … .

    Returns
    -------
    list of str
        One name per site.
    """
    from scipy.spatial import cKDTree  # imported on use: the first page needs no KD-tree

    points = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    if len(stadtteile) != len(points):
        raise ValueError("Für jeden Standort wird ein Stadtteil (oder None) benötigt.")
    near: list[str | None] = [None] * len(points)
    offsets = np.zeros((len(points), 2))
    stops = None if stops_xy is None else np.asarray(stops_xy, dtype=float).reshape(-1, 2)
    if stops is not None and len(stops) and len(points):
        if len(stop_names) != len(stops):
            raise ValueError("Für jede Haltestelle wird ein Name benötigt.")
        dist, idx = cKDTree(stops).query(points, k=1)
        near = [
            str(stop_names[i]) if d <= max_stop_m and str(stop_names[i]).strip() else None
            for d, i in zip(dist, idx, strict=True)
        ]
        offsets = points - stops[idx]
    used = set(taken)
    out = []
    number = first_number
    for area, stop, offset in zip(stadtteile, near, offsets, strict=True):
        place = area or NO_STADTTEIL
        if stop is not None:
            name = f"{place}, bei Haltestelle {stop}"
            if distinct and name in used:
                name = f"{name}, {direction(offset)}"
        else:
            name = f"{place}, neuer Standort {number}"
            number += 1
        out.append(_distinct(name, used) if distinct else name)
        used.add(out[-1])
    return out


#: Compass words, counter-clockwise from east.
_DIRECTIONS = (
    "östlich", "nordöstlich", "nördlich", "nordwestlich",
    "westlich", "südwestlich", "südlich", "südöstlich",
)  # fmt: skip


def direction(offset: np.ndarray) -> str:
    """Where a point lies from a stop: ``"300 m nördlich"`` (metres rounded to 50).

    Parameters
    ----------
    offset : numpy.ndarray
        ``(2,)`` point minus stop in metres (EPSG:25832: x east, y north).

    Returns
    -------
    str
    """
    dx, dy = (float(v) for v in offset)
    metres = int(round(np.hypot(dx, dy) / 50.0) * 50)
    if metres == 0:
        return "direkt an der Haltestelle"
    sector = round(float(np.degrees(np.arctan2(dy, dx))) / 45.0) % 8
    return f"{metres:,} m {_DIRECTIONS[sector]}".replace(",", ".")


def _distinct(name: str, used: set[str]) -> str:
    if name not in used:
        return name
    k = 2
    while f"{name} ({k})" in used:
        k += 1
    return f"{name} ({k})"
