"""Coverage of a target group by walking access, per cell and per area.

Core functions work on plain arrays and DataFrames; :mod:`geo.access_adapter` assembles them
from the data package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.access_kernel import WalkParams, e2sfca, grouped_weighted_median, nearest_walk, walk_bounds

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
    walk, nearest = nearest_walk(cells_xy, sites_xy, params.detour)
    lower, upper = walk_bounds(cells_xy, sites_xy, site_radius_m, params.detour)
    access, _ = e2sfca(cells_xy, demand, sites_xy, params.detour, params.catchment_m)
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
    people = cells["nachfrage"].fillna(0.0).to_numpy()
    index = official.index.rename(area_column)
    # Area number per cell; cells of areas not in ``official`` get -1 and are skipped.
    codes = index.get_indexer(cells[area_column].to_numpy())
    inside = codes >= 0
    codes, people = codes[inside], people[inside]
    n = len(index)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=n)

    within = cells["versorgt"].to_numpy()[inside]
    best = cells["gehweg_min_m"].to_numpy()[inside] <= params.max_walk_m
    worst = cells["gehweg_max_m"].to_numpy()[inside] <= params.max_walk_m
    out = pd.DataFrame(index=index)
    out["zielgruppe"] = official.astype(float).to_numpy()
    published = out["zielgruppe"].notna()
    out["verortet"] = total(people)
    out["versorgt"] = total(people * within)
    out["versorgt_min"] = total(people * worst)
    out["versorgt_max"] = total(people * best)
    for column in ["verortet", "versorgt", "versorgt_min", "versorgt_max"]:
        out[column] = out[column].where(published)
    out["unversorgt"] = out["verortet"] - out["versorgt"]
    placed = out["verortet"] > 0
    out["anteil_versorgt"] = (out["versorgt"] / out["verortet"] * 100).where(placed)
    medians = grouped_weighted_median(codes, cells["gehweg_m"].to_numpy()[inside], people, n)
    out["median_gehweg_m"] = pd.Series(medians, index=index).where(placed)
    out["median_gehzeit_min"] = params.minutes(out["median_gehweg_m"].to_numpy())
    e2sfca_sum = total(people * cells["e2sfca"].to_numpy()[inside])
    out["einrichtungen"] = sites_per_area.reindex(out.index).fillna(0).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_site = out["zielgruppe"] / out["einrichtungen"]
    out["je_einrichtung"] = per_site.where(out["einrichtungen"] > 0, np.inf).where(
        out["zielgruppe"] > 0
    )
    out["e2sfca_je_1000"] = (e2sfca_sum / out["verortet"] * 1000).where(placed)
    return out[COVERAGE_COLUMNS]
