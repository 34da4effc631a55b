"""Stadtteil profile: every indicator of one Stadtteil next to the city value and its rank."""

from __future__ import annotations

import numpy as np
import pandas as pd

from indicators.format import format_value
from indicators.registry import INDICATORS

AGE_GROUPS = {
    "alter_0_6": "0–6",
    "alter_7_17": "7–17",
    "alter_18_44": "18–44",
    "alter_45_64": "45–64",
    "alter_65plus": "65+",
}


def rank_descending(values: pd.Series) -> pd.Series:
    """Rank with 1 for the highest value; missing values get no rank.

    Parameters
    ----------
    values : pandas.Series
        Values per area (``inf`` ranks first).

    Returns
    -------
    pandas.Series
        Nullable integer ranks (ties share the best rank).
    """
    return values.rank(ascending=False, method="min", na_option="keep").astype("Int64")


def profile_table(table: pd.DataFrame, city: pd.Series, stadtteil_nr: str) -> pd.DataFrame:
    """All indicators of one Stadtteil, formatted, with the city value and the rank.

    Parameters
    ----------
    table : pandas.DataFrame
        Indicator table per Stadtteil.
    city : pandas.Series
        Indicator values for the whole city.
    stadtteil_nr : str
        The Stadtteil.

    Returns
    -------
    pandas.DataFrame
        Columns ``Indikator``, ``Stadtteil``, ``Magdeburg``, ``Rang`` (German text).

    Raises
    ------
    ValueError
        If the Stadtteil is not in the table.
    """
    if stadtteil_nr not in table.index:
        raise ValueError(f"Stadtteil {stadtteil_nr!r} ist nicht in der Indikatortabelle.")
    ranked = table.notna().sum()
    rows = []
    for ind in INDICATORS.values():
        value = table.at[stadtteil_nr, ind.id]
        rank = rank_descending(table[ind.id])[stadtteil_nr]
        rows.append(
            {
                "Indikator": ind.label_with_unit,
                "Stadtteil": format_value(ind, value, with_unit=False),
                "Magdeburg": format_value(ind, city[ind.id], with_unit=False),
                "Rang": "–" if pd.isna(rank) else f"{rank} von {ranked[ind.id]}",
            }
        )
    return pd.DataFrame(rows)


def age_structure(statistik: pd.DataFrame, year: int, stadtteil_nr: str) -> pd.DataFrame:
    """Age groups of one Stadtteil and of the city as shares of all residents.

    Parameters
    ----------
    statistik : pandas.DataFrame
        Long statistics table.
    year : int
        Year.
    stadtteil_nr : str
        The Stadtteil.

    Returns
    -------
    pandas.DataFrame
        Long table with ``gebiet``, ``altersgruppe``, ``anzahl`` and ``anteil`` (percent of
        all residents; NaN where suppressed).
    """
    rows = statistik[statistik["jahr"] == year].set_index("stadtteil_nr")
    if stadtteil_nr not in rows.index:
        raise ValueError(f"Keine Statistik für Stadtteil {stadtteil_nr!r} im Jahr {year}.")
    groups = list(AGE_GROUPS)
    areas = {
        str(rows.at[stadtteil_nr, "stadtteil"]): rows.loc[stadtteil_nr, [*groups, "einwohner"]],
        "Magdeburg gesamt": rows[[*groups, "einwohner"]].sum(min_count=1),
    }
    out = []
    for name, counts in areas.items():
        residents = float(counts["einwohner"])
        for column, label in AGE_GROUPS.items():
            count = float(counts[column])
            share = count / residents * 100 if residents > 0 else np.nan
            out.append({"gebiet": name, "altersgruppe": label, "anzahl": count, "anteil": share})
    return pd.DataFrame(out)
