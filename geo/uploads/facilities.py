"""Validating an uploaded facility list (tables with coordinates or GIS files)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.areas import assign_stadtteil
from geo.crs import METRIC_CRS, WGS84
from geo.facilities import CATEGORIES, IN_BETRIEB, OEFFENTLICH, PACKAGE_COLUMNS
from geo.readers import CITY_TOLERANCE_M
from geo.uploads.files import (
    GEO_SUFFIXES,
    canonical,
    has_markup,
    parse_numbers,
    read_geodata,
    read_table,
)
from geo.uploads.limits import MAX_PROBLEMS, capped
from geo.uploads.report import Problem, StopReadingError, UploadResult

#: Largest plausible radius of an approximate position (m).
MAX_ACCURACY_M = 5_000.0
FACILITY_ALIASES = {
    "name": "name", "bezeichnung": "name", "einrichtung": "name",
    "id": "id", "kennung": "id",
    "typ": "typ", "art": "typ",
    "traeger": "traeger", "träger": "traeger",
    "strasse_hausnr": "strasse_hausnr", "adresse": "strasse_hausnr", "anschrift": "strasse_hausnr",
    "kategorie": "kategorie", "oeffentlich": "oeffentlich", "öffentlich": "oeffentlich",
    "in_betrieb": "in_betrieb", "status": "in_betrieb",
    "lage_genauigkeit_m": "lage_genauigkeit_m", "genauigkeit_m": "lage_genauigkeit_m", "genauigkeit": "lage_genauigkeit_m",
    "lat": "lat", "latitude": "lat", "breite": "lat", "breitengrad": "lat",
    "lon": "lon", "lng": "lon", "longitude": "lon", "laenge": "lon", "länge": "lon", "laengengrad": "lon",
    "x": "x", "rechtswert": "x", "ostwert": "x", "y": "y", "hochwert": "y", "nordwert": "y",
    "stand": "stand", "quelle_url": "quelle_url", "hinweis": "hinweis",
}  # fmt: skip


def validate_facilities(
    name: str,
    content: bytes,
    stadtteile: gpd.GeoDataFrame,
    stadtgrenze: gpd.GeoDataFrame,
    existing_ids: set[str] | frozenset[str] = frozenset(),
    layer: str | None = None,
) -> UploadResult:
    """Validate an uploaded facility list.

    Accepted: CSV/XLSX with ``lat``/``lon`` (WGS84) or ``x``/``y`` (EPSG:25832), GeoJSON,
    GeoPackage, zipped Shapefile (points). Missing ``kategorie``/``oeffentlich``/``in_betrieb``
    default to an open senior meeting place in operation (reported as a hint).

    Parameters
    ----------
    name : str
        File name (decides the format by its suffix).
    content : bytes
        File content.
    stadtteile, stadtgrenze : geopandas.GeoDataFrame
        The package's polygons (EPSG:25832) for the location checks.
    existing_ids : set of str
        Ids that new rows must not reuse (when extending the package's list).
    layer : str, optional
        Layer of a GeoPackage with several layers.

    Returns
    -------
    UploadResult
        ``data`` in the schema of the package's ``einrichtungen`` (EPSG:25832); ``layers``
        lists the layers of a GeoPackage.
    """
    result = UploadResult("facilities")
    errors, warnings = result.errors, result.warnings
    swapped = pd.Series(dtype=bool)
    try:
        if Path(name).suffix.lower() in GEO_SUFFIXES:
            raw = read_geodata(name, content, errors, warnings, layer, result.layers)
            points = _geodata_points(raw, errors)
            frame = canonical(
                pd.DataFrame(raw.drop(columns="geometry")),
                FACILITY_ALIASES,
                warnings,
                PACKAGE_COLUMNS,  # the package's own list loads without hints
            )
        else:
            frame = canonical(
                read_table(name, content, errors, warnings),
                FACILITY_ALIASES,
                warnings,
                PACKAGE_COLUMNS,  # the package's own list loads without hints
            )
            points, swapped = _table_points(frame, errors, warnings)
    except StopReadingError:
        return result
    out = _facility_columns(frame, errors, warnings, existing_ids)
    _check_locations(points, stadtgrenze, errors, skip=swapped)
    if errors:
        return result
    metric = gpd.GeoDataFrame(
        out.reset_index(drop=True), geometry=points.to_numpy(), crs=METRIC_CRS
    )
    metric["stadtteil_nr"] = assign_stadtteil(
        metric.geometry, stadtteile, tolerance=CITY_TOLERANCE_M
    )
    wgs = metric.to_crs(WGS84)
    metric["lat"], metric["lon"] = wgs.geometry.y.to_numpy(), wgs.geometry.x.to_numpy()
    result.data = metric
    return result


def _rows(frame: pd.DataFrame | pd.Series) -> np.ndarray:
    """Row numbers in the file (the readers' index is the row − 2)."""
    return frame.index.to_numpy(dtype=np.int64) + 2


def _geodata_points(raw: gpd.GeoDataFrame, errors: list[Problem]) -> gpd.GeoSeries:
    if raw.crs is None:
        errors.append(
            Problem(
                "Die Geodaten haben kein Koordinatenreferenzsystem.",
                "CRS im GIS setzen (z. B. EPSG:25832) und neu exportieren.",
            )
        )
        raise StopReadingError
    try:
        CRS.from_user_input(raw.crs)
    except CRSError as exc:
        errors.append(
            Problem(
                f"Unbekanntes Koordinatenreferenzsystem {raw.crs}.",
                "Nach EPSG:4326 oder EPSG:25832 umprojizieren.",
            )
        )
        raise StopReadingError from exc
    bad = []
    for row, geom in zip(_rows(raw), raw.geometry, strict=True):
        if geom is None or geom.is_empty:
            bad.append(
                Problem(
                    "Objekt ohne Geometrie.",
                    "Punkt einzeichnen oder Zeile löschen.",
                    int(row),
                    "geometry",
                )
            )
        elif geom.geom_type != "Point":
            bad.append(
                Problem(
                    f"Geometrietyp {geom.geom_type}; erwartet wird ein Punkt.",
                    "Einrichtungen als Punkte speichern.",
                    int(row),
                    "geometry",
                )
            )
    if bad:
        capped(errors, bad)
        raise StopReadingError
    fix = "Koordinatensystem prüfen und nach EPSG:4326 oder EPSG:25832 umprojizieren."
    try:
        points = raw.geometry.to_crs(METRIC_CRS)
    except Exception as exc:  # pyproj raises different errors for impossible transforms
        errors.append(Problem(f"Umprojizieren aus {raw.crs.name} nicht möglich.", fix))
        raise StopReadingError from exc
    if not (np.isfinite(points.x) & np.isfinite(points.y)).all():
        # e.g. metres in a file that declares lon/lat: the transform yields infinities
        errors.append(
            Problem(f"Die Koordinaten passen nicht zum angegebenen System {raw.crs.name}.", fix)
        )
        raise StopReadingError
    return points


def _table_points(
    frame: pd.DataFrame, errors: list[Problem], warnings: list[Problem]
) -> tuple[gpd.GeoSeries, pd.Series]:
    """Points from lat/lon or x/y columns (EPSG:25832); None for rows without a position.

    Problems are collected (not raised) so the column checks still run; only a table
    without any coordinate columns stops reading. Also returns the rows whose lat/lon look
    swapped (already reported; the location check skips them).
    """
    rows = _rows(frame)
    problems: list[Problem] = []
    if {"lat", "lon"} <= set(frame.columns):
        y = parse_numbers(frame["lat"], "lat", errors, allow_negative=True)
        x = parse_numbers(frame["lon"], "lon", errors, allow_negative=True)
        crs, names = WGS84, ("lat", "lon")
        problems += [
            Problem(
                f"Breitengrad {_german(y.iloc[pos])} liegt außerhalb ±90°.",
                "lat in Grad (WGS84) angeben; Meterkoordinaten als x/y.",
                int(rows[pos]),
                "lat",
            )
            for pos in np.flatnonzero((y.abs() > 90).to_numpy())
        ]
    elif {"x", "y"} <= set(frame.columns):
        x = parse_numbers(frame["x"], "x", errors)
        y = parse_numbers(frame["y"], "y", errors)
        crs, names = METRIC_CRS, ("y", "x")
    else:
        errors.append(
            Problem(
                "Keine Koordinaten: es fehlen lat/lon (WGS84) oder x/y (EPSG:25832).",
                "Spalten lat und lon oder x und y ergänzen.",
            )
        )
        raise StopReadingError
    raw_y = frame[names[0]].astype("string").str.strip().fillna("")
    raw_x = frame[names[1]].astype("string").str.strip().fillna("")
    half = ((raw_x == "") != (raw_y == "")).to_numpy(dtype=bool)
    problems += [
        Problem(
            "Nur eine der beiden Koordinaten angegeben.",
            "Beide angeben oder beide leer lassen (Lage unbekannt).",
            int(rows[pos]),
            names[0],
        )
        for pos in np.flatnonzero(half)
    ]
    none = ((raw_x == "") & (raw_y == "")).to_numpy(dtype=bool)
    capped(
        warnings,
        [
            Problem(
                "Ohne Lage: wird gelistet, aber nicht auf Karten und in Entfernungen.",
                "Koordinaten ergänzen.",
                int(rows[pos]),
                names[0],
            )
            for pos in np.flatnonzero(none)
        ],
        "Hinweise",
    )
    swapped = pd.Series(False, index=frame.index)
    if crs == WGS84:
        # Swapped lat/lon (lat ≈ 11, lon ≈ 52) would land in Somalia: one message per row
        # (not a second one saying the point lies outside the city).
        swapped = ((x.abs() > y.abs()) & (x.abs() > 30) & (x.abs() <= 90)).fillna(False)
        problems += [
            Problem(
                f"lat/lon vermutlich vertauscht (lat {_german(y.iloc[pos])}, "
                f"lon {_german(x.iloc[pos])}).",
                "Die Werte der Spalten lat und lon tauschen: in Magdeburg ist lat ≈ 52,1 und "
                "lon ≈ 11,6.",
                int(rows[pos]),
                "lat",
            )
            for pos in np.flatnonzero(swapped.to_numpy())
        ]
    capped(errors, sorted(problems, key=lambda p: p.row or 0))
    valid = np.isfinite(x) & np.isfinite(y)
    if crs == WGS84:
        valid &= (y.abs() <= 90) & (x.abs() <= 180)
    points = gpd.GeoSeries([None] * len(frame), index=frame.index, crs=METRIC_CRS)
    if valid.any():
        projected = gpd.GeoSeries.from_xy(x[valid], y[valid], crs=crs).to_crs(METRIC_CRS)
        points[valid.to_numpy()] = projected.to_numpy()
    return points, swapped


def _german(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _check_locations(
    points: gpd.GeoSeries,
    stadtgrenze: gpd.GeoDataFrame,
    errors: list[Problem],
    skip: pd.Series | None = None,
) -> None:
    city = stadtgrenze.geometry.iloc[0]
    distance = points.distance(city).to_numpy(dtype=float)
    outside = ~np.isnan(distance) & ~(distance <= CITY_TOLERANCE_M)
    if skip is not None and len(skip):
        outside &= ~skip.reindex(points.index, fill_value=False).to_numpy(dtype=bool)
    rows = _rows(points)
    problems = []
    for pos in np.flatnonzero(outside):
        km = distance[pos] / 1000
        where = (
            f"{format(km, '.1f').replace('.', ',')} km außerhalb der Stadt"
            if np.isfinite(km)
            else "unendlich weit außerhalb der Stadt"
        )
        problems.append(
            Problem(
                f"Punkt liegt {where}.",
                "Koordinaten und Koordinatensystem prüfen (WGS84: lat ≈ 52,1; lon ≈ 11,6).",
                int(rows[pos]),
                "geometry",
            )
        )
    capped(errors, problems)


def _facility_columns(
    frame: pd.DataFrame,
    errors: list[Problem],
    warnings: list[Problem],
    existing_ids: set[str] | frozenset[str],
) -> pd.DataFrame:
    def text(column: str, default: str = "") -> pd.Series:
        values = frame[column] if column in frame else pd.Series(default, index=frame.index)
        return values.astype("string").fillna("").str.strip()

    rows = _rows(frame)
    problems: list[Problem] = []
    out = pd.DataFrame(index=frame.index)
    out["name"] = text("name")
    if "name" not in frame:
        errors.append(
            Problem("Spalte name fehlt.", "Eine Spalte name (Bezeichnung) ergänzen.", column="name")
        )
    for pos in np.flatnonzero((out["name"] == "").to_numpy()) if "name" in frame else []:
        problems.append(
            Problem("Name fehlt.", "Jeder Einrichtung einen Namen geben.", int(rows[pos]), "name")
        )
    ids = text("id")
    generated = ids == ""
    ids[generated] = [f"UP-{i + 1}" for i in np.flatnonzero(generated.to_numpy())]
    out["id"] = ids
    for value in sorted(set(ids[ids.duplicated()]))[:MAX_PROBLEMS]:
        errors.append(
            Problem(f"id {value!r} kommt mehrfach vor.", "Eindeutige ids vergeben.", column="id")
        )
    for pos in np.flatnonzero(ids.isin(list(existing_ids)).to_numpy()):
        problems.append(
            Problem(
                f"id {ids.iloc[pos][:40]!r} gibt es im Datenpaket schon.",
                "Andere id wählen oder die Liste ersetzen statt ergänzen.",
                int(rows[pos]),
                "id",
            )
        )
    for column, allowed, default in (
        ("kategorie", CATEGORIES, "senioren_begegnung"),
        ("oeffentlich", OEFFENTLICH, "ja"),
        ("in_betrieb", IN_BETRIEB, "ja"),
    ):
        values = text(column).str.lower().replace({"": default})
        if column not in frame:
            warnings.append(
                Problem(
                    f"Spalte {column} fehlt; angenommen: {default!r}.",
                    f"Spalte {column} ergänzen ({', '.join(allowed)}).",
                    column=column,
                )
            )
        for pos in np.flatnonzero(~values.isin(list(allowed)).to_numpy()):
            problems.append(
                Problem(
                    f"Unbekannter Wert {values.iloc[pos][:40]!r}.",
                    f"Erlaubt: {', '.join(allowed)}.",
                    int(rows[pos]),
                    column,
                )
            )
        out[column] = values
    capped(errors, sorted(problems, key=lambda p: p.row or 0))
    accuracy = parse_numbers(text("lage_genauigkeit_m"), "lage_genauigkeit_m", errors)
    capped(
        errors,
        [
            Problem(
                f"Lagegenauigkeit {_german(accuracy.iloc[pos])} m ist unplausibel "
                f"(höchstens {MAX_ACCURACY_M:.0f} m).",
                "Die Genauigkeit der Lage in Metern angeben (z. B. 50).",
                int(rows[pos]),
                "lage_genauigkeit_m",
            )
            for pos in np.flatnonzero((accuracy > MAX_ACCURACY_M).to_numpy())
        ],
    )
    out["lage_genauigkeit_m"] = accuracy.fillna(0.0)
    out["lage_methode"] = "quelle_koordinate"
    for column in ("typ", "traeger", "strasse_hausnr", "stand", "quelle_url", "hinweis"):
        out[column] = text(column)
    out["typ"] = out["typ"].replace({"": "hochgeladen"})
    out["stadtteil"] = ""
    marked = (
        out[["name", "traeger", "strasse_hausnr", "hinweis"]]
        .apply(lambda c: c.map(has_markup))
        .any(axis=1)
    )
    capped(
        warnings,
        [
            Problem(
                "Enthält HTML- oder Skript-Zeichen; sie werden nur als Text angezeigt.",
                "Text prüfen.",
                int(rows[pos]),
                "name",
            )
            for pos in np.flatnonzero(marked.to_numpy())
        ],
        "Hinweise",
    )
    return out
