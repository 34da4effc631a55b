"""The walking metric: metres between points, straight line × detour, across a river via bridges.

The one home of the formula "Luftlinie × Umwegfaktor": every kernel (access, coverage,
siting, transit) measures walking through :class:`WalkMetric`. Route lengths are kept in
straight metres and turned into walking metres by :meth:`WalkMetric.walk` at the end, so
every leg of a route carries the same detour. Where a river barrier is given
(:mod:`geo.analysis.barrier`, topology only), a pair on different banks walks via the crossings.
Everything is in EPSG:25832 and vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from geo.analysis.barrier import Barrier

#: Method labels for the UI.
WALK_LABEL = "Luftlinie × Umwegfaktor"
WALK_LABEL_BARRIER = "Luftlinie × Umwegfaktor, Elbe nur über Brücken"


def as_xy(points: np.ndarray) -> np.ndarray:
    """``(n, 2)`` float coordinates; raises ``ValueError`` on a missing coordinate.

    Parameters
    ----------
    points : numpy.ndarray
        Anything reshapeable to ``(n, 2)`` (a single point gives ``(1, 2)``).

    Returns
    -------
    numpy.ndarray
        The points as floats.
    """
    xy = np.asarray(points, dtype=float).reshape(-1, 2)
    if not np.isfinite(xy).all():
        raise ValueError("Koordinaten enthalten fehlende Werte; nur verortete Punkte übergeben.")
    return xy


def straight_lengths(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense ``(n, m)`` straight metres (``hypot``) between two ``(n, 2)``/``(m, 2)`` sets."""
    return np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])


