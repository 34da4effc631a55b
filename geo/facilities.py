"""Facilities: categories and codes, which count as open meeting places, the one rule set.

The rule set decides what a valid facility is, for every way one enters: the package
reader, uploads and the register (:class:`FacilityProblem`, :func:`facility_problems`,
:func:`raise_problems`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import METRIC_CRS, WGS84
from geo.io.plausibility import german

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


# --------------------------------------------------------------------------- the facility rules
#
# One rule set decides what a valid facility is, for the package reader
# (geo/io/readers.py), uploads (geo/io/uploads/facilities.py) and the register
# (register/changes.py). Each rule collects every problem of a table (one frame row per
# facility; parsing text into numbers stays with the reader of each format); the entry
# points turn the problems into their own report or raise them with :func:`raise_problems`.

#: A facility may lie this far outside the city boundary (positions are approximate).
CITY_TOLERANCE_M = 100.0
#: Largest plausible radius of an approximate position (m).
MAX_ACCURACY_M = 5_000.0
#: Fields with a fixed vocabulary.
CODES: dict[str, dict[str, str]] = {
    "kategorie": CATEGORIES,
    "oeffentlich": OEFFENTLICH,
    "in_betrieb": IN_BETRIEB,
    "lage_methode": LAGE_METHODE,
}
#: Fixes for a coordinate outside the range of degrees.
LATITUDE_FIX = "lat in Grad (WGS84) angeben, zwischen −90 und 90; Meterkoordinaten als x/y."
LONGITUDE_FIX = "lon in Grad (WGS84) angeben, zwischen −180 und 180; Meterkoordinaten als x/y."
#: Fix for coordinates that do not fit the declared coordinate system.
GEO_RANGE_FIX = "Koordinatensystem prüfen und nach EPSG:4326 oder EPSG:25832 umprojizieren."
#: Fix for a point outside the city.
POSITION_FIX = "Koordinaten und Koordinatensystem prüfen (WGS84: lat ≈ 52,1; lon ≈ 11,6)."
_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


@dataclass(frozen=True)
class FacilityProblem:
    """One reason why a facility is not valid.

    Attributes
    ----------
    message : str
        What is wrong (German, a sentence).
    fix : str
        How to fix it (German).
    row : hashable or None
        Index label of the facility in the checked table; None for the whole table.
    field : str or None
        Column concerned (``geometry`` for the position as a whole).
    """

    message: str
    fix: str
    row: Hashable | None = None
    field: str | None = None


def id_problems(
    ids: pd.Series,
    taken: Collection[str] = frozenset(),
    *,
    taken_where: str = "in der Liste",
    taken_fix: str = "Andere id wählen.",
    strict: bool = False,
) -> list[FacilityProblem]:
    """Empty, repeated and already used ids (``strict``: also the format of a register id).

    Parameters
    ----------
    ids : pandas.Series
        Stripped ids, one per facility.
    taken : collection of str
        Ids the facilities must not reuse.
    taken_where, taken_fix : str
        Where those ids are (``"im Datenpaket"``) and how to avoid them.
    strict : bool
        Require 1–40 characters of letters, digits, ``. _ -`` (ids the register stores).

    Returns
    -------
    list of FacilityProblem
    """
    problems = [
        FacilityProblem("Die id fehlt.", "Jeder Einrichtung eine id geben.", row, "id")
        for row in ids.index[ids == ""]
    ]
    problems += [
        FacilityProblem(f"id {value!r} kommt mehrfach vor.", "Eindeutige ids vergeben.", None, "id")
        for value in sorted(set(ids[ids.duplicated() & (ids != "")]))
    ]
    problems += [
        FacilityProblem(
            f"id {ids[row][:40]!r} ist {taken_where} schon vergeben.", taken_fix, row, "id"
        )
        for row in ids.index[ids.isin(list(taken))]
    ]
    if strict:
        problems += [
            FacilityProblem(
                f"id {ids[row][:40]!r}: 1–40 Zeichen aus Buchstaben, Ziffern, . _ - erlaubt.",
                "Eine id wie OT-07 wählen.",
                row,
                "id",
            )
            for row in ids.index[(ids != "") & ~ids.map(lambda v: bool(_ID_PATTERN.match(v)))]
        ]
    return problems


def required_problems(
    table: pd.DataFrame, fields: Iterable[str], labels: Mapping[str, str]
) -> list[FacilityProblem]:
    """Facilities where a required field is empty (a missing column counts as empty).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per facility.
    fields : iterable of str
        Required columns.
    labels : mapping
        German label of each field (for the message).
    """
    problems = []
    for column in fields:
        values = table[column] if column in table else pd.Series(None, index=table.index)
        empty = values.isna() | (values.astype("string").str.strip() == "")
        label = labels.get(column, column)
        problems += [
            FacilityProblem(
                f"{label} fehlt.",
                "Bitte angeben; jede Einrichtung braucht diese Angabe.",
                row,
                column,
            )
            for row in table.index[empty.to_numpy(dtype=bool)]
        ]
    return problems


def code_problems(
    table: pd.DataFrame, codes: Mapping[str, Mapping] = CODES
) -> list[FacilityProblem]:
    """Values outside the vocabulary of the code fields present in ``table``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per facility; codes as stripped text.
    codes : mapping
        Field → allowed codes (default :data:`CODES`).
    """
    problems = []
    for column, allowed in codes.items():
        if column not in table:
            continue
        values = table[column].astype("string").fillna("")
        problems += [
            FacilityProblem(
                f"Unbekannter Wert {values[row][:40]!r}.",
                f"Erlaubt: {', '.join(allowed)}.",
                row,
                column,
            )
            for row in values.index[~values.isin(list(allowed)).to_numpy(dtype=bool)]
        ]
    return problems


def half_position_problems(
    lat_given: pd.Series, lon_given: pd.Series, field: str = "lat"
) -> list[FacilityProblem]:
    """Facilities with only one of the two coordinates.

    Parameters
    ----------
    lat_given, lon_given : pandas.Series of bool
        Whether each coordinate was given (same index).
    field : str
        Column to report.
    """
    half = (lat_given != lon_given).to_numpy(dtype=bool)
    return [
        FacilityProblem(
            "Nur eine der beiden Koordinaten angegeben.",
            "Beide angeben oder beide leer lassen (Lage unbekannt).",
            row,
            field,
        )
        for row in lat_given.index[half]
    ]


def range_problems(
    lat: pd.Series,
    lon: pd.Series,
    fields: tuple[str, str] = ("lat", "lon"),
    system: str | None = None,
) -> list[FacilityProblem]:
    """Degrees no point on earth has: latitude beyond ±90°, longitude beyond ±180°.

    Parameters
    ----------
    lat, lon : pandas.Series
        Degrees (NaN: not given).
    fields : tuple of str
        Columns to report for latitude and longitude.
    system : str, optional
        Name of the geographic system a GIS file declared (the fix then asks to check it).
    """
    problems = []
    suffix = f" – die Koordinaten passen nicht zum angegebenen System {system}" if system else ""
    for values, field, limit, word, fix in (
        (lat, fields[0], 90.0, "Breitengrad", LATITUDE_FIX),
        (lon, fields[1], 180.0, "Längengrad", LONGITUDE_FIX),
    ):
        data = values.to_numpy(dtype=float)
        problems += [
            FacilityProblem(
                f"{word} {german(data[pos])} liegt außerhalb ±{limit:.0f}°{suffix}.",
                GEO_RANGE_FIX if system else fix,
                values.index[pos],
                field,
            )
            for pos in np.flatnonzero(np.isfinite(data) & (np.abs(data) > limit))
        ]
    return problems


def swapped_positions(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Rows whose lat/lon look exchanged (lat ≈ 11, lon ≈ 52 would land in Somalia)."""
    return ((lon.abs() > lat.abs()) & (lon.abs() > 30) & (lon.abs() <= 90)).fillna(False)


