"""How many people could be within walking distance, given where the facilities may lie.

Facility positions are uncertain: a place with ``Lage ± r m`` lies somewhere within ``r``
of its point, and a counted place without any position lies somewhere in the Stadtteil its
source names. The coverage of an area (a Stadtteil or the city) therefore has a range. It
is computed **jointly**: every facility is put at *one* spot (all facilities at once), and
the lowest and the highest number of covered people of the area over such placements are
the bounds – never the best or worst case of each cell on its own, which would combine
positions no single placement can have (a place cannot lie next to every cell at once).

* **Upper bound** – every facility at the spot within its radius that covers the most
  people of the area; a facility without position at the spot of its Stadtteil that reaches
  the most people of the area (the people it actually reaches on foot, across the Elbe only
  via bridges).
* **Lower bound** – every facility at the spot within its radius that covers the fewest
  people of the area; a facility without position is left out (as in the central figure).

The search moves one facility at a time to its best (worst) spot while the others stay
where they are, until no move improves the area's figure (coordinate search, starting from
the central positions). So each bound is a placement that can actually occur, the central
figure always lies between the bounds, and – with one uncertain facility near an area, the
usual case – the bound is exact up to the spacing of the spots tried. Spots are a lattice
within each radius (and within the city) or within the Stadtteil, plus the populated cell
centres there.

The bounds are "with the facilities in the list": the list is known to be incomplete, so
the true coverage can also lie above the upper bound. The wording in the UI and the reports
says so.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.analysis.access_kernel import WalkParams

#: Kind of a facility's position.
FIXED, APPROXIMATE, UNPLACED = "fest", "ungefaehr", "ohne_lage"
#: Spots tried per facility (about; the lattice spacing follows from it).
SPOTS_PER_FACILITY = 400
#: Finest lattice spacing in metres.
MIN_SPACING_M = 20.0
#: Rounds of the coordinate search (it stops earlier when nothing moves).
MAX_ROUNDS = 6


@dataclass(frozen=True)
class PositionOptions:
    """Where each counted facility may lie and which cells each spot covers.

    Attributes
    ----------
    ids, names : tuple of str
        Facility ids and names.
    kinds : tuple of str
        :data:`FIXED` (one spot), :data:`APPROXIMATE` (``Lage ± r``) or :data:`UNPLACED`.
    areas : tuple of str
        Stadtteil number of each facility (the source's for one without position).
    radius : numpy.ndarray
        ``(f,)`` position radius in metres (NaN without position).
    spots : tuple of numpy.ndarray
        ``(p_f, 2)`` spots per facility; spot 0 is the given point (none without position).
    central : numpy.ndarray
        ``(f,)`` index of the given point among the spots (0), -1 without position.
    cells : tuple of numpy.ndarray
        Per facility the cells any of its spots covers (indices into the grid).
    cover : tuple of scipy.sparse.csr_matrix
        Per facility ``(p_f, len(cells_f))``, 1 where the spot covers the cell (sparse: a
        spot reaches a few dozen of the cells any spot reaches).
    """

    ids: tuple[str, ...]
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    areas: tuple[str, ...]
    radius: np.ndarray
    spots: tuple[np.ndarray, ...]
    central: np.ndarray
    cells: tuple[np.ndarray, ...]
    cover: tuple

    def __len__(self) -> int:
        return len(self.ids)

    def reached(self, f: int, spot: int) -> np.ndarray:
        """Cells (grid indices) that facility ``f`` covers from ``spot``."""
        cover = self.cover[f]
        return self.cells[f][cover.indices[cover.indptr[spot] : cover.indptr[spot + 1]]]

    @property
    def uncertain(self) -> np.ndarray:
        """Facilities whose spot is not fixed (``Lage ± r`` or without position)."""
        return np.array([k != FIXED for k in self.kinds], dtype=bool)

    def central_count(self, n_cells: int) -> np.ndarray:
        """How many facilities cover each cell at their given points."""
        count = np.zeros(n_cells, dtype=np.int32)
        for f, spot in enumerate(self.central):
            if spot >= 0:
                count[self.reached(f, spot)] += 1
        return count

    def with_fixed(
        self, ids: list[str], names: list[str], areas: list[str], xy: np.ndarray, cells_xy, params
    ) -> PositionOptions:
        """These options plus facilities with exact positions (e.g. a scenario's new places)."""
        extra = position_options(
            ids, names, areas, np.asarray(xy, dtype=float).reshape(-1, 2), np.zeros(len(ids)),
            cells_xy, params,
        )  # fmt: skip
        return replace(
            self,
            ids=self.ids + extra.ids,
            names=self.names + extra.names,
            kinds=self.kinds + extra.kinds,
            areas=self.areas + extra.areas,
            radius=np.concatenate([self.radius, extra.radius]),
            spots=self.spots + extra.spots,
            central=np.concatenate([self.central, extra.central]),
            cells=self.cells + extra.cells,
            cover=self.cover + extra.cover,
        )


def lattice(center: np.ndarray, radius: float, spacing: float) -> np.ndarray:
    """Points of a square lattice through ``center`` within ``radius`` (``center`` first)."""
    k = int(np.floor(radius / spacing))
    steps = np.arange(-k, k + 1) * spacing
    gx, gy = np.meshgrid(steps, steps)
    offsets = np.column_stack([gx.ravel(), gy.ravel()])
    offsets = offsets[np.hypot(offsets[:, 0], offsets[:, 1]) <= radius + 1e-9]
    offsets = offsets[np.any(offsets != 0, axis=1)]
    return np.vstack([center.reshape(1, 2), center + offsets])


def _spacing(area_m2: float) -> float:
    return max(MIN_SPACING_M, float(np.sqrt(area_m2 / SPOTS_PER_FACILITY)))


def disc_spots(point: np.ndarray, radius: float, city: BaseGeometry | None) -> np.ndarray:
    """Spots within ``radius`` of ``point`` (and within the city), the point first.

    Parameters
    ----------
    point : numpy.ndarray
        ``(2,)`` given position (EPSG:25832).
    radius : float
        Position radius in metres (0: the point only).
    city : shapely geometry, optional
        Only spots inside it (the point itself is always kept).

    Returns
    -------
    numpy.ndarray
        ``(p, 2)``.
    """
    point = np.asarray(point, dtype=float).reshape(2)
    if not radius or radius <= 0:
        return point.reshape(1, 2)
    spots = lattice(point, radius, _spacing(np.pi * radius**2))
    if city is not None:
        keep = shapely.contains_xy(city, spots[:, 0], spots[:, 1])
        keep[0] = True
        spots = spots[keep]
    return spots


def area_spots(polygon: BaseGeometry, cells_xy: np.ndarray) -> np.ndarray:
    """Spots within a Stadtteil: a lattice over the polygon plus its populated cell centres.

    Parameters
    ----------
    polygon : shapely geometry
        The Stadtteil (EPSG:25832).
    cells_xy : numpy.ndarray
        ``(c, 2)`` centres of its populated cells.

    Returns
    -------
    numpy.ndarray
        ``(p, 2)`` (empty for an empty polygon).
    """
    if polygon is None or polygon.is_empty:
        return np.zeros((0, 2))
    xmin, ymin, xmax, ymax = polygon.bounds
    spacing = _spacing(polygon.area)
    gx, gy = np.meshgrid(
        np.arange(xmin, xmax + spacing, spacing), np.arange(ymin, ymax + spacing, spacing)
    )
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    grid = grid[shapely.contains_xy(polygon, grid[:, 0], grid[:, 1])]
    return np.vstack([grid, np.asarray(cells_xy, dtype=float).reshape(-1, 2)])


def position_options(
    ids: list[str],
    names: list[str],
    areas: list[str | None],
    xy: np.ndarray,
    radius: np.ndarray,
    cells_xy: np.ndarray,
    params: WalkParams,
    *,
    city: BaseGeometry | None = None,
    unplaced_spots: dict[int, np.ndarray] | None = None,
) -> PositionOptions:
    """Spots and their coverage for a list of facilities.

    Parameters
    ----------
    ids, names, areas : list
        Per facility: id, name and Stadtteil number.
    xy : numpy.ndarray
        ``(f, 2)`` given positions (NaN rows: no position).
    radius : numpy.ndarray
        ``(f,)`` position radius in metres (0 or NaN: exact).
    cells_xy : numpy.ndarray
        ``(n, 2)`` populated cell centres.
    params : WalkParams
        Walking threshold and metric (the Elbe only via bridges).
    city : shapely geometry, optional
        Spots of approximate positions stay inside it.
    unplaced_spots : dict, optional
        Facility position (index into the lists) -> spots of a facility without position
        (:func:`area_spots` of its Stadtteil). A facility without position and without an
        entry here cannot be placed and is left out of both bounds.

    Returns
    -------
    PositionOptions
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    radius = np.nan_to_num(np.asarray(radius, dtype=float).reshape(-1), nan=0.0)
    unplaced_spots = unplaced_spots or {}
    kinds, spots, central, radii = [], [], [], []
    for f in range(len(ids)):
        if np.isfinite(xy[f]).all():
            kinds.append(APPROXIMATE if radius[f] > 0 else FIXED)
            spots.append(disc_spots(xy[f], radius[f], city))
            central.append(0)
            radii.append(radius[f])
        else:
            kinds.append(UNPLACED)
            spots.append(unplaced_spots.get(f, np.zeros((0, 2))))
            central.append(-1)
            radii.append(np.nan)
    cells, cover = _spot_cover(np.asarray(cells_xy, dtype=float).reshape(-1, 2), spots, params)
    return PositionOptions(
        ids=tuple(str(i) for i in ids),
        names=tuple(str(n) for n in names),
        kinds=tuple(kinds),
        areas=tuple("" if a is None else str(a) for a in areas),
        radius=np.asarray(radii, dtype=float),
        spots=tuple(spots),
        central=np.asarray(central, dtype=int),
        cells=tuple(cells),
        cover=tuple(cover),
    )


def _spot_cover(
    cells_xy: np.ndarray, spots: list[np.ndarray], params: WalkParams
) -> tuple[list[np.ndarray], list]:
    """Per facility the cells its spots reach and the ``spots × those cells`` matrix.

    One KD-tree pass over all spots of all facilities (the Elbe test of the cells runs
    once); one sparse ``all spots × cells`` matrix (built in linear time, no sort of all
    pairs), cut into the facilities' row blocks.
    """
    from scipy.sparse import coo_matrix, csr_matrix  # imported on use, like the KD-tree

    offsets = np.cumsum([0, *(len(p) for p in spots)])
    everything = np.vstack([*spots, np.zeros((0, 2))])
    rows, cols, _ = params.metric.pairs_within(cells_xy, everything, params.max_walk_m)
    whole = coo_matrix(
        (np.ones(len(rows)), (cols, rows)), shape=(len(everything), len(cells_xy))
    ).tocsr()
    whole.sum_duplicates()  # also sorts the cells of every spot
    ptr, indices = whole.indptr, whole.indices
    cells, cover = [], []
    for f in range(len(spots)):
        first, last = ptr[offsets[f]], ptr[offsets[f + 1]]
        reached, local = np.unique(indices[first:last], return_inverse=True)
        cells.append(reached.astype(np.int64))
        cover.append(
            csr_matrix(
                (
                    whole.data[first:last],
                    local.reshape(-1),
                    ptr[offsets[f] : offsets[f + 1] + 1] - first,
                ),
                shape=(len(spots[f]), len(reached)),
            )
        )
    return cells, cover


def _search(
    options: PositionOptions,
    people: np.ndarray,
    inside: np.ndarray,
    count: np.ndarray,
    movable: list[int],
    best: bool,
    spot_rows: dict[int, np.ndarray],
) -> tuple[float, np.ndarray]:
    """Coordinate search for the highest (``best``) or lowest covered people in ``inside``.

    ``count`` (facilities covering each cell at their central spots) is changed in place;
    ``spot_rows`` gives per facility the spot of every entry of its cover matrix. Returns
    the covered people and the chosen spot per facility (-1: left out).
    """
    position = options.central.copy()
    local = {f: people[options.cells[f]] * inside[options.cells[f]] for f in movable}
    # A facility is looked at again only when a count among its cells changed since it was
    # last looked at: with the same counts it would make the same choice and stay.
    changed = np.full(len(count), -1, dtype=np.int64)  # step of the last change per cell
    looked = dict.fromkeys(movable, -1)
    step = 0
    for _ in range(MAX_ROUNDS):
        moved = False
        for f in movable:
            cells, cover = options.cells[f], options.cover[f]
            step += 1
            if looked[f] >= 0 and changed[cells].max(initial=-1) < looked[f]:
                continue
            looked[f] = step
            if position[f] >= 0:
                count[options.reached(f, position[f])] -= 1
            # The cover matrix times the free people, summed per spot in the matrix's order
            # (the same sums as ``cover @ free``, without a sparse product's overhead).
            free = local[f] * (count[cells] == 0)
            values = np.bincount(spot_rows[f], free[cover.indices], minlength=cover.shape[0])
            current = values[position[f]] if position[f] >= 0 else 0.0
            if best:
                choice = int(np.argmax(values)) if len(values) else -1
                better = choice >= 0 and values[choice] > current + 1e-9
            else:  # a facility without position is left out of the lower bound
                choice = -1 if options.kinds[f] == UNPLACED else int(np.argmin(values))
                better = choice != position[f] and (choice < 0 or values[choice] < current - 1e-9)
            if better:
                if position[f] >= 0:
                    changed[options.reached(f, position[f])] = step
                position[f], moved = choice, True
                if choice >= 0:
                    changed[options.reached(f, choice)] = step
            if position[f] >= 0:
                count[options.reached(f, position[f])] += 1
        if not moved:
            break
    covered = float((people * inside * (count > 0)).sum())
    return covered, position


def _movable_by_area(
    options: PositionOptions, uncertain: np.ndarray, codes: np.ndarray, n_areas: int
) -> dict[int, list[int]]:
    """Area -> the uncertain facilities (ascending) some spot of which covers a cell there.

    The city (``n_areas``) gets every uncertain facility that covers any cell.
    """
    sizes = np.array([len(options.cells[f]) for f in uncertain], dtype=np.int64)
    movable = {n_areas: [int(f) for f, size in zip(uncertain, sizes, strict=True) if size]}
    if not sizes.sum():
        return movable
    owner = np.repeat(np.asarray(uncertain, dtype=np.int64), sizes)
    area = np.asarray(codes, dtype=np.int64)[np.concatenate([options.cells[f] for f in uncertain])]
    base = len(options) + 1
    pairs = np.unique(area[area >= 0] * base + owner[area >= 0])
    for a, f in zip(pairs // base, pairs % base, strict=True):
        movable.setdefault(int(a), []).append(int(f))
    return movable


def joint_bounds(
    options: PositionOptions,
    people: np.ndarray,
    area_codes: np.ndarray,
    n_areas: int,
    areas: list[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest covered people per area over joint placements of all facilities.

    Parameters
    ----------
    options : PositionOptions
        The counted facilities (:func:`position_options`).
    people : numpy.ndarray
        ``(n,)`` people per cell (NaN counts as 0).
    area_codes : numpy.ndarray
        ``(n,)`` area index per cell (0 … ``n_areas`` − 1; −1: in no area).
    n_areas : int
        Number of areas; index ``n_areas`` of the result is the whole grid (the city).
    areas : list of int, optional
        Compute only these areas (index ``n_areas`` for the city); the others are NaN.

    Returns
    -------
    tuple of numpy.ndarray
        ``(lower, upper)``, each ``(n_areas + 1,)``.
    """
    people = np.nan_to_num(np.asarray(people, dtype=float), nan=0.0)
    codes = np.asarray(area_codes)
    count0 = options.central_count(len(people))
    uncertain = np.flatnonzero(options.uncertain)
    by_area = _movable_by_area(options, uncertain, codes, n_areas)
    spot_rows = {
        int(f): np.repeat(np.arange(options.cover[f].shape[0]), np.diff(options.cover[f].indptr))
        for f in uncertain
    }
    lower = np.full(n_areas + 1, np.nan)
    upper = np.full(n_areas + 1, np.nan)
    for a in range(n_areas + 1) if areas is None else areas:
        inside = np.ones(len(people), dtype=bool) if a == n_areas else codes == a
        central = float((people * inside * (count0 > 0)).sum())
        movable = by_area.get(a, [])
        if not movable:
            lower[a] = upper[a] = central
            continue
        low, _ = _search(options, people, inside, count0.copy(), movable, False, spot_rows)
        high, _ = _search(options, people, inside, count0.copy(), movable, True, spot_rows)
        lower[a], upper[a] = min(low, central), max(high, central)
    return lower, upper


def facility_range(
    options: PositionOptions, f: int, people: np.ndarray, inside: np.ndarray
) -> tuple[float, float]:
    """Covered people of an area when only facility ``f`` moves (the others at their points).

    The range facility ``f`` alone could change: for one without position from "left out"
    to its best spot in its Stadtteil, for one with ``Lage ± r`` from its worst to its best
    spot within the radius.

    Parameters
    ----------
    options : PositionOptions
        The counted facilities.
    f : int
        The facility.
    people : numpy.ndarray
        ``(n,)`` people per cell.
    inside : numpy.ndarray
        ``(n,)`` bool: cells of the area.

    Returns
    -------
    tuple of float
        ``(lowest, highest)`` covered people of the area.
    """
    people = np.nan_to_num(np.asarray(people, dtype=float), nan=0.0)
    count = options.central_count(len(people))
    cells = options.cells[f]
    if options.central[f] >= 0:
        count[options.reached(f, options.central[f])] -= 1
    others = float((people * inside * (count > 0)).sum())
    free = people[cells] * inside[cells] * (count[cells] == 0)
    values = options.cover[f] @ free if len(options.spots[f]) else np.zeros(0)
    if options.kinds[f] == UNPLACED:
        values = np.append(values, 0.0)  # left out
    if not len(values):
        return others, others
    return others + float(values.min()), others + float(values.max())
