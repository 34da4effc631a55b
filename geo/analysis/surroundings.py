"""The surroundings ("Umfeld") of every counted meeting place, from the 100 m grid.

For each place: the people by age group within its walking catchment, how many people of
the target group have it as their nearest counted place, and which other places reach the
same people (candidates for cooperation or merging). Estimated as documented in the README:
the Zensus 2022 residents of a cell × the age shares of its Stadtteil in the year (the grid
has no age breakdown); walking = straight line × detour factor, via a crossing across the
Elbe; positions as in the list (``Lage ± r m``), so the figures inherit their uncertainty.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def surroundings_kernel(
    walk_m: np.ndarray,
    people: np.ndarray,
    demand: np.ndarray,
    nearest: np.ndarray,
    max_walk_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per place: people within reach, nearest-place counts and shared reach.

    Parameters
    ----------
    walk_m : numpy.ndarray
        ``(n, m)`` walking metres from each of ``n`` cells to each of ``m`` places.
    people : numpy.ndarray
        ``(n, g)`` people per cell and age group (NaN where not published).
    demand : numpy.ndarray
        ``(n,)`` people of the target group per cell (NaN: not published, left out).
    nearest : numpy.ndarray
        ``(n,)`` index of each cell's nearest place (-1: none).
    max_walk_m : float
        Walking threshold.

    Returns
    -------
    tuple of numpy.ndarray
        ``within`` ``(m, g)`` people per age group within reach (NaN cells left out),
        ``target_within`` ``(m,)``, ``nearest_for`` ``(m,)`` target people whose nearest
        place it is (any distance), ``shared`` ``(m, m)`` target people within reach of both.
    """
    reach = walk_m <= max_walk_m
    demand = np.nan_to_num(demand)  # cells of a Stadtteil whose count is not published
    within = reach.T.astype(float) @ np.nan_to_num(people)
    target_within = reach.T.astype(float) @ demand
    m = walk_m.shape[1]
    nearest_for = np.bincount(nearest[nearest >= 0], weights=demand[nearest >= 0], minlength=m)
    weighted = reach * demand[:, None]
    shared = reach.T.astype(float) @ weighted
    np.fill_diagonal(shared, 0.0)
    return within, target_within, nearest_for, shared


def cell_age_people(
    cells: pd.DataFrame, statistik: pd.DataFrame, year: int, columns: list[str]
) -> np.ndarray:
    """People per cell and age group: cell residents × the Stadtteil's age shares.

    Parameters
    ----------
    cells : pandas.DataFrame
        ``einwohner`` and ``stadtteil_nr`` per cell.
    statistik : pandas.DataFrame
        Long statistics.
    year : int
        Year of the age shares.
    columns : list of str
        Age columns (e.g. ``alter_65plus``).

    Returns
    -------
    numpy.ndarray
        ``(n, len(columns))``; NaN where the Stadtteil's group is not published.
    """
    current = statistik[statistik["jahr"] == year].set_index("stadtteil_nr")
    shares = current[columns].div(current["einwohner"], axis=0)
    per_cell = shares.reindex(cells["stadtteil_nr"]).to_numpy(dtype=float)
    return per_cell * cells["einwohner"].to_numpy(dtype=float)[:, None]