def swapped_problems(lat: pd.Series, lon: pd.Series) -> list[FacilityProblem]:
    """One problem per row whose lat/lon look exchanged (see :func:`swapped_positions`)."""
    return [
        FacilityProblem(
            f"lat/lon vermutlich vertauscht (lat {_short(lat[row])}, lon {_short(lon[row])}).",
            "Die Werte der Spalten lat und lon tauschen: in Magdeburg ist lat ≈ 52,1 und "
            "lon ≈ 11,6.",
            row,
            "lat",
        )
        for row in lat.index[swapped_positions(lat, lon).to_numpy(dtype=bool)]
    ]


def accuracy_problems(
    accuracy: pd.Series, located: pd.Series | None = None
) -> list[FacilityProblem]:
    """Implausible radii of a position; with ``located``, a position without radius too.

    Parameters
    ----------
    accuracy : pandas.Series
        ``lage_genauigkeit_m`` in metres (NaN: not given).
    located : pandas.Series of bool, optional
        Rows with a position, which then need a radius above 0 (the register).
    """
    data = accuracy.to_numpy(dtype=float)
    problems = [
        FacilityProblem(
            f"Lagegenauigkeit {_short(data[pos])} m ist unplausibel "
            f"(höchstens {MAX_ACCURACY_M:.0f} m).",
            "Die Genauigkeit der Lage in Metern angeben (z. B. 50).",
            accuracy.index[pos],
            "lage_genauigkeit_m",
        )
        for pos in np.flatnonzero(data > MAX_ACCURACY_M)
    ]
    if located is not None:
        missing = located.to_numpy(dtype=bool) & ~(data > 0)
        problems += [
            FacilityProblem(
                "Die Lagegenauigkeit fehlt.",
                "Den Radius angeben, in dem die Einrichtung sicher liegt (größer als 0, "
                "höchstens 5.000 m; Klick auf der Karte: 10 m).",
                accuracy.index[pos],
                "lage_genauigkeit_m",
            )
            for pos in np.flatnonzero(missing)
        ]
    return problems


