"""Label placement without overprinting: greedy, by priority, with a numbered key as fallback.

Names of small Stadtteile in the city centre collide when every label sits at its polygon's
centre. :func:`place_labels` places labels one after another in priority order (e.g. most
residents first); each label tries a few positions inside its polygon (the point farthest
from the boundary first) and a two-line variant, and takes the first whose box overlaps no
label placed before and no obstacle (scale bar, north arrow). A label that finds no free spot
is replaced by a number, listed in a key beside the map. The functions are pure: the caller
measures text boxes (in any coordinate system, e.g. display pixels) and draws.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

#: Positions a name tries (the most interior ones); a number may go anywhere inside.
NAME_SPOTS = 15
#: ``(x0, y0, x1, y1)`` of a text box.
Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Placement:
    """Where a label went.

    Attributes
    ----------
    key : hashable
        The area (e.g. ``stadtteil_nr``).
    x, y : float
        Centre of the label in the geometry's coordinates.
    text : str
        What is written (the name, possibly on two lines, or a number).
    box : Box
        Its box as measured.
    number : int or None
        The key number when the name did not fit.
    anchor : (float, float) or None
        Where a leader line from the name points (the area's inner spot) when the name
        stands beside its area; None for a name inside.
    """

    key: Hashable
    x: float
    y: float
    text: str
    box: Box
    number: int | None = None
    anchor: tuple[float, float] | None = None


def overlaps(a: Box, b: Box) -> bool:
    """True if two boxes share interior area (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(inner: Box, outer: Box) -> bool:
    """True if ``inner`` lies within ``outer``."""
    return (
        inner[0] >= outer[0]
        and inner[1] >= outer[1]
        and inner[2] <= outer[2]
        and inner[3] <= outer[3]
    )


def _main_part(geometry: BaseGeometry) -> BaseGeometry:
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type == "Polygon" and not p.is_empty]
    return max(parts, key=lambda p: p.area) if parts else geometry


def candidates(geometry: BaseGeometry, n: int | None = None) -> list[tuple[float, float]]:
    """Label positions inside a polygon, best first.

    First the pole of inaccessibility (the interior point farthest from the boundary), the
    representative point and the centroid (if inside), then points of a regular grid over
    the polygon, the most interior first.

    Parameters
    ----------
    geometry : shapely geometry
        Polygon or MultiPolygon (its largest part is labelled).
    n : int, optional
        Number of grid points to add at most (default: all 7 × 7 that lie inside).

    Returns
    -------
    list of (x, y)
    """
    if geometry is None or geometry.is_empty:
        return []
    part = _main_part(geometry)
    out: list[tuple[float, float]] = []
    span = max(part.bounds[2] - part.bounds[0], part.bounds[3] - part.bounds[1])
    with np.errstate(all="ignore"):  # slivers: the inscribed-circle search may overflow
        pole = polylabel(part, tolerance=span / 200) if part.geom_type == "Polygon" else None
    for point in (pole, part.representative_point(), part.centroid):
        if point is not None and not point.is_empty and part.contains(point):
            out.append((point.x, point.y))
    xmin, ymin, xmax, ymax = part.bounds
    steps = 7
    xs, ys = np.meshgrid(
        np.linspace(xmin, xmax, steps + 2)[1:-1], np.linspace(ymin, ymax, steps + 2)[1:-1]
    )
    grid = shapely.points(xs.ravel(), ys.ravel())
    grid = grid[shapely.contains(part, grid)]
    with np.errstate(all="ignore"):
        depth = shapely.distance(grid, part.boundary)
    for point in grid[np.argsort(-depth)][:n]:
        out.append((point.x, point.y))
    seen: set[tuple[float, float]] = set()
    return [p for p in out if not (p in seen or seen.add(p))]


def two_lines(name: str) -> str | None:
    """The name broken at the space or hyphen nearest its middle (None if it has none)."""
    cuts = [i for i, c in enumerate(name) if c in " -"]
    if not cuts:
        return None
    cut = min(cuts, key=lambda i: abs(i - len(name) / 2))
    if name[cut] == "-":
        return f"{name[: cut + 1]}\n{name[cut + 1 :]}"
    return f"{name[:cut]}\n{name[cut + 1 :]}"


def _crosses(a: tuple[float, float], b: tuple[float, float], box: Box) -> bool:
    """Whether the segment a–b passes through the inside of ``box``."""
    x0, y0, x1, y1 = box
    if x0 >= x1 or y0 >= y1:
        return False
    line = shapely.LineString([a, b])
    return line.intersects(shapely.box(x0, y0, x1, y1).buffer(-0.5))


def place_labels(
    items: Sequence[tuple[Hashable, str, BaseGeometry]],
    measure: Callable[[str, float, float], Box],
    bounds: Box,
    obstacles: Sequence[Box] = (),
    avoid: Sequence[Box] = (),
    leader_unit: float | None = None,
) -> list[Placement]:
    """Place labels greedily in the given order; leader lines, then numbers, where needed.

    Parameters
    ----------
    items : sequence of (key, name, geometry)
        In priority order (first = most important).
    measure : callable
        ``measure(text, x, y)`` -> box of ``text`` centred at ``(x, y)`` (geometry
        coordinates in, any consistent coordinates out).
    bounds : Box
        Every box must lie inside (e.g. the map frame).
    obstacles : sequence of Box
        Boxes no label may overlap.
    avoid : sequence of Box
        Boxes a label should not cover (e.g. point markers): a position clear of them is
        preferred, but a label may cover them rather than give way to a number.
    leader_unit : float, optional
        Geometry units per unit of the box coordinates (e.g. metres per pixel). With it, a
        name without a free spot inside its area is set beside it, up to about 200 box
        units away, with a leader line to its inner spot (:attr:`Placement.anchor`); only
        when that fails too does it become a number.

    Returns
    -------
    list of Placement
        Names first (in priority order), then the numbered fallbacks (numbers 1, 2, … in
        priority order). Areas where not even a number fits are left out.
    """
    taken: list[Box] = list(obstacles)
    placed: list[Placement] = []
    failed: list[_Failed] = []
    for key, name, geometry in items:
        spots = candidates(geometry)
        variants = [name] + [v for v in [two_lines(name)] if v]
        # A name should sit well inside its area: the most interior positions only.
        hit = _first_free(variants, spots[:NAME_SPOTS], measure, bounds, taken, avoid)
        if hit is None:
            failed.append((key, name, spots))
            continue
        text, x, y, box = hit
        taken.append(box)
        placed.append(Placement(key, x, y, text, box))
    if leader_unit:
        failed = _place_beside(failed, measure, bounds, taken, placed, leader_unit)
    _place_numbers(failed, measure, bounds, taken, avoid, placed)
    return placed


#: A name that found no place yet: key, name and its candidate spots.
_Failed = tuple[Hashable, str, list[tuple[float, float]]]


def _first_free(
    texts: list[str],
    spots: list[tuple[float, float]],
    measure: Callable[[str, float, float], Box],
    bounds: Box,
    taken: list[Box],
    avoid: Sequence[Box],
) -> tuple[str, float, float, Box] | None:
    """The first text and spot whose box is free (clear of ``avoid`` if possible)."""
    for blocked in (avoid, ()):
        for text in texts:
            for x, y in spots:
                box = measure(text, x, y)
                if inside(box, bounds) and not any(overlaps(box, t) for t in (*taken, *blocked)):
                    return text, x, y, box
    return None


def _place_beside(
    failed: list[_Failed],
    measure: Callable[[str, float, float], Box],
    bounds: Box,
    taken: list[Box],
    placed: list[Placement],
    leader_unit: float,
) -> list[_Failed]:
    """Set names beside their areas with leader lines; returns those that still failed."""
    still = []
    lines: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for key, name, spots in failed:
        hit = _beside(name, spots, measure, bounds, taken, lines, leader_unit)
        if hit is None:
            still.append((key, name, spots))
            continue
        text, x, y, box, spot, segment = hit
        taken.append(box)
        lines.append(segment)
        placed.append(Placement(key, x, y, text, box, anchor=spot))
    return still


def _place_numbers(
    failed: list[_Failed],
    measure: Callable[[str, float, float], Box],
    bounds: Box,
    taken: list[Box],
    avoid: Sequence[Box],
    placed: list[Placement],
) -> None:
    """Numbers 1, 2, … for the names without a place (areas where none fits are left out)."""
    number = 0
    for key, _name, spots in failed:
        hit = _first_free([str(number + 1)], spots, measure, bounds, taken, avoid)
        if hit is None:
            continue
        number += 1
        text, x, y, box = hit
        taken.append(box)
        placed.append(Placement(key, x, y, text, box, number))


def _beside(name, spots, measure, bounds, taken, lines, unit):
    """A free position for ``name`` beside its area with a leader line to its first spot."""
    if not spots:
        return None
    spot = spots[0]
    at = measure(name, *spot)
    ax, ay = (at[0] + at[2]) / 2, (at[1] + at[3]) / 2  # the spot in box coordinates
    for radius in (12, 22, 34, 50, 70, 95, 125, 160, 200):
        for step in range(24):
            angle = step * np.pi / 12
            dx, dy = np.cos(angle), np.sin(angle)
            width, height = at[2] - at[0], at[3] - at[1]
            cx = ax + dx * (radius + width / 2)
            cy = ay + dy * (radius + height / 2)
            x, y = spot[0] + (cx - ax) * unit, spot[1] + (cy - ay) * unit
            box = measure(name, x, y)
            if not inside(box, bounds) or any(overlaps(box, t) for t in taken):
                continue
            end = (min(max(ax, box[0]), box[2]), min(max(ay, box[1]), box[3]))
            segment = ((ax, ay), end)
            if any(_crosses((ax, ay), end, t) for t in taken):
                continue
            if any(shapely.LineString(segment).crosses(shapely.LineString(o)) for o in lines):
                continue
            return name, x, y, box, spot, segment
    return None
