"""Walking access from grid cells to meeting places (vectorised, metres in EPSG:25832).

Walking distance is measured by :class:`geo.analysis.metric.WalkMetric` (``Luftlinie × Umwegfaktor``;
with a river barrier in the data package a walk across the Elbe goes via a bridge). Walking time divides it by a senior walking pace. Facility positions are approximate: each
site carries a radius within which it lies (``Lage ± r m``), and :func:`walk_bounds` turns
that into a best and a worst case for every cell.

The core functions take plain arrays; :mod:`geo.analysis.access_adapter` builds them from the data
package.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.analysis.barrier import Barrier
from geo.analysis.metric import WalkMetric, as_metric, as_xy
from geo.analysis.spatial_pairs import sparse_bounds

#: Thresholds offered in the UI (walking metres).
THRESHOLDS_M = (300, 500, 800, 1000)


@dataclass(frozen=True)
class WalkParams:
    """Assumptions of the walking analysis.

    Attributes
    ----------
    max_walk_m : float
        Walking distance that counts as "within reach" (default 500 m).
    detour : float
        Detour factor: walking distance = straight line × detour (default 1.3).
    speed_mps : float
        Walking pace in metres per second (default 1.0 m/s, a senior pace).
    catchment_m : float
        Walking catchment of the E2SFCA supply ratio (default 1000 m).
    barrier : geo.analysis.barrier.Barrier, optional
        River barrier of the data package (with a scenario's crossing changes); set by
        :func:`scenarios.evaluation.walk_params`, never stored in a scenario. None: straight
        line × detour everywhere.
    """

    max_walk_m: float = 500.0
    detour: float = 1.3
    speed_mps: float = 1.0
    catchment_m: float = 1000.0
    barrier: Barrier | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        checks = [
            (0 < self.max_walk_m <= 10_000, "Die Gehdistanz muss zwischen 1 und 10.000 m liegen."),
            (1.0 <= self.detour <= 3.0, "Der Umwegfaktor muss zwischen 1,0 und 3,0 liegen."),
            (0.2 <= self.speed_mps <= 2.5, "Das Gehtempo muss zwischen 0,2 und 2,5 m/s liegen."),
            (
                0 < self.catchment_m <= 10_000,
                "Der Einzugsbereich muss zwischen 1 und 10.000 m liegen.",
            ),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def metric(self) -> WalkMetric:
        """The walking metric of these assumptions (detour and barrier)."""
        return WalkMetric(self.detour, self.barrier)

    @property
    def label(self) -> str:
        """Method label for the UI (names the Elbe rule when there is a barrier)."""
        return self.metric.label

    @property
    def max_straight_m(self) -> float:
        """Straight-line radius that corresponds to :attr:`max_walk_m`."""
        return self.metric.straight_radius(self.max_walk_m)

    def minutes(self, walk_m: np.ndarray) -> np.ndarray:
        """Walking time in minutes for walking distances in metres."""
        return np.asarray(walk_m, dtype=float) / self.speed_mps / 60.0


def nearest_walk(
    cells_xy: np.ndarray, sites_xy: np.ndarray, detour: float | WalkMetric
) -> tuple[np.ndarray, np.ndarray]:
    """Walking distance from every cell to its nearest site (KD-tree).

    Parameters
    ----------
    cells_xy : numpy.ndarray
        ``(n, 2)`` cell centres in metres.
    sites_xy : numpy.ndarray
        ``(m, 2)`` site positions in metres.
    detour : float or geo.analysis.metric.WalkMetric
        Detour factor, or the walking metric (with the river barrier).

    Returns
    -------
    walk_m : numpy.ndarray
        ``(n,)`` walking metres; ``inf`` if there is no (reachable) site.
    nearest : numpy.ndarray
        ``(n,)`` index of the nearest site; -1 if there is none.
    """
    return as_metric(detour).nearest(as_xy(cells_xy), as_xy(sites_xy))


def walk_bounds(
    cells_xy: np.ndarray, sites_xy: np.ndarray, radius_m: np.ndarray, detour: float | WalkMetric
) -> tuple[np.ndarray, np.ndarray]:
    """Best and worst case walking distance given each site's position uncertainty.

    A site stated as ``Lage ± r`` lies somewhere within ``r`` metres of its point, so the
    straight distance to it lies in ``[max(0, d − r), d + r]``. The bounds are the minimum
    of these over all sites.

    Parameters
    ----------
    cells_xy : numpy.ndarray
        ``(n, 2)`` cell centres.
    sites_xy : numpy.ndarray
        ``(m, 2)`` site points.
    radius_m : numpy.ndarray
        ``(m,)`` uncertainty radius per site (0 for exact positions).
    detour : float or geo.analysis.metric.WalkMetric
        Detour factor or walking metric (across the river: the route via a bridge, whose
        last leg shortens or lengthens by the radius, see :meth:`geo.analysis.metric.WalkMetric.bounds`).

    Returns
    -------
    lower, upper : numpy.ndarray
        ``(n,)`` walking metres; ``inf`` without sites.
    """
    metric = as_metric(detour)
    cells = as_xy(cells_xy)
    sites = as_xy(sites_xy)
    radius = np.nan_to_num(np.asarray(radius_m, dtype=float).reshape(-1), nan=0.0)
    if len(sites) == 0:
        inf = np.full(len(cells), np.inf)
        return inf, inf.copy()
    # Only the sites near each cell can attain the minima: sparse pairs, the same arithmetic
    # as the dense n × m matrix (and WalkMetric.bounds), so the figures stay identical.
    return sparse_bounds(cells, sites, radius, metric)


def gaussian_weight(walk_m: np.ndarray, catchment_m: float) -> np.ndarray:
    """Gaussian distance decay of the E2SFCA method, 1 at the site and 0 at the catchment edge.

    ``W(d) = (exp(−½ (d/d₀)²) − exp(−½)) / (1 − exp(−½))`` for ``d ≤ d₀``, else 0.

    Parameters
    ----------
    walk_m : numpy.ndarray
        Walking distances.
    catchment_m : float
        Catchment ``d₀``.

    Returns
    -------
    numpy.ndarray
        Weights in [0, 1].
    """
    d = np.asarray(walk_m, dtype=float)
    edge = np.exp(-0.5)
    w = (np.exp(-0.5 * (d / catchment_m) ** 2) - edge) / (1.0 - edge)
    return np.where(d <= catchment_m, w, 0.0)


def e2sfca(
    cells_xy: np.ndarray,
    demand: np.ndarray,
    sites_xy: np.ndarray,
    detour: float | WalkMetric,
    catchment_m: float,
    capacity: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Enhanced two-step floating catchment (E2SFCA) with Gaussian decay.

    Step 1: each site's ratio ``R_j = S_j / Σ_i P_i W(d_ij)`` over the cells in its catchment.
    Step 2: each cell's access ``A_i = Σ_j R_j W(d_ij)`` over the sites in its catchment.

    Parameters
    ----------
    cells_xy : numpy.ndarray
        ``(n, 2)`` cell centres.
    demand : numpy.ndarray
        ``(n,)`` people per cell (NaN counts as 0).
    sites_xy : numpy.ndarray
        ``(m, 2)`` sites.
    detour : float or geo.analysis.metric.WalkMetric
        Detour factor (walking = straight × detour) or walking metric (with the barrier).
    catchment_m : float
        Walking catchment ``d₀``.
    capacity : numpy.ndarray, optional
        ``(m,)`` supply per site ``S_j`` (default 1: one meeting place).

    Returns
    -------
    access : numpy.ndarray
        ``(n,)`` sites per person (multiply by 1000 for "per 1,000 people").
    site_ratio : numpy.ndarray
        ``(m,)`` ``R_j`` (NaN for a site with nobody in its catchment).
    """
    cells = as_xy(cells_xy)
    sites = as_xy(sites_xy)
    pop = np.nan_to_num(np.asarray(demand, dtype=float), nan=0.0)
    if len(sites) == 0:
        return np.zeros(len(cells)), np.zeros(0)
    supply = np.ones(len(sites)) if capacity is None else np.asarray(capacity, dtype=float)
    # Sparse pairs within the catchment: the only ones with a non-zero weight.
    site_idx, cell_idx, walk_m = as_metric(detour).pairs_within(sites, cells, catchment_m)
    weight = gaussian_weight(walk_m, catchment_m)
    weighted_pop = np.bincount(site_idx, weights=pop[cell_idx] * weight, minlength=len(sites))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(weighted_pop > 0, supply / weighted_pop, np.nan)
    contrib = np.nan_to_num(ratio[site_idx]) * weight
    access = np.bincount(cell_idx, weights=contrib, minlength=len(cells))
    return access, ratio


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """Median of ``values`` where each value counts ``weights`` times.

    Parameters
    ----------
    values, weights : numpy.ndarray
        Same length; NaN weights and values are ignored.

    Returns
    -------
    float
        NaN if the total weight is 0.
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = ~(np.isnan(v) | np.isnan(w)) & (w > 0)
    v, w = v[keep], w[keep]
    if len(v) == 0:
        return float("nan")
    order = np.argsort(v, kind="stable")
    v, cum = v[order], np.cumsum(w[order])
    return float(v[np.searchsorted(cum, cum[-1] / 2.0)])


def grouped_weighted_median(
    codes: np.ndarray, values: np.ndarray, weights: np.ndarray, n_groups: int
) -> np.ndarray:
    """:func:`weighted_median` for every group at once (vectorised).

    Parameters
    ----------
    codes : numpy.ndarray
        Group number per value, ``0 .. n_groups − 1``.
    values, weights : numpy.ndarray
        Same length as ``codes``; NaN values or weights and weights ≤ 0 are ignored.
    n_groups : int
        Number of groups.

    Returns
    -------
    numpy.ndarray
        ``(n_groups,)`` medians; NaN for groups without weight.
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    c = np.asarray(codes)
    keep = ~(np.isnan(v) | np.isnan(w)) & (w > 0)
    v, w, c = v[keep], w[keep], c[keep]
    order = np.lexsort((v, c))
    v, w, c = v[order], w[order], c[order]
    totals = np.bincount(c, weights=w, minlength=n_groups)
    # Cumulative weight within each group (per-group sums, no cancellation across groups).
    cum = pd.Series(w).groupby(c).cumsum().to_numpy()
    # First position in each group where half of its weight is reached.
    reached = cum >= totals[c] / 2.0
    first = np.full(n_groups, -1)
    hits = np.flatnonzero(reached)
    groups_hit = c[hits]
    # hits are sorted, so the first occurrence per group is its median position.
    unique, idx = np.unique(groups_hit, return_index=True)
    first[unique] = hits[idx]
    out = np.full(n_groups, np.nan)
    ok = first >= 0
    out[ok] = v[first[ok]]
    return out