def city_problems(
    points: gpd.GeoSeries,
    city: shapely.Geometry,
    lat: pd.Series | None = None,
    lon: pd.Series | None = None,
    skip: pd.Series | None = None,
) -> list[FacilityProblem]:
    """Points farther than :data:`CITY_TOLERANCE_M` outside the city boundary.

    Parameters
    ----------
    points : geopandas.GeoSeries
        Positions in EPSG:25832 (None: no position).
    city : shapely.Geometry
        The city boundary (EPSG:25832).
    lat, lon : pandas.Series, optional
        The degrees the points came from: names exchanged coordinates in the message.
    skip : pandas.Series of bool, optional
        Rows already reported otherwise (e.g. as swapped).
    """
    distance = points.distance(city).to_numpy(dtype=float)
    outside = ~np.isnan(distance) & ~(distance <= CITY_TOLERANCE_M)
    if skip is not None and len(skip):
        outside &= ~skip.reindex(points.index, fill_value=False).to_numpy(dtype=bool)
    problems = []
    for pos in np.flatnonzero(outside):
        row = points.index[pos]
        km = distance[pos] / 1000
        where = (
            f"{format(km, '.1f').replace('.', ',')} km außerhalb der Stadt"
            if np.isfinite(km)
            else "unendlich weit außerhalb der Stadt"
        )
        hint = ""
        if lat is not None and lon is not None and _inside_swapped(lat[row], lon[row], city):
            hint = " (lat/lon vertauscht?)"
        problems.append(
            FacilityProblem(f"Punkt liegt {where}{hint}.", POSITION_FIX, row, "geometry")
        )
    return problems


def _inside_swapped(lat: float, lon: float, city: shapely.Geometry) -> bool:
    """Whether the point with latitude and longitude exchanged lies in the city."""
    if not (abs(lon) <= 90 and abs(lat) <= 180):
        return False
    swapped = gpd.GeoSeries([shapely.Point(lat, lon)], crs=WGS84).to_crs(METRIC_CRS).iloc[0]
    return bool(swapped.distance(city) <= CITY_TOLERANCE_M)


def points_of(lat: pd.Series, lon: pd.Series) -> gpd.GeoSeries:
    """Positions in EPSG:25832 from WGS84 degrees (None without both or outside the range).

    Parameters
    ----------
    lat, lon : pandas.Series
        Degrees (NaN: not given), same index.

    Returns
    -------
    geopandas.GeoSeries
        Same index.
    """
    ok = (lat.abs() <= 90) & (lon.abs() <= 180)
    return gpd.GeoSeries(
        [
            shapely.Point(x, y) if located else None
            for x, y, located in zip(lon.fillna(0), lat.fillna(0), ok.to_numpy(), strict=True)
        ],
        crs=WGS84,
        index=lat.index,
    ).to_crs(METRIC_CRS)


def facility_problems(
    table: pd.DataFrame,
    city: shapely.Geometry | None = None,
    *,
    required: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
    taken: Collection[str] = frozenset(),
    taken_where: str = "in der Liste",
    taken_fix: str = "Andere id wählen.",
    strict_ids: bool = False,
    radius_required: bool = False,
) -> list[FacilityProblem]:
    """Every problem of a facility table whose numbers are parsed (the collect-all check).

    Runs the rules in the order a planner fixes them: ids, required fields, codes, the
    coordinates (both or none, range, radius) and the position in the city.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per facility: ``id`` (if present, stripped text), code fields as text,
        ``lat``/``lon`` as WGS84 degrees and ``lage_genauigkeit_m`` in metres (NaN: not
        given); absent columns are not checked.
    city : shapely.Geometry, optional
        The city boundary in EPSG:25832 (positions are checked against it).
    required : iterable of str
        Fields that must not be empty.
    labels : mapping, optional
        German field labels for the messages.
    taken, taken_where, taken_fix, strict_ids
        See :func:`id_problems`.
    radius_required : bool
        A position needs a radius above 0 (see :func:`accuracy_problems`).

    Returns
    -------
    list of FacilityProblem
        Empty if every facility is valid.
    """
    problems = []
    if "id" in table:
        ids = table["id"].astype("string").fillna("")
        problems += id_problems(
            ids, taken, taken_where=taken_where, taken_fix=taken_fix, strict=strict_ids
        )
    problems += required_problems(table, required, labels or {})
    problems += code_problems(table)
    nan = pd.Series(np.nan, index=table.index)
    lat = pd.to_numeric(table["lat"], errors="coerce") if "lat" in table else nan
    lon = pd.to_numeric(table["lon"], errors="coerce") if "lon" in table else nan
    lat, lon = lat.astype(float), lon.astype(float)
    problems += half_position_problems(lat.notna(), lon.notna())
    problems += range_problems(lat, lon)
    if "lage_genauigkeit_m" in table or radius_required:
        accuracy = (
            pd.to_numeric(table["lage_genauigkeit_m"], errors="coerce").astype(float)
            if "lage_genauigkeit_m" in table
            else nan
        )
        problems += accuracy_problems(
            accuracy, (lat.notna() & lon.notna()) if radius_required else None
        )
    if city is not None:
        problems += city_problems(points_of(lat, lon), city, lat, lon)
    return problems


