"""Indicator tables per Stadtteil, region or for the whole city.

The pipeline has two steps so that aggregation stays exact:

1. :func:`base_frame` picks the year's *summable* raw counts per Stadtteil (plus helper
   sums such as ``alter_summe`` for a weighted mean age);
2. :func:`compute_indicators` applies every registered indicator to such a frame.

Aggregating to regions or the city (:func:`aggregate_indicators`) sums numerators and
denominators, so a region's share of 65+ is its seniors over its residents, never a mean
of shares. Suppressed values stay missing and are left out of both sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.facilities import SENIOR_MEETING, count_by_stadtteil, select_meeting_places
from geo.io.package import DataPackage
from indicators.registry import INDICATORS

#: Columns of a base frame (all summable).
BASE_COLUMNS = [
    "einwohner",
    "alter_0_6",
    "alter_7_17",
    "alter_18_44",
    "alter_45_64",
    "alter_65plus",
    "haushalte",
    "haushalte_1p",
    "flaeche_ha",
    "alter_summe",
    "einwohner_mit_alter",
    "einwohner_basisjahr",
    "wohngeld_haushalte",
    "haushalte_wohngeldjahr",
    "begegnungsstaetten",
]
#: Name of the city row in aggregated tables.
CITY_NAME = "Magdeburg gesamt"


def base_year(statistik: pd.DataFrame) -> int:
    """Earliest year with published resident counts (reference for population change).

    Parameters
    ----------
    statistik : pandas.DataFrame
        Long statistics table.

    Returns
    -------
    int
    """
    years = statistik.loc[statistik["einwohner"].notna(), "jahr"]
    if years.empty:
        raise ValueError("Die Statistik enthält keine Einwohnerzahlen (Spalte einwohner).")
    return int(years.min())


def wohngeld_year(statistik: pd.DataFrame, year: int) -> int | None:
    """Latest year up to ``year`` with published Wohngeld and household counts.

    Parameters
    ----------
    statistik : pandas.DataFrame
        Long statistics table.
    year : int
        Selected year.

    Returns
    -------
    int or None
        None if no such year exists.
    """
    ok = statistik.groupby("jahr").apply(
        lambda g: g["wohngeld_haushalte"].notna().any() and g["haushalte"].notna().any(),
        include_groups=False,
    )
    years = [int(y) for y in ok[ok].index if y <= year]
    return max(years) if years else None


def base_frame(statistik: pd.DataFrame, year: int, meeting_places: pd.Series) -> pd.DataFrame:
    """Summable raw counts per Stadtteil for one year.

    Parameters
    ----------
    statistik : pandas.DataFrame
        Long statistics table (see :func:`geo.io.package.read_statistik`).
    year : int
        Year of the statistics (31 Dec).
    meeting_places : pandas.Series
        Number of open meeting places per ``stadtteil_nr``.

    Returns
    -------
    pandas.DataFrame
        Index ``stadtteil_nr``; column ``stadtteil`` and :data:`BASE_COLUMNS`.
        ``attrs`` holds ``jahr``, ``basisjahr`` and ``wohngeld_jahr``.

    Raises
    ------
    ValueError
        If the year is not in the statistics.
    """
    if year not in set(statistik["jahr"]):
        years = sorted(set(statistik["jahr"]))
        raise ValueError(
            f"Für das Jahr {year} gibt es keine Statistik. Verfügbar: {years[0]}–{years[-1]}."
        )
    by_year = statistik.set_index(["jahr", "stadtteil_nr"])
    current = by_year.loc[year]
    base = current[["stadtteil", *BASE_COLUMNS[:9]]].copy()
    has_age = current["durchschnittsalter"].notna() & current["einwohner"].notna()
    base["alter_summe"] = (current["durchschnittsalter"] * current["einwohner"]).where(has_age)
    base["einwohner_mit_alter"] = current["einwohner"].where(has_age)

    first = base_year(statistik)
    base["einwohner_basisjahr"] = by_year.loc[first, "einwohner"].reindex(base.index)

    wg_year = wohngeld_year(statistik, year)
    if wg_year is None:
        base["wohngeld_haushalte"] = np.nan
        base["haushalte_wohngeldjahr"] = np.nan
    else:
        wg = by_year.loc[wg_year].reindex(base.index)
        base["wohngeld_haushalte"] = wg["wohngeld_haushalte"]
        base["haushalte_wohngeldjahr"] = wg["haushalte"]

    base["begegnungsstaetten"] = meeting_places.reindex(base.index).fillna(0).astype(float)
    base.index.name = "stadtteil_nr"
    base.attrs = {"jahr": year, "basisjahr": first, "wohngeld_jahr": wg_year}
    return base


def compute_indicators(base: pd.DataFrame) -> pd.DataFrame:
    """Apply every registered indicator to a base frame.

    Parameters
    ----------
    base : pandas.DataFrame
        Output of :func:`base_frame` or :func:`aggregate_base`.

    Returns
    -------
    pandas.DataFrame
        Same index, column ``stadtteil`` (area name) and one column per indicator id.
        Missing inputs give NaN; ``senioren_je_begegnungsstaette`` is ``inf`` where an
        area has seniors but no meeting place.
    """
    out = pd.DataFrame(index=base.index)
    out["stadtteil"] = base["stadtteil"]
    for ind in INDICATORS.values():
        out[ind.id] = ind.compute(base)
    out.attrs = dict(base.attrs)
    return out


def aggregate_indicators(
    base: pd.DataFrame, groups: pd.Series, names: pd.Series | None = None
) -> pd.DataFrame:
    """Indicators for larger areas (regions, the city) from a Stadtteil base frame.

    Each indicator sums its numerator and denominator over the member Stadtteile where the
    indicator itself is defined, so a suppressed value in one Stadtteil never biases a
    ratio: the region's share of 65+ is over the Stadtteile with both counts published.

    Parameters
    ----------
    base : pandas.DataFrame
        Output of :func:`base_frame`.
    groups : pandas.Series
        Area id per ``stadtteil_nr``; Stadtteile missing from it are left out.
    names : pandas.Series, optional
        Area name per area id (defaults to the id).

    Returns
    -------
    pandas.DataFrame
        Index area id; ``stadtteil`` (area name) plus one column per indicator id.
    """
    members = base.join(groups.rename("_area"), how="inner")
    per_stadtteil = compute_indicators(members)
    areas = pd.Index(sorted(members["_area"].unique()), name=base.index.name)
    out = pd.DataFrame(index=areas)
    out["stadtteil"] = names.reindex(areas).to_numpy() if names is not None else areas
    for ind in INDICATORS.values():
        defined = members[per_stadtteil[ind.id].notna()]
        sums = defined.groupby("_area")[list(ind.inputs)].sum(min_count=1)
        out[ind.id] = ind.compute(sums).reindex(areas)
    out.attrs = dict(base.attrs)
    return out


def city_row(base: pd.DataFrame) -> pd.DataFrame:
    """Indicators for the whole city from a Stadtteil base frame.

    Parameters
    ----------
    base : pandas.DataFrame
        Output of :func:`base_frame`.

    Returns
    -------
    pandas.DataFrame
        One row indexed ``"gesamt"`` named :data:`CITY_NAME`.
    """
    groups = pd.Series("gesamt", index=base.index)
    return aggregate_indicators(base, groups, pd.Series({"gesamt": CITY_NAME}))


def meeting_place_counts(
    package: DataPackage, categories: tuple[str, ...] = SENIOR_MEETING
) -> pd.Series:
    """Open meeting places per Stadtteil of a data package.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        Loaded data package.
    categories : tuple of str
        Facility categories that count.

    Returns
    -------
    pandas.Series
        Counts indexed by ``stadtteil_nr``.
    """
    places = select_meeting_places(package.einrichtungen, categories)
    return count_by_stadtteil(places, package.stadtteile.index)


def indicator_table(package: DataPackage, year: int) -> pd.DataFrame:
    """All indicators per Stadtteil for one year (adapter over the package).

    Parameters
    ----------
    package : geo.io.package.DataPackage
        Loaded data package.
    year : int
        Year of the statistics.

    Returns
    -------
    pandas.DataFrame
        Index ``stadtteil_nr``; ``stadtteil`` plus one column per indicator id.
    """
    base = base_frame(package.statistik, year, meeting_place_counts(package))
    return compute_indicators(base)


def indicator_history(package: DataPackage, indicator_id: str) -> pd.DataFrame:
    """One indicator for every selectable year, per Stadtteil and for the city.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        Loaded data package.
    indicator_id : str
        Registry id.

    Returns
    -------
    pandas.DataFrame
        Long table with ``jahr``, ``stadtteil_nr``, ``stadtteil`` and ``wert``; the city
        rows have ``stadtteil_nr == "gesamt"``.
    """
    counts = meeting_place_counts(package)
    frames = []
    for year in package.years:
        base = base_frame(package.statistik, year, counts)
        table = pd.concat([compute_indicators(base), city_row(base)])
        frames.append(
            pd.DataFrame(
                {
                    "jahr": year,
                    "stadtteil_nr": table.index,
                    "stadtteil": table["stadtteil"].to_numpy(),
                    "wert": table[indicator_id].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
