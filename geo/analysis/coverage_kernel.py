"""Coverage of a target group by walking access, per cell and per area.

Core functions work on plain arrays and DataFrames; :mod:`geo.analysis.access_adapter` assembles them
from the data package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.analysis.access_kernel import (
    WalkParams,
    e2sfca,
    grouped_weighted_median,
    nearest_walk,
    walk_bounds,
)
from geo.analysis.metric import kdtree_lengths, straight_lengths

#: Per-area coverage columns (German names, as in CLI output and UI tables).
COVERAGE_COLUMNS = [
    "zielgruppe",  # official count of the target group
    "verortet",  # of which placed on populated grid cells
    "versorgt",  # placed people within the walking threshold
    "unversorgt",  # placed people beyond it
    "anteil_versorgt",  # versorgt / verortet in percent
    "versorgt_min",  # versorgt if every approximate site lies as far away as stated possible
    "versorgt_max",  # ... as close as possible
    "median_gehweg_m",  # demand-weighted median walking distance to the nearest site
    "median_gehzeit_min",
    "einrichtungen",  # counted sites in the area
    "je_einrichtung",  # target group per site (inf without a site)
    "e2sfca_je_1000",  # E2SFCA: sites per 1,000 people, demand-weighted mean of the cells
]


def cell_access(
    cells_xy: np.ndarray,
    demand: np.ndarray,
    sites_xy: np.ndarray,
    site_radius_m: np.ndarray,
    params: WalkParams,
) -> pd.DataFrame:
    """Walking access of every cell.

    Parameters
    ----------
    cells_xy : numpy.ndarray
        ``(n, 2)`` cell centres (EPSG:25832).
    demand : numpy.ndarray
        ``(n,)`` people of the target group per cell.
    sites_xy : numpy.ndarray
        ``(m, 2)`` located sites.
    site_radius_m : numpy.ndarray
        ``(m,)`` position uncertainty per site.
    params : WalkParams
        Threshold, detour, pace, catchment.

    Returns
    -------
    pandas.DataFrame
        ``gehweg_m`` (to the nearest site), ``gehzeit_min``, ``gehweg_min_m`` and
        ``gehweg_max_m`` (bounds from position uncertainty), ``naechste`` (index of the
        nearest site, -1 if none), ``versorgt`` (bool), ``e2sfca`` (sites per person).
    """
    metric = params.metric
    walk, nearest = nearest_walk(cells_xy, sites_xy, metric)
    lower, upper = walk_bounds(cells_xy, sites_xy, site_radius_m, metric)
    access, _ = e2sfca(cells_xy, demand, sites_xy, metric, params.catchment_m)
    return pd.DataFrame(
        {
            "gehweg_m": walk,
            "gehzeit_min": params.minutes(walk),
            "gehweg_min_m": lower,
            "gehweg_max_m": upper,
            "naechste": nearest,
            "versorgt": walk <= params.max_walk_m,
            "e2sfca": access,
        }
    )


def add_exact_sites(
    cells_xy: np.ndarray,
    demand: np.ndarray,
    access: pd.DataFrame,
    n_sites: int,
    new_xy: np.ndarray,
    params: WalkParams,
) -> pd.DataFrame:
    """:func:`cell_access` after adding sites with exact positions, from the access before.

    A new site changes a cell's nearest distance and bounds only where it is closer than
    every old site, and adds its own E2SFCA term (a site's ratio depends only on the demand
    around it, never on the other sites). So instead of measuring every cell against every
    site again, only the distances to the new sites are computed. The result equals
    ``cell_access(cells_xy, demand, old_sites + new_xy, radii + [0, …], params)``: distances
    and bounds exactly (the same arithmetic), E2SFCA up to floating-point summation order.

    Parameters
    ----------
    cells_xy : numpy.ndarray
        ``(n, 2)`` cell centres.
    demand : numpy.ndarray
        ``(n,)`` people per cell.
    access : pandas.DataFrame
        :func:`cell_access` of the same cells with the old sites.
    n_sites : int
        Number of old sites (the new ones get the indices ``n_sites …``).
    new_xy : numpy.ndarray
        ``(k, 2)`` new sites (uncertainty radius 0).
    params : WalkParams
        The assumptions ``access`` was computed with.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`cell_access` (a new frame).
    """
    new = np.asarray(new_xy, dtype=float).reshape(-1, 2)
    out = access.copy()
    if len(new) == 0:
        return out
    cells = np.asarray(cells_xy, dtype=float).reshape(-1, 2)
    metric = params.metric
    if params.barrier is None:
        # cKDTree's arithmetic for the nearest new site, so ties with the old sites are exact;
        # bounds as in walk_bounds (radius 0: lower = upper = the straight distance).
        straight = kdtree_lengths(cells, new)
        exact = metric.walk(straight_lengths(cells, new).min(axis=1))
    else:
        # Route lengths via the bridges; bounds of an exact site equal its walking distance.
        straight = metric.lengths(cells, new)
        exact = metric.walk(straight.min(axis=1))
    nearest_new = straight.argmin(axis=1)
    walk_new = metric.walk(straight[np.arange(len(cells)), nearest_new])
    walk = out["gehweg_m"].to_numpy()
    # Ties keep the old site (the KD-tree over all sites would return either).
    closer = walk_new < walk
    walk = np.where(closer, walk_new, walk)
    out["gehweg_m"] = walk
    out["gehzeit_min"] = params.minutes(walk)
    out["naechste"] = np.where(closer, n_sites + nearest_new, out["naechste"].to_numpy())
    out["versorgt"] = walk <= params.max_walk_m
    out["gehweg_min_m"] = np.minimum(out["gehweg_min_m"].to_numpy(), exact)
    out["gehweg_max_m"] = np.minimum(out["gehweg_max_m"].to_numpy(), exact)
    extra, _ = e2sfca(cells, demand, new, metric, params.catchment_m)
    out["e2sfca"] = out["e2sfca"].to_numpy() + extra
    return out


def coverage_by_area(
    cells: pd.DataFrame,
    params: WalkParams,
    official: pd.Series,
    sites_per_area: pd.Series,
    area_column: str = "stadtteil_nr",
) -> pd.DataFrame:
    """Aggregate cell access to areas.

    Parameters
    ----------
    cells : pandas.DataFrame
        One row per cell with ``area_column``, ``nachfrage`` (people) and the columns of
        :func:`cell_access`.
    params : WalkParams
        The threshold used for the bounds.
    official : pandas.Series
        Official target-group count per area (the index defines the areas).
    sites_per_area : pandas.Series
        Counted sites per area.
    area_column : str
        Column with the area id.

    Returns
    -------
    pandas.DataFrame
        :data:`COVERAGE_COLUMNS` per area. Counts are NaN where the official count is
        not published; shares are NaN where nobody is placed.
    """
    # Plain arrays, one DataFrame at the end: the simulation aggregates on every click.
    people = np.nan_to_num(cells["nachfrage"].to_numpy(dtype=float), nan=0.0)
    index = official.index.rename(area_column)
    # Area number per cell; cells of areas not in ``official`` get -1 and are skipped.
    codes = index.get_indexer(cells[area_column].to_numpy())
    inside = codes >= 0
    codes, people = codes[inside], people[inside]
    n = len(index)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=n)

    within = cells["versorgt"].to_numpy(dtype=bool)[inside]
    best = cells["gehweg_min_m"].to_numpy(dtype=float)[inside] <= params.max_walk_m
    worst = cells["gehweg_max_m"].to_numpy(dtype=float)[inside] <= params.max_walk_m
    target = official.to_numpy(dtype=float, na_value=np.nan)
    published = ~np.isnan(target)

    def counted(values: np.ndarray) -> np.ndarray:
        return np.where(published, values, np.nan)

    placed_people = counted(total(people))
    covered = counted(total(people * within))
    placed = placed_people > 0  # False for NaN
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(placed, covered / placed_people * 100, np.nan)
        medians = grouped_weighted_median(
            codes, cells["gehweg_m"].to_numpy(dtype=float)[inside], people, n
        )
        median = np.where(placed, medians, np.nan)
        e2sfca_sum = total(people * cells["e2sfca"].to_numpy(dtype=float)[inside])
        sites = sites_per_area.reindex(index).fillna(0).to_numpy(dtype=float)
        per_site = np.where(sites > 0, target / sites, np.inf)
        per_site = np.where(target > 0, per_site, np.nan)
        e2sfca_1000 = np.where(placed, e2sfca_sum / placed_people * 1000, np.nan)
    columns = {
        "zielgruppe": target,
        "verortet": placed_people,
        "versorgt": covered,
        "unversorgt": placed_people - covered,
        "anteil_versorgt": share,
        "versorgt_min": counted(total(people * worst)),
        "versorgt_max": counted(total(people * best)),
        "median_gehweg_m": median,
        "median_gehzeit_min": params.minutes(median),
        "einrichtungen": sites,
        "je_einrichtung": per_site,
        "e2sfca_je_1000": e2sfca_1000,
    }
    return pd.DataFrame({c: columns[c] for c in COVERAGE_COLUMNS}, index=index)
