"""Validating an uploaded facility list (tables with coordinates or GIS files).

Two steps, so that the worker that parses an upload never calls PROJ (which would open its
database, and whatever a crafted definition names): :func:`read_facilities` runs in the
worker and returns a :class:`FacilityDraft` – the checked columns, the coordinates as
written and the file's coordinate system as an EPSG code or a screened definition
(:mod:`geo.io.uploads.crs`); :func:`place_facilities` runs in the calling process and turns
that into points in EPSG:25832 (ranges, city boundary, Stadtteil).
:func:`validate_facilities` does both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj.exceptions import CRSError, ProjError

from geo.areas import assign_stadtteil
from geo.crs import METRIC_CRS, WGS84
from geo.facilities import (
    CITY_TOLERANCE_M,
    CODES,
    PACKAGE_COLUMNS,
    FacilityProblem,
    accuracy_problems,
    city_problems,
    code_problems,
    half_position_problems,
    id_problems,
    range_problems,
    required_problems,
    swapped_positions,
    swapped_problems,
)
from geo.io.uploads import hints
from geo.io.uploads.crs import CRSRefusedError, identify
from geo.io.uploads.files import GEO_SUFFIXES, canonical, has_markup, read_geodata, read_table
from geo.io.uploads.limits import MAX_PROBLEMS, capped
from geo.io.uploads.numbers import EASTING, LATITUDE, LONGITUDE, NORTHING, RADIUS, parse_column
from geo.io.uploads.report import Problem, StopReadingError, UploadResult

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


@dataclass
class FacilityDraft:
    """What the worker read from a facility upload, before any coordinate transformation.

    Attributes
    ----------
    result : UploadResult
        Problems and hints so far, layers of a GeoPackage; ``data`` still None.
    table : pandas.DataFrame or None
        The facility columns (index = file row − 2); None if reading stopped.
    x, y : pandas.Series or None
        Coordinates as written (NaN: no position), same index.
    crs : int, str or None
        EPSG code or screened WKT of the coordinates (None: the file gives none).
    gis : bool
        From a GIS file (the range of a geographic system is checked after identifying it).
    skip : pandas.Series
        Rows already reported (swapped lat/lon): not checked against the city again.
    """

    result: UploadResult
    table: pd.DataFrame | None = None
    x: pd.Series | None = None
    y: pd.Series | None = None
    crs: int | str | None = None
    gis: bool = False
    skip: pd.Series = field(default_factory=lambda: pd.Series(dtype=bool))


def validate_facilities(
    name: str,
    content: bytes,
    stadtteile: gpd.GeoDataFrame,
    stadtgrenze: gpd.GeoDataFrame,
    existing_ids: set[str] | frozenset[str] = frozenset(),
    layer: str | None = None,
) -> UploadResult:
    """Validate an uploaded facility list (:func:`read_facilities` + :func:`place_facilities`).

    Accepted: CSV/XLSX with ``lat``/``lon`` (WGS84) or ``x``/``y`` (EPSG:25832), GeoJSON,
    GeoPackage, zipped Shapefile (points; a MultiPoint of one point). Missing
    ``kategorie``/``oeffentlich``/``in_betrieb`` default to an open senior meeting place in
    operation (reported as a hint).

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
    draft = read_facilities(name, content, existing_ids, layer)
    return place_facilities(draft, stadtteile, stadtgrenze)


def read_facilities(
    name: str,
    content: bytes,
    existing_ids: set[str] | frozenset[str] = frozenset(),
    layer: str | None = None,
) -> FacilityDraft:
    """Parse and check a facility upload without transforming coordinates (no PROJ).

    Runs in the sandbox worker (see :func:`geo.io.uploads.validate`).
    """
    result = UploadResult("facilities")
    errors, warnings = result.errors, result.warnings
    gis = Path(name).suffix.lower() in GEO_SUFFIXES
    swapped = pd.Series(dtype=bool)
    try:
        if gis:
            raw, crs = read_geodata(name, content, errors, warnings, layer, result.layers)
            x, y = _geodata_xy(raw, errors)
            frame = canonical(
                pd.DataFrame(raw.drop(columns="geometry")),
                FACILITY_ALIASES,
                warnings,
                errors,
                PACKAGE_COLUMNS,  # the package's own list loads without hints
            )
        else:
            frame = canonical(
                read_table(name, content, errors, warnings),
                FACILITY_ALIASES,
                warnings,
                errors,
                PACKAGE_COLUMNS,  # the package's own list loads without hints
            )
            x, y, crs, swapped = _table_xy(frame, errors, warnings)
    except StopReadingError:
        return FacilityDraft(result)
    table = _facility_columns(frame, errors, warnings, existing_ids)
    return FacilityDraft(result, table, x, y, crs, gis, swapped)


