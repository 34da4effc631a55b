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
from geo.facilities import CATEGORIES, IN_BETRIEB, OEFFENTLICH
from geo.readers import CITY_TOLERANCE_M
from geo.uploads.files import (
    GEO_SUFFIXES,
    TABLE_SUFFIXES,
    canonical,
    has_markup,
    parse_numbers,
    read_geodata,
    read_table,
)
from geo.uploads.report import Problem, StopReadingError, UploadResult

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

    Returns
    -------
    UploadResult
        ``data`` in the schema of the package's ``einrichtungen`` (EPSG:25832).
    """
    result = UploadResult("facilities")
    errors, warnings = result.errors, result.warnings
    try:
        suffix = Path(name).suffix.lower()
        if suffix in GEO_SUFFIXES:
            raw = read_geodata(name, content, errors)
            points = _geodata_points(raw, errors)
            frame = canonical(
                pd.DataFrame(raw.drop(columns="geometry")), FACILITY_ALIASES, warnings
            )
        elif suffix in (*TABLE_SUFFIXES, ".xls"):
            frame = canonical(
                read_table(name, content, errors, warnings), FACILITY_ALIASES, warnings
            )
            points = _table_points(frame, errors, warnings)
        else:
            errors.append(
                Problem(
                    f"Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt.",
                    "CSV, XLSX, GeoJSON, GeoPackage oder ZIP (Shapefile) hochladen.",
                )
            )
            raise StopReadingError
    except StopReadingError:
        return result
    frame = frame.reset_index(drop=True)
    out = _facility_columns(frame, errors, warnings, existing_ids)
    _check_locations(points, stadtgrenze, errors)
    if errors:
        return result
    metric = gpd.GeoDataFrame(out, geometry=points.values, crs=METRIC_CRS)
    metric["stadtteil_nr"] = assign_stadtteil(
        metric.geometry, stadtteile, tolerance=CITY_TOLERANCE_M
    )
    wgs = metric.to_crs(WGS84)
    metric["lat"], metric["lon"] = wgs.geometry.y.to_numpy(), wgs.geometry.x.to_numpy()
    result.data = metric
    return result


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
    for pos, geom in enumerate(raw.geometry):
        if geom is None or geom.is_empty:
            bad.append(
                Problem(
                    "Objekt ohne Geometrie.",
                    "Punkt einzeichnen oder Zeile löschen.",
                    pos + 2,
                    "geometry",
                )
            )
        elif geom.geom_type != "Point":
            bad.append(
                Problem(
                    f"Geometrietyp {geom.geom_type}; erwartet wird ein Punkt.",
                    "Einrichtungen als Punkte speichern.",
                    pos + 2,
                    "geometry",
                )
            )
    if bad:
        errors.extend(bad)
        raise StopReadingError
    fix = "Koordinatensystem prüfen und nach EPSG:4326 oder EPSG:25832 umprojizieren."
    try:
        points = raw.geometry.to_crs(METRIC_CRS).reset_index(drop=True)
    except Exception as exc:  # pyproj raises different errors for impossible transforms
        errors.append(Problem(f"Umprojizieren aus {raw.crs} nicht möglich.", fix))
        raise StopReadingError from exc
    if not (np.isfinite(points.x) & np.isfinite(points.y)).all():
        # e.g. metres in a file that declares lon/lat: the transform yields infinities
        errors.append(
            Problem(f"Die Koordinaten passen nicht zum angegebenen System {raw.crs}.", fix)
        )
        raise StopReadingError
    return points


def _table_points(
    frame: pd.DataFrame, errors: list[Problem], warnings: list[Problem]
) -> gpd.GeoSeries | None:
    """Points from lat/lon or x/y columns (EPSG:25832); None for rows without a position.

    Problems are collected (not raised) so the column checks still run; only a table
    without any coordinate columns stops reading.
    """
    if {"lat", "lon"} <= set(frame.columns):
        y = parse_numbers(frame["lat"], "lat", errors, allow_negative=True)
        x = parse_numbers(frame["lon"], "lon", errors, allow_negative=True)
        crs, names = WGS84, ("lat", "lon")
        for pos in np.flatnonzero((y.abs() > 90).fillna(False).to_numpy()):
            errors.append(
                Problem(
                    f"Breitengrad {y.iloc[pos]} liegt außerhalb ±90°.",
                    "lat in Grad (WGS84) angeben; Meterkoordinaten als x/y.",
                    pos + 2,
                    "lat",
                )
            )
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
    half = (raw_x == "") != (raw_y == "")
    for pos in np.flatnonzero(half.to_numpy()):
        errors.append(
            Problem(
                "Nur eine der beiden Koordinaten angegeben.",
                "Beide angeben oder beide leer lassen (Lage unbekannt).",
                pos + 2,
                names[0],
            )
        )
    none = (raw_x == "") & (raw_y == "")
    for pos in np.flatnonzero(none.to_numpy()):
        warnings.append(
            Problem(
                "Ohne Lage: wird gelistet, aber nicht auf Karten und in Entfernungen.",
                "Koordinaten ergänzen.",
                pos + 2,
                names[0],
            )
        )
    if crs == WGS84:
        # Swapped lat/lon (lat ≈ 11, lon ≈ 52) would land in Somalia; say so per row.
        swapped = ((x.abs() > y.abs()) & (x.abs() > 30)).fillna(False)
        for pos in np.flatnonzero(swapped.to_numpy()):
            errors.append(
                Problem(
                    f"lat/lon vermutlich vertauscht (lat {y.iloc[pos]}, lon {x.iloc[pos]}).",
                    "In Magdeburg ist lat ≈ 52,1 und lon ≈ 11,6.",
                    pos + 2,
                    "lat",
                )
            )
    valid = x.notna() & y.notna()
    if crs == WGS84:
        valid &= (y.abs() <= 90) & (x.abs() <= 180)
    points = gpd.GeoSeries([None] * len(frame), crs=METRIC_CRS)
    if valid.any():
        projected = gpd.GeoSeries.from_xy(x[valid], y[valid], crs=crs).to_crs(METRIC_CRS)
        points[valid.to_numpy()] = projected.to_numpy()
    return points


def _check_locations(
    points: gpd.GeoSeries, stadtgrenze: gpd.GeoDataFrame, errors: list[Problem]
) -> None:
    city = stadtgrenze.geometry.iloc[0]
    distance = points.distance(city)
    for pos in np.flatnonzero((distance > CITY_TOLERANCE_M).to_numpy()):
        errors.append(
            Problem(
                f"Punkt liegt {format(distance.iloc[pos] / 1000, '.1f').replace('.', ',')} km außerhalb der Stadt.",
                "Koordinaten und Koordinatensystem prüfen (WGS84: lat ≈ 52,1; lon ≈ 11,6).",
                pos + 2,
                "geometry",
            )
        )


def _facility_columns(
    frame: pd.DataFrame,
    errors: list[Problem],
    warnings: list[Problem],
    existing_ids: set[str] | frozenset[str],
) -> pd.DataFrame:
    def text(column: str, default: str = "") -> pd.Series:
        values = frame[column] if column in frame else pd.Series(default, index=frame.index)
        return values.astype("string").fillna("").str.strip()

    out = pd.DataFrame(index=frame.index)
    out["name"] = text("name")
    if "name" not in frame:
        errors.append(
            Problem("Spalte name fehlt.", "Eine Spalte name (Bezeichnung) ergänzen.", column="name")
        )
    for pos in np.flatnonzero((out["name"] == "").to_numpy()) if "name" in frame else []:
        errors.append(
            Problem("Name fehlt.", "Jeder Einrichtung einen Namen geben.", pos + 2, "name")
        )
    ids = text("id")
    generated = ids == ""
    ids[generated] = [f"UP-{i + 1}" for i in np.flatnonzero(generated.to_numpy())]
    out["id"] = ids
    for value in sorted(set(ids[ids.duplicated()])):
        errors.append(
            Problem(f"id {value!r} kommt mehrfach vor.", "Eindeutige ids vergeben.", column="id")
        )
    for pos in np.flatnonzero(ids.isin(list(existing_ids)).to_numpy()):
        errors.append(
            Problem(
                f"id {ids.iloc[pos]!r} gibt es im Datenpaket schon.",
                "Andere id wählen oder die Liste ersetzen statt ergänzen.",
                pos + 2,
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
            errors.append(
                Problem(
                    f"Unbekannter Wert {values.iloc[pos]!r}.",
                    f"Erlaubt: {', '.join(allowed)}.",
                    pos + 2,
                    column,
                )
            )
        out[column] = values
    accuracy = parse_numbers(text("lage_genauigkeit_m"), "lage_genauigkeit_m", errors)
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
    for pos in np.flatnonzero(marked.to_numpy()):
        warnings.append(
            Problem(
                "Enthält HTML- oder Skript-Zeichen; sie werden nur als Text angezeigt.",
                "Text prüfen.",
                pos + 2,
                "name",
            )
        )
    return out
