"""Facility categories and which facilities count as open meeting places."""

from __future__ import annotations

import re
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

#: ``kategorie`` codes of the data package with their German labels.
CATEGORIES: dict[str, str] = {
    "senioren_begegnung": "Seniorenbegegnung (ASZ, Offener Treff, Begegnungsstätte, Bürgerhaus)",
    "generationen": "Generationenübergreifend (Mehrgenerationenhaus, Nachbarschafts-/Stadtteiltreff)",
    "kinder_jugend": "Kinder und Jugend",
    "pflege": "Pflege (Heim, Tagespflege)",
}
#: ``oeffentlich`` codes.
OEFFENTLICH: dict[str, str] = {
    "ja": "offen für alle",
    "eingeschraenkt": "eingeschränkt (v. a. für Bewohner eines Hauses)",
    "nein": "nicht öffentlich",
}
#: ``in_betrieb`` codes.
IN_BETRIEB: dict[str, str] = {
    "ja": "in Betrieb",
    "nein": "geschlossen oder schließt",
    "unklar": "unklar (keine aktuelle Quelle)",
}
#: ``lage_methode`` codes: how the approximate position was derived.
LAGE_METHODE: dict[str, str] = {
    "quelle_koordinate": "Koordinate aus der Quelle",
    "hausnummer_anker": "Hausnummer an Nachbaradresse verankert",
    "hausnummer_interpolation": "Hausnummer interpoliert",
    "haltestelle": "nächste Haltestelle",
    "strassenlinie": "Mitte der Straße",
    "amt_gesetzt": "vom Amt gesetzt",
    "keine": "Lage unbekannt",
}
#: Columns of the package's ``einrichtungen.csv`` (data package README), in its order.
PACKAGE_COLUMNS = [
    "id", "typ", "name", "traeger", "strasse_hausnr", "plz", "stadtteil", "lat", "lon",
    "lage_methode", "lage_genauigkeit_m", "lage_beleg", "lage_zusatzquelle", "stadtteil_nr",
    "stadtteil_polygon", "stadtteil_abweichung", "kategorie", "oeffentlich", "in_betrieb",
    "in_betrieb_grund", "stand", "quelle_url", "hinweis", "koordinaten_quelle",
]  # fmt: skip
#: The default selection: meeting places for seniors.
SENIOR_MEETING = ("senioren_begegnung",)


def select_meeting_places(
    einrichtungen: pd.DataFrame,
    categories: Iterable[str] = SENIOR_MEETING,
    *,
    include_restricted: bool = False,
    include_unclear: bool = True,
) -> pd.DataFrame:
    """Facilities that count as open meeting places.

    A facility counts if its ``kategorie`` is selected, it is open to everyone
    (``oeffentlich == "ja"``; ``"eingeschraenkt"`` only with ``include_restricted``) and
    it is not closed (``in_betrieb != "nein"``; ``"unklar"`` counts unless
    ``include_unclear`` is False). Facilities that are not public never count.

    Parameters
    ----------
    einrichtungen : pandas.DataFrame or geopandas.GeoDataFrame
        Facilities with ``kategorie``, ``oeffentlich`` and ``in_betrieb``.
    categories : iterable of str
        ``kategorie`` codes to include.
    include_restricted : bool
        Also count places mainly for the residents of one building.
    include_unclear : bool
        Count places whose operation is not confirmed by a recent source.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        The selected rows (a new frame, same type as the input).

    Raises
    ------
    ValueError
        On an unknown category code.
    """
    categories = list(categories)
    unknown = sorted(set(categories) - set(CATEGORIES))
    if unknown:
        raise ValueError(
            f"Unbekannte Einrichtungskategorie(n): {', '.join(unknown)}. "
            f"Erlaubt: {', '.join(CATEGORIES)}."
        )
    public = {"ja", "eingeschraenkt"} if include_restricted else {"ja"}
    running = {"ja", "unklar"} if include_unclear else {"ja"}
    mask = (
        einrichtungen["kategorie"].isin(categories)
        & einrichtungen["oeffentlich"].isin(public)
        & einrichtungen["in_betrieb"].isin(running)
    )
    return einrichtungen.loc[mask].copy()


def located(einrichtungen: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows with a known position.

    Parameters
    ----------
    einrichtungen : geopandas.GeoDataFrame
        Facilities; ``geometry`` None where the position is unknown.

    Returns
    -------
    geopandas.GeoDataFrame
        Rows with a non-empty geometry.
    """
    geom = einrichtungen.geometry
    return einrichtungen.loc[geom.notna() & ~geom.is_empty].copy()


def count_by_stadtteil(facilities: pd.DataFrame, stadtteil_nrs: Iterable[str]) -> pd.Series:
    """Number of facilities per Stadtteil (0 where there is none).

    Parameters
    ----------
    facilities : pandas.DataFrame
        Rows with ``stadtteil_nr`` (``<NA>`` rows are not counted).
    stadtteil_nrs : iterable of str
        All Stadtteil numbers (the result index).

    Returns
    -------
    pandas.Series
        Integer counts indexed by ``stadtteil_nr``.
    """
    index = pd.Index(list(stadtteil_nrs), name="stadtteil_nr")
    counts = facilities["stadtteil_nr"].dropna().value_counts()
    return counts.reindex(index, fill_value=0).astype(int)


def stand_range(stand: pd.Series) -> tuple[int, int] | None:
    """Earliest and latest year the ``stand`` entries begin with (``"2023-10"``, ``"ca. 2018"``).

    Parameters
    ----------
    stand : pandas.Series
        Free-text ``stand`` column.

    Returns
    -------
    tuple of int or None
        None if no entry starts with a year.
    """
    found = (re.match(r"(?:ca\.\s*)?((?:19|20)\d{2})", str(text)) for text in stand.dropna())
    years = [int(m.group(1)) for m in found if m]
    return (min(years), max(years)) if years else None