def place_facilities(
    draft: FacilityDraft, stadtteile: gpd.GeoDataFrame, stadtgrenze: gpd.GeoDataFrame
) -> UploadResult:
    """Points in EPSG:25832 for a draft, checked against the city (in the calling process).

    PROJ sees only an EPSG code here, or a definition the worker screened
    (:func:`geo.io.uploads.crs.identify`). Every problem is added to the draft's result; the
    data is set only if there is none.
    """
    result = draft.result
    if draft.table is None or draft.x is None or draft.y is None:
        return result
    errors = result.errors
    if draft.crs is None:
        errors.append(
            Problem(
                "Die Geodaten haben kein Koordinatenreferenzsystem.",
                "CRS im GIS setzen (z. B. EPSG:25832) und neu exportieren.",
            )
        )
        return result
    try:
        crs = identify(draft.crs, "der Datei")
    except CRSRefusedError as refused:
        errors.append(Problem(refused.message, refused.fix))
        return result
    x, y = draft.x, draft.y
    if draft.gis and crs.is_geographic:
        problems = _problems(range_problems(y, x, ("geometry", "geometry"), crs.name))
        if problems:
            capped(errors, problems)
            return result
    valid = (np.isfinite(x) & np.isfinite(y)).to_numpy().copy()
    if not draft.gis and draft.crs == 4326:  # degrees out of range: reported, no point
        valid &= ((y.abs() <= 90) & (x.abs() <= 180)).to_numpy()
    points = gpd.GeoSeries([None] * len(x), index=x.index, crs=METRIC_CRS)
    if valid.any():
        fix = hints.GEO_RANGE
        try:
            projected = gpd.GeoSeries.from_xy(x[valid], y[valid], crs=crs).to_crs(METRIC_CRS)
        except (CRSError, ProjError, ValueError):  # an impossible transformation
            errors.append(Problem(f"Umprojizieren aus {crs.name} nicht möglich.", fix))
            return result
        if not (np.isfinite(projected.x) & np.isfinite(projected.y)).all():
            # e.g. metres in a file that declares lon/lat: the transform yields infinities
            errors.append(
                Problem(f"Die Koordinaten passen nicht zum angegebenen System {crs.name}.", fix)
            )
            return result
        points[valid] = projected.to_numpy()
    capped(errors, _problems(city_problems(points, stadtgrenze.geometry.iloc[0], skip=draft.skip)))
    if errors:
        return result
    metric = gpd.GeoDataFrame(
        draft.table.reset_index(drop=True), geometry=points.to_numpy(), crs=METRIC_CRS
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


def _geodata_xy(raw: gpd.GeoDataFrame, errors: list[Problem]) -> tuple[pd.Series, pd.Series]:
    """Coordinates of the points of a GIS file, as written (no transformation here).

    A MultiPoint with exactly one point is that point (GIS programs save single points so);
    an object without geometry, of another type or with a coordinate that is not a finite
    number is an error naming the object.
    """
    bad = []
    xs, ys = np.full(len(raw), np.nan), np.full(len(raw), np.nan)
    for pos, (row, geom) in enumerate(zip(_rows(raw), raw.geometry, strict=True)):
        if geom is not None and geom.geom_type == "MultiPoint" and len(geom.geoms) == 1:
            geom = geom.geoms[0]
        if geom is None or geom.is_empty:
            bad.append(
                Problem(
                    "Objekt ohne Geometrie.",
                    "Punkt einzeichnen oder Zeile löschen.",
                    int(row),
                    "geometry",
                )
            )
        elif geom.geom_type == "MultiPoint":
            bad.append(
                Problem(
                    f"MultiPoint mit {len(geom.geoms)} Punkten; erwartet wird ein Punkt je "
                    "Einrichtung.",
                    "Die Punkte im GIS vereinzeln (je Einrichtung ein Objekt).",
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
        elif not (np.isfinite(geom.x) and np.isfinite(geom.y)):
            bad.append(
                Problem(
                    "Koordinate ist keine endliche Zahl.", hints.GEO_RANGE, int(row), "geometry"
                )
            )
        else:
            xs[pos], ys[pos] = shapely.get_x(geom), shapely.get_y(geom)
    if bad:
        capped(errors, bad)
        raise StopReadingError
    return pd.Series(xs, index=raw.index), pd.Series(ys, index=raw.index)


def _table_xy(
    frame: pd.DataFrame, errors: list[Problem], warnings: list[Problem]
) -> tuple[pd.Series, pd.Series, int, pd.Series]:
    """Coordinates of a table: lat/lon (EPSG:4326) or x/y (EPSG:25832), NaN without position.

    Problems are collected (not raised) so the column checks still run; only a table
    without any coordinate columns stops reading. Also returns the rows whose lat/lon look
    swapped (already reported; the location check skips them).
    """
    rows = _rows(frame)
    problems: list[Problem] = []
    if {"lat", "lon"} <= set(frame.columns):
        y = parse_column(frame["lat"], "lat", LATITUDE, errors, allow_negative=True)
        x = parse_column(frame["lon"], "lon", LONGITUDE, errors, allow_negative=True)
        crs, names = 4326, ("lat", "lon")
        problems += _problems(range_problems(y, x))
    elif {"x", "y"} <= set(frame.columns):
        x = parse_column(frame["x"], "x", EASTING, errors)
        y = parse_column(frame["y"], "y", NORTHING, errors)
        crs, names = 25832, ("y", "x")
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
    problems += _problems(half_position_problems(raw_y != "", raw_x != "", names[0]))
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
    if crs == 4326:
        # Swapped lat/lon would land in Somalia: one message per row (not a second one
        # saying the point lies outside the city).
        swapped = swapped_positions(y, x)
        problems += _problems(swapped_problems(y, x))
    capped(errors, sorted(problems, key=lambda p: p.row or 0))
    return x, y, crs, swapped


#: Code fields of an upload with the value an empty cell or a missing column stands for.
CODE_DEFAULTS = {"kategorie": "senioren_begegnung", "oeffentlich": "ja", "in_betrieb": "ja"}
#: Descriptive text columns taken over as they are.
TEXT_COLUMNS = ("typ", "traeger", "strasse_hausnr", "stand", "quelle_url", "hinweis")


def _facility_columns(
    frame: pd.DataFrame,
    errors: list[Problem],
    warnings: list[Problem],
    existing_ids: set[str] | frozenset[str],
) -> pd.DataFrame:
    """The package's facility columns of an upload, checked by the facility rules."""
    out = pd.DataFrame(index=frame.index)
    out["name"] = _text(frame, "name")
    out["id"] = _ids(frame)
    if "name" not in frame:
        errors.append(
            Problem("Spalte name fehlt.", "Eine Spalte name (Bezeichnung) ergänzen.", column="name")
        )
    found = id_problems(
        out["id"],
        existing_ids,
        taken_where="im Datenpaket",
        taken_fix="Andere id wählen oder die Liste ersetzen statt ergänzen.",
    )
    errors.extend(_problems([p for p in found if p.row is None])[:MAX_PROBLEMS])
    found = [p for p in found if p.row is not None]
    if "name" in frame:
        found += required_problems(out, ["name"], {"name": "Name"})
    for column, default in CODE_DEFAULTS.items():
        out[column] = _code_column(frame, column, default, warnings)
    found += code_problems(out, {column: CODES[column] for column in CODE_DEFAULTS})
    capped(errors, sorted(_problems(found), key=lambda p: p.row or 0))
    accuracy = parse_column(
        _text(frame, "lage_genauigkeit_m"), "lage_genauigkeit_m", RADIUS, errors
    )
    capped(errors, _problems(accuracy_problems(accuracy)))
    out["lage_genauigkeit_m"] = accuracy.fillna(0.0)
    out["lage_methode"] = "quelle_koordinate"
    for column in TEXT_COLUMNS:
        out[column] = _text(frame, column)
    out["typ"] = out["typ"].replace({"": "hochgeladen"})
    out["stadtteil"] = ""
    _markup_warnings(out, warnings)
    return out


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text (empty where the cell or the whole column is missing)."""
    values = frame[column] if column in frame else pd.Series("", index=frame.index)
    return values.astype("string").fillna("").str.strip()


def _ids(frame: pd.DataFrame) -> pd.Series:
    """The ids of the upload; rows without one get ``UP-<row position>``."""
    ids = _text(frame, "id")
    generated = ids == ""
    ids[generated] = [f"UP-{i + 1}" for i in np.flatnonzero(generated.to_numpy())]
    return ids


def _code_column(
    frame: pd.DataFrame, column: str, default: str, warnings: list[Problem]
) -> pd.Series:
    """A code column in lower case, empty cells (or a missing column) as ``default``."""
    if column not in frame:
        warnings.append(
            Problem(
                f"Spalte {column} fehlt; angenommen: {default!r}.",
                f"Spalte {column} ergänzen ({', '.join(CODES[column])}).",
                column=column,
            )
        )
    return _text(frame, column).str.lower().replace({"": default})


def _markup_warnings(out: pd.DataFrame, warnings: list[Problem]) -> None:
    """A hint for every row whose text contains HTML or script characters."""
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
                int(row),
                "name",
            )
            for row in _rows(out)[marked.to_numpy()]
        ],
        "Hinweise",
    )


def _problems(found: list[FacilityProblem]) -> list[Problem]:
    """The facility rules' findings as upload problems (row in the file: index + 2)."""
    return [
        Problem(p.message, p.fix, None if p.row is None else int(p.row) + 2, p.field) for p in found
    ]
