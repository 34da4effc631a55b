"""Target groups and the demand grid: estimated people of a target group per 100 m cell.

The Zensus 2022 grid has no age breakdown. For a target group (default: residents 65+) the
estimate for a populated cell is

    cell residents × (official target count of its Stadtteil / Zensus residents of its
    Stadtteil's cells),

i.e. the cell's population times the Stadtteil's share of the target group, scaled so that
the cells of every Stadtteil add up exactly to the Stadtteil's official count for the
chosen year. Cells belong to the Stadtteil containing their centre.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class TargetGroup:
    """A group of residents and the facilities that serve it.

    Attributes
    ----------
    id : str
        Identifier (CLI ``--target``, URL).
    label : str
        German label.
    column : str
        Count column of the statistics.
    categories : tuple of str
        Facility categories counted by default.
    prefix : str
        Prefix of output columns (``senioren`` -> ``senioren_versorgt``).
    count_name : str
        Name of the group's count column in outputs (``senioren_65plus``).
    noun : str
        German plural as used after "der"/"die" in sentences ("Älteren (65+)").
    """

    id: str
    label: str
    column: str
    categories: tuple[str, ...]
    prefix: str
    count_name: str
    noun: str


TARGET_GROUPS: dict[str, TargetGroup] = {
    group.id: group
    for group in [
        TargetGroup(
            "senioren",
            "Ältere Menschen (65+)",
            "alter_65plus",
            ("senioren_begegnung",),
            "senioren",
            "senioren_65plus",
            "Älteren (65+)",
        ),
        TargetGroup(
            "kinder",
            "Kinder (0–6)",
            "alter_0_6",
            ("kinder_jugend",),
            "kinder",
            "kinder_0_6",
            "Kinder (0–6)",
        ),
        TargetGroup(
            "jugendliche",
            "Junge Menschen (7–17)",
            "alter_7_17",
            ("kinder_jugend",),
            "jugendliche",
            "jugendliche_7_17",
            "jungen Menschen (7–17)",
        ),
        TargetGroup(
            "alle",
            "Alle Einwohner",
            "einwohner",
            ("generationen",),
            "einwohner",
            "einwohner",
            "Einwohner",
        ),
    ]
}


def get_target_group(target_id: str) -> TargetGroup:
    """Look up a target group.

    Parameters
    ----------
    target_id : str
        Key of :data:`TARGET_GROUPS`.

    Returns
    -------
    TargetGroup

    Raises
    ------
    ValueError
        For an unknown id (the message lists the valid ones).
    """
    try:
        return TARGET_GROUPS[target_id]
    except KeyError:
        raise ValueError(
            f"Unbekannte Zielgruppe {target_id!r}. Gültig sind: {', '.join(TARGET_GROUPS)}."
        ) from None


def allocate(
    cell_population: np.ndarray, cell_area: np.ndarray, area_totals: pd.Series
) -> np.ndarray:
    """Distribute official area totals over cells in proportion to cell population.

    Parameters
    ----------
    cell_population : numpy.ndarray
        Residents per cell (Zensus).
    cell_area : numpy.ndarray
        Area id (``stadtteil_nr``) per cell.
    area_totals : pandas.Series
        Official count per area id; NaN where not published.

    Returns
    -------
    numpy.ndarray
        Estimated count per cell. NaN where the area's total is missing; 0 where the
        area's cells have no residents (nothing to distribute onto).
    """
    pop = np.asarray(cell_population, dtype=float)
    areas = pd.Series(np.asarray(cell_area))
    area_pop = pd.Series(pop).groupby(areas).transform("sum").to_numpy()
    totals = areas.map(area_totals).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(area_pop > 0, pop / area_pop, 0.0)
    return totals * share


def demand_grid(
    zensus: gpd.GeoDataFrame, statistik: pd.DataFrame, year: int, target: TargetGroup
) -> gpd.GeoDataFrame:
    """Estimated members of the target group per populated 100 m cell.

    Parameters
    ----------
    zensus : geopandas.GeoDataFrame
        Cell centres with ``einwohner`` and ``stadtteil_nr`` (see
        :func:`geo.io.readers.read_zensus`).
    statistik : pandas.DataFrame
        Long statistics table.
    year : int
        Year of the official counts.
    target : TargetGroup
        Whose count is distributed.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``zensus`` with ``nachfrage`` (estimated people; NaN where the Stadtteil's
        count is not published).

    Raises
    ------
    ValueError
        If the year has no statistics.
    """
    rows = statistik[statistik["jahr"] == year]
    if rows.empty:
        raise ValueError(f"Für das Jahr {year} gibt es keine Statistik.")
    totals = rows.set_index("stadtteil_nr")[target.column]
    out = zensus.copy()
    out["nachfrage"] = allocate(out["einwohner"].to_numpy(), out["stadtteil_nr"].to_numpy(), totals)
    return out


def unplaced(
    demand: pd.DataFrame, statistik: pd.DataFrame, year: int, target: TargetGroup
) -> pd.Series:
    """Official counts that cannot be placed on the grid (Stadtteile without populated cells).

    Parameters
    ----------
    demand : pandas.DataFrame
        Output of :func:`demand_grid`.
    statistik : pandas.DataFrame
        Long statistics table.
    year : int
        Year.
    target : TargetGroup
        Target group.

    Returns
    -------
    pandas.Series
        Count per ``stadtteil_nr`` for Stadtteile with a positive count but no resident
        on the grid (empty if every count could be placed).
    """
    totals = statistik[statistik["jahr"] == year].set_index("stadtteil_nr")[target.column]
    grid_pop = demand.groupby("stadtteil_nr")["einwohner"].sum()
    has_pop = grid_pop.reindex(totals.index).fillna(0) > 0
    return totals[(totals > 0) & ~has_pop]


def unpublished_ceiling(
    statistik: pd.DataFrame, year: int, target: TargetGroup, stadtteile: list[str]
) -> float | None:
    """At most how many of the target group live in Stadtteile whose count is unpublished.

    The age groups add up to the residents, so a suppressed group is at most the residents
    minus the published groups. This bounds the gap between the city's own total and the
    sum over the Stadtteile.

    Parameters
    ----------
    statistik : pandas.DataFrame
        Long statistics table.
    year : int
        Year.
    target : TargetGroup
        Target group (an age group; otherwise None is returned).
    stadtteile : list of str
        The Stadtteile with an unpublished count.

    Returns
    -------
    float or None
        The ceiling (0 when the list is empty); None when it cannot be bounded (not an age
        group, or residents unpublished too).
    """
    from geo.io.plausibility import AGE_GROUPS  # the groups that add up to the residents

    if target.column not in AGE_GROUPS:
        return None
    rows = statistik[(statistik["jahr"] == year) & statistik["stadtteil_nr"].isin(stadtteile)]
    if rows["einwohner"].isna().any():
        return None
    others = rows[[c for c in AGE_GROUPS if c != target.column]].fillna(0).sum(axis=1)
    return float((rows["einwohner"] - others).clip(lower=0).sum())
