"""Sparse point pairs with a radius per point, and the walking bounds built on them.

Dense ``cells × places`` matrices grow with the product of both; a city with 90,000 cells and
1,000 places would need 90 million distances for figures that depend only on the places near
each cell. A KD-tree query with a radius per cell finds exactly the pairs that can matter,
and the figures are computed on them with the same arithmetic as the dense code (so they are
bit-identical).
"""

from __future__ import annotations

import numpy as np

from geo.analysis.metric import WalkMetric

#: Metres added to every search radius: the KD-tree's own distances may differ from
#: ``numpy.hypot`` in the last bit, and a pair at the edge must not be lost.
SLACK_M = 1.0


def pairs_within_radii(
    a_xy: np.ndarray, b_xy: np.ndarray, radius: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """All pairs ``(i, j)`` with ``|a_i − b_j| ≤ radius_i`` (straight metres).

    Parameters
    ----------
    a_xy, b_xy : numpy.ndarray
        ``(n, 2)`` and ``(m, 2)`` points.
    radius : numpy.ndarray
        ``(n,)`` straight search radius per point of ``a`` (finite, ≥ 0).

    Returns
    -------
    rows, cols : numpy.ndarray
        Index pairs, sorted by ``rows``.
    """
    from scipy.spatial import cKDTree  # imported on use: the first page needs no KD-tree

    a = np.asarray(a_xy, dtype=float).reshape(-1, 2)
    b = np.asarray(b_xy, dtype=float).reshape(-1, 2)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    hits = cKDTree(b).query_ball_point(a, np.asarray(radius, dtype=float), return_sorted=False)
    counts = np.fromiter((len(h) for h in hits), dtype=np.int64, count=len(a))
    rows = np.repeat(np.arange(len(a), dtype=np.int64), counts)
    if counts.sum() == 0:
        return rows, np.zeros(0, dtype=np.int64)
    cols = np.concatenate([np.asarray(h, dtype=np.int64) for h in hits])
    return rows, cols


def sparse_bounds(
    cells: np.ndarray, sites: np.ndarray, radius: np.ndarray, metric: WalkMetric
) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst case walking metres to the nearest site, on sparse pairs.

    Equals the dense ``min_j max(0, L_ij − r_j) × detour`` and ``min_j (L_ij + r_j) × detour``
    (``L`` the route length, straight on the same bank): both minima are at most
    ``L_near + r_near``, so only sites within ``L_near + max(r)`` of a cell can attain them,
    and a route is never shorter than the straight line.

    Parameters
    ----------
    cells, sites : numpy.ndarray
        ``(n, 2)`` cells and ``(m ≥ 1, 2)`` sites (finite).
    radius : numpy.ndarray
        ``(m,)`` position uncertainty (NaN already 0).
    metric : geo.analysis.metric.WalkMetric
        Detour and barrier.

    Returns
    -------
    lower, upper : numpy.ndarray
        ``(n,)``; ``inf`` where no site is reachable.
    """
    near, _ = metric.nearest(cells, sites)
    route_near = near / metric.detour
    reachable = np.isfinite(route_near)
    lower = np.full(len(cells), np.inf)
    upper = np.full(len(cells), np.inf)
    if not reachable.any():
        return lower, upper
    idx = np.flatnonzero(reachable)
    search = route_near[idx] + float(radius.max(initial=0.0)) + SLACK_M
    rows, cols = pairs_within_radii(cells[idx], sites, search)
    a, b = cells[idx], sites
    length = np.hypot(a[rows, 0] - b[cols, 0], a[rows, 1] - b[cols, 1])
    if metric.barrier is not None:
        length = metric.barrier.pair_lengths(a, b, rows, cols, length)
    starts = np.searchsorted(rows, np.arange(len(idx)))  # every cell has its nearest site
    lower[idx] = np.minimum.reduceat(np.maximum(length - radius[cols], 0.0), starts)
    upper[idx] = np.minimum.reduceat(length + radius[cols], starts)
    return lower * metric.detour, upper * metric.detour