def kdtree_lengths(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dense straight metres with cKDTree's arithmetic (square root of summed squares).

    A distance computed here ties bit for bit with a KD-tree query of the same pair, so an
    incremental update decides "closer" exactly as a full recomputation would.
    """
    dx = a[:, None, 0] - b[None, :, 0]
    dy = a[:, None, 1] - b[None, :, 1]
    return np.sqrt(dx * dx + dy * dy)


def as_metric(detour: float | WalkMetric) -> WalkMetric:
    """A :class:`WalkMetric` from a detour factor (no barrier) or a metric."""
    return detour if isinstance(detour, WalkMetric) else WalkMetric(float(detour))


@dataclass(frozen=True)
class WalkMetric:
    """Walking metres between points: straight × detour, across the barrier via crossings.

    Frozen and hashable (the barrier hashes by its content key), so caches can key on it.

    Attributes
    ----------
    detour : float
        Detour factor (1.0–3.0).
    barrier : geo.analysis.barrier.Barrier, optional
        Without one the metric is exactly today's straight line × detour.
    """

    detour: float = 1.3
    barrier: Barrier | None = None

    def __post_init__(self) -> None:
        if not 1.0 <= self.detour <= 3.0:
            raise ValueError("Der Umwegfaktor muss zwischen 1,0 und 3,0 liegen.")

    @property
    def label(self) -> str:
        """Method label for the UI."""
        return WALK_LABEL if self.barrier is None else WALK_LABEL_BARRIER

    @property
    def key(self) -> str:
        """Stable text key (detour and barrier content) for caches and scenario records."""
        return f"{self.detour!r}|{'' if self.barrier is None else self.barrier.key}"

    def walk(self, length_m: np.ndarray) -> np.ndarray:
        """Walking metres of route lengths in straight metres (``length × detour``)."""
        return length_m * self.detour

    def straight_radius(self, max_walk_m: float) -> float:
        """Straight radius that contains every point within ``max_walk_m`` walking."""
        return max_walk_m / self.detour

    def lengths(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """``(n, m)`` route lengths in straight metres (walking = this × detour)."""
        if self.barrier is None:
            return straight_lengths(as_xy(a_xy), as_xy(b_xy))
        return self.barrier.lengths(a_xy, b_xy)

    def pairwise(self, a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
        """Dense walking metres between two point sets.

        Parameters
        ----------
        a_xy, b_xy : numpy.ndarray
            ``(n, 2)`` and ``(m, 2)`` points in EPSG:25832.

        Returns
        -------
        numpy.ndarray
            ``(n, m)``; ``inf`` where no crossing joins the banks.
        """
        return self.walk(self.lengths(a_xy, b_xy))

    def nearest(self, a_xy: np.ndarray, b_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Walking metres from every point of ``a`` to its nearest point of ``b``.

        Without a barrier this is one KD-tree query.
        With one, per bank of ``b``: a KD-tree gives the nearest on the same bank, and the
        nearest from each crossing of that bank plus ``h`` gives the nearest across.

        Parameters
        ----------
        a_xy, b_xy : numpy.ndarray
            ``(n, 2)`` and ``(m, 2)`` points.

        Returns
        -------
        walk_m : numpy.ndarray
            ``(n,)``; ``inf`` if there is no (reachable) point.
        idx : numpy.ndarray
            ``(n,)`` index into ``b``; -1 if none is reachable.
        """
        from scipy.spatial import cKDTree  # imported on use: the first page needs no KD-tree

        a, b = as_xy(a_xy), as_xy(b_xy)
        if len(b) == 0:
            return np.full(len(a), np.inf), np.full(len(a), -1)
        if self.barrier is None:
            dist, idx = cKDTree(b).query(a, k=1)
            return self.walk(dist), idx.astype(int)
        bar = self.barrier
        la, lb = bar.region_of(a), bar.region_of(b)
        h = bar.to_crossings(a, la)
        best, best_idx = np.full(len(a), np.inf), np.full(len(a), -1)
        for region in np.unique(lb):
            members = np.flatnonzero(lb == region)
            tree = cKDTree(b[members])
            here = la == region
            candidates = np.full(len(a), np.inf)
            found = np.zeros(len(a), dtype=int)
            if here.any():
                candidates[here], found[here] = tree.query(a[here], k=1)
            gates = np.flatnonzero((bar.sides == region).any(axis=1))  # crossings of the bank
            if len(gates) and (~here).any():
                gate_dist, gate_idx = tree.query(bar.xy[gates], k=1)
                via = h[~here][:, gates] + gate_dist[None, :]
                pick = via.argmin(axis=1)
                candidates[~here] = via[np.arange(len(pick)), pick]
                found[~here] = gate_idx[pick]
            better = candidates < best
            best[better] = candidates[better]
            best_idx[better] = members[found[better]]
        return self.walk(best), best_idx

    def reach(self, point_xy: np.ndarray, max_walk_m: float) -> BaseGeometry:
        """The area within ``max_walk_m`` walking of a point (a circle cut at the river).

        On the point's bank it is the circle of ``max_walk_m / detour``; across, for each
        crossing reached with straight metres ``h`` to spare, the circle of the rest around
        the crossing on its far bank.

        Parameters
        ----------
        point_xy : numpy.ndarray
            ``(2,)`` a point in EPSG:25832.
        max_walk_m : float
            Walking threshold.

        Returns
        -------
        shapely geometry
            Polygon(s) in EPSG:25832 (for catchment outlines on maps).
        """
        p = as_xy(point_xy)
        radius = self.straight_radius(max_walk_m)
        disk = shapely.Point(p[0]).buffer(radius, 16)
        if self.barrier is None:
            return disk
        bar = self.barrier
        label = bar.region_of(p)
        parts = [disk.intersection(bar.regions[label[0]])]
        spare = radius - bar.to_crossings(p, label)[0]
        for rest, at, sides in zip(spare, bar.xy, bar.sides, strict=True):
            if rest > 0:
                around = shapely.Point(at).buffer(rest, 16)
                parts += [around.intersection(bar.regions[side]) for side in sides]
        return shapely.union_all(parts)

    def bounds(
        self, a_xy: np.ndarray, b_xy: np.ndarray, radius_m: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Best and worst case walking metres to the nearest site, given each site's radius.

        The last leg of any route ends at the site, so it may shorten or lengthen by the
        site's radius: ``[max(0, L − r), L + r] × detour`` with ``L`` the route length
        (straight metres without a barrier).

        Parameters
        ----------
        a_xy, b_xy : numpy.ndarray
            ``(n, 2)`` cells and ``(m, 2)`` sites.
        radius_m : numpy.ndarray
            ``(m,)`` position uncertainty per site (NaN counts as 0).

        Returns
        -------
        lower, upper : numpy.ndarray
            ``(n,)``; ``inf`` without a reachable site.
        """
        a, b = as_xy(a_xy), as_xy(b_xy)
        radius = np.nan_to_num(np.asarray(radius_m, dtype=float).reshape(-1), nan=0.0)
        if len(b) == 0:
            return np.full(len(a), np.inf), np.full(len(a), np.inf)
        length = self.lengths(a, b)
        lower = self.walk(np.maximum(length - radius[None, :], 0.0).min(axis=1))
        upper = self.walk((length + radius[None, :]).min(axis=1))
        return lower, upper

    def pairs_within(
        self, a_xy: np.ndarray, b_xy: np.ndarray, max_walk_m: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sparse pairs within a walking distance.

        A KD-tree finds the pairs within ``max_walk_m / detour`` straight metres (a route is
        never shorter than the straight line); pairs on different banks are then measured via
        the crossings and dropped if too far.

        Parameters
        ----------
        a_xy, b_xy : numpy.ndarray
            ``(n, 2)`` and ``(m, 2)`` points.
        max_walk_m : float
            Walking threshold (inclusive).

        Returns
        -------
        rows, cols : numpy.ndarray
            Indices into ``a`` and ``b``.
        walk_m : numpy.ndarray
            Walking metres of each pair.
        """
        from scipy.spatial import cKDTree  # imported on use: the first page needs no KD-tree

        a, b = as_xy(a_xy), as_xy(b_xy)
        if len(a) == 0 or len(b) == 0:
            return np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0)
        pairs = cKDTree(a).sparse_distance_matrix(
            cKDTree(b), self.straight_radius(max_walk_m), output_type="coo_matrix"
        )
        rows, cols, straight = pairs.row.astype(int), pairs.col.astype(int), pairs.data
        rows, cols, length = self.routes(a, b, rows, cols, straight, max_walk_m)
        return rows, cols, self.walk(length)

    def routes(
        self,
        a_xy: np.ndarray,
        b_xy: np.ndarray,
        rows: np.ndarray,
        cols: np.ndarray,
        straight: np.ndarray,
        max_walk_m: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pairs found by straight radius, re-measured via the crossings and cut at a limit.

        Parameters
        ----------
        a_xy, b_xy : numpy.ndarray
            Points.
        rows, cols : numpy.ndarray
            ``(p,)`` pair indices into ``a_xy`` and ``b_xy`` (found within the straight
            radius of ``max_walk_m``).
        straight : numpy.ndarray
            ``(p,)`` straight metres of the pairs.
        max_walk_m : float
            Walking threshold (inclusive) for routes across the barrier.

        Returns
        -------
        rows, cols : numpy.ndarray
            The kept pairs.
        length : numpy.ndarray
            Their route lengths in straight metres (walking = :meth:`walk` of it); pairs on
            the same bank keep their straight distance.
        """
        if self.barrier is None or len(rows) == 0:
            return rows, cols, straight
        length = self.barrier.pair_lengths(a_xy, b_xy, rows, cols, straight)
        # Same-bank pairs keep the KD-tree test; routes across must fit too.
        keep = (length <= straight) | (self.walk(length) <= max_walk_m)
        return rows[keep], cols[keep], length[keep]