def raise_problems(
    problems: Sequence[FacilityProblem],
    where: Callable[[FacilityProblem], str],
    error: Callable[[str, str], Exception] = lambda problem, fix: ValueError(f"{problem} {fix}"),
    shown: int = 5,
) -> None:
    """Raise the problems found (the thin raising adapter of the rule set); nothing if none.

    Parameters
    ----------
    problems : sequence of FacilityProblem
        What a rule (or several) found.
    where : callable
        Location of a problem as German text (``"Zeile 3, Spalte lat"``; empty: none).
    error : callable
        Builds the exception from the joined problems and their fixes (default ValueError).
    shown : int
        At most this many problems are named; the rest are counted.

    Raises
    ------
    Exception
        The one ``error`` builds.
    """
    if not problems:
        return
    parts = []
    for problem in problems[:shown]:
        place = where(problem)
        parts.append(f"{place}: {problem.message}" if place else problem.message)
    more = f" (und {len(problems) - shown} weitere)" if len(problems) > shown else ""
    fixes = " ".join(dict.fromkeys(p.fix for p in problems[:shown]))
    raise error(" ".join(parts) + more, fixes)


def _short(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# --------------------------------------------------------------------------- the facility overlay

#: Column that marks the new places of a scenario (True: planned, not yet there).
NEW = "neu"


def apply_edits(
    base: pd.DataFrame,
    *,
    added: pd.DataFrame | None = None,
    updated: Mapping[str, Mapping] | None = None,
    removed: Iterable[str] = (),
) -> pd.DataFrame:
    """The facility list with edit rows applied; the one overlay of register, uploads, scenarios.

    Like a scenario's edit rows in GOAT: facilities whose id is in ``removed`` leave the list,
    ``updated`` sets fields of the remaining rows, ``added`` rows are appended after them in
    their order. ``base`` is not changed. Whether a row is a new place of a scenario is the
    column :data:`NEW`, never its id: if ``added`` carries it, every other row gets False.

    Parameters
    ----------
    base : pandas.DataFrame or geopandas.GeoDataFrame
        The facility list (column ``id``).
    added : pandas.DataFrame, optional
        New rows in the schema of ``base`` (missing columns stay empty).
    updated : mapping, optional
        Facility id → field → new value (a field ``base`` lacks becomes a new column).
    removed : iterable of str
        Ids to leave out.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        Same type as ``base``. Without added rows the base index is kept; with them the
        index is renumbered from 0.
    """
    removed = list(removed)
    out = base[~base["id"].isin(removed)] if removed else base
    if updated:
        out = out.copy()
        position = pd.Series(range(len(out)), index=out["id"].astype(str).to_numpy())
        for fid, fields in updated.items():
            if fid not in position.index:
                continue
            for field, value in fields.items():
                _set(out, position[fid], field, value)
    if added is not None and len(added):
        out = pd.concat([out, added], ignore_index=True)
        if NEW in added:
            out[NEW] = out[NEW].astype("boolean").fillna(False).astype(bool)
    return out


def _set(frame: pd.DataFrame, row: int, field: str, value: object) -> None:
    """Set one cell; a new field becomes a column, a value its dtype cannot hold widens it."""
    if field not in frame:
        frame[field] = pd.Series(np.nan, index=frame.index, dtype=object)
    column = frame.columns.get_loc(field)
    try:
        frame.iloc[row, column] = value
    except (TypeError, ValueError):
        frame[field] = frame[field].astype(object)
        frame.iloc[row, column] = value


def is_new(facilities: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the rows that are new places of a scenario (column :data:`NEW`)."""
    if NEW not in facilities:
        return np.zeros(len(facilities), dtype=bool)
    return facilities[NEW].astype("boolean").fillna(False).to_numpy(dtype=bool)
