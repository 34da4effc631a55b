"""Reading uploaded GeoJSON with the json module (bounded), never with GDAL.

GDAL opens whatever a file contains (a VRT description behind a ``.geojson`` suffix reads
other files of the server). Here a GeoJSON upload is parsed as JSON text and nothing else:
nesting depth is checked before parsing, ``NaN``/``Infinity`` are refused, every member is
type-checked, and a ``crs`` member is accepted only as an EPSG code.
"""

from __future__ import annotations

import json
import math
import re
from typing import NoReturn

import geopandas as gpd
import pandas as pd
import shapely

from geo.io import untrusted_json
from geo.io.uploads import hints
from geo.io.uploads.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_JSON_DEPTH,
    MAX_ROWS,
    capped,
    format_count,
)
from geo.io.uploads.numbers import typed
from geo.io.uploads.report import Problem, StopReadingError

_EPSG = re.compile(r"^(?:urn:ogc:def:crs:)?epsg:(?:[\d.]*:)?:?(\d{4,6})$", re.IGNORECASE)
_CRS84 = re.compile(r"^(?:urn:ogc:def:crs:)?ogc:(?:[\d.]*:)?:?crs84$", re.IGNORECASE)
_FIX_EXPORT = "Die Datei im GIS neu als GeoJSON exportieren (Punkte, EPSG:4326)."


def json_depth(content: bytes) -> int:
    """Deepest nesting of ``{``/``[`` outside strings, in linear time (no recursion)."""
    return untrusted_json.scan(content).depth


#: Most object members and commas a GeoJSON with :data:`MAX_ROWS` points and
#: :data:`MAX_CELLS` attribute values can need (a point feature needs 5 members, an id and a
#: bounding box 2 more): anything beyond is refused before it is parsed.
MAX_MEMBERS = 8 * MAX_ROWS + MAX_CELLS
MAX_VALUES = 12 * MAX_ROWS + MAX_CELLS


def epsg_code(name: object) -> int | None:
    """The EPSG code of a GeoJSON ``crs`` name or CRS84 (anything else: None; no PROJ)."""
    if not isinstance(name, str) or len(name) > 100:
        return None
    if _CRS84.match(name.strip()):
        return 4326
    match = _EPSG.match(name.strip())
    return int(match.group(1)) if match else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return typed(repr(value)) if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False)[:1000]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_geojson(content: bytes, errors: list[Problem]) -> tuple[gpd.GeoDataFrame, int]:
    """Points (or None) and text attributes of a GeoJSON FeatureCollection.

    Returns
    -------
    geopandas.GeoDataFrame
        Index = feature number − 2 (so ``index + 2`` is the feature number shown in
        messages as "Zeile"); no ``crs`` set (PROJ is not used here).
    int
        EPSG code of the file's ``crs`` (default 4326).
    """
    data = _parse_json(content, errors)
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        _fail(
            errors, 'Die Datei ist keine GeoJSON-FeatureCollection ("type": "FeatureCollection").'
        )
    features = data.get("features")
    if not isinstance(features, list):
        _fail(errors, 'Die GeoJSON-Datei hat keine Liste "features".')
    if len(features) > MAX_ROWS:
        _fail(
            errors,
            f"Zu viele Objekte ({format_count(len(features))}, erlaubt {format_count(MAX_ROWS)}).",
            "Die Datei aufteilen.",
        )
    crs = _crs_of(data, errors)
    return _features_frame(features, errors), crs


def _fail(errors: list[Problem], message: str, fix: str = _FIX_EXPORT) -> NoReturn:
    """Record the problem and stop reading the file."""
    errors.append(Problem(message, fix))
    raise StopReadingError


def _parse_json(content: bytes, errors: list[Problem]) -> object:
    """The decoded JSON, after checking encoding, nesting depth and size before parsing."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        _fail(
            errors,
            f"Die GeoJSON-Datei ist nicht UTF-8-kodiert (Byte {error.start}).",
            "Als GeoJSON mit Kodierung UTF-8 exportieren.",
        )
    shape = untrusted_json.scan(content)
    if shape.depth > MAX_JSON_DEPTH:
        _fail(
            errors,
            f"Die GeoJSON-Datei ist zu tief verschachtelt ({format_count(shape.depth)} Ebenen, "
            f"erlaubt {MAX_JSON_DEPTH}).",
        )
    if shape.members > MAX_MEMBERS or shape.values > MAX_VALUES:
        _fail(
            errors,
            f"Die GeoJSON-Datei enthält zu viele Werte ({format_count(shape.values + 1)}; "
            f"erlaubt sind {format_count(MAX_ROWS)} Punkte mit zusammen "
            f"{format_count(MAX_CELLS)} Attributwerten).",
            hints.SPLIT,
        )
    try:
        return untrusted_json.loads(text, MAX_JSON_DEPTH)
    except json.JSONDecodeError as error:
        _fail(
            errors,
            f"Die Datei ist kein gültiges JSON (Zeile {error.lineno}, Spalte {error.colno}: "
            f"{_reason(error.msg)}).",
        )
    except (ValueError, RecursionError) as error:  # our German messages (numbers, keys)
        _fail(errors, f"Die Datei ist kein gültiges GeoJSON: {error}")


def _crs_of(data: dict, errors: list[Problem]) -> int:
    """EPSG code of the collection's ``crs`` member (4326 without one)."""
    crs: int | None = 4326
    if "crs" in data and data["crs"] is not None:
        crs_member = data["crs"]
        name = crs_member.get("properties", {}) if isinstance(crs_member, dict) else None
        name = name.get("name") if isinstance(name, dict) else None
        crs = epsg_code(name)
        if crs is None:
            _fail(
                errors,
                f'Unbekanntes Koordinatenreferenzsystem {str(name)[:60]!r} im Element "crs".',
                "Nach EPSG:4326 (Längen-/Breitengrade) oder EPSG:25832 umprojizieren.",
            )
    return crs


def _features_frame(features: list, errors: list[Problem]) -> gpd.GeoDataFrame:
    """Text attributes and point geometries of the features (index = feature number − 2)."""
    columns: dict[str, None] = {}
    records: list[dict[str, str]] = []
    geometries: list[shapely.Geometry | None] = []
    problems: list[Problem] = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(feature, dict) or not isinstance(properties, dict | None):
            problems.append(
                Problem(
                    'Das Objekt ist kein GeoJSON-Feature mit "properties".', _FIX_EXPORT, number
                )
            )
            geometries.append(None)
            records.append({})
            continue
        record = {str(k)[:200]: _text(v) for k, v in (properties or {}).items()}
        for key in record:
            columns.setdefault(key)
        if len(columns) > MAX_COLUMNS:
            _fail(
                errors,
                f"Zu viele Attribute (mehr als {MAX_COLUMNS}).",
                "Nicht benötigte Attribute löschen.",
            )
        records.append(record)
        geometries.append(_geometry(feature.get("geometry"), number, problems))
    capped(errors, problems)
    if problems:
        raise StopReadingError
    names = [c for c in columns if c != "geometry"]
    frame = pd.DataFrame(
        {c: [r.get(c, "") for r in records] for c in names},
        columns=names,
        index=pd.RangeIndex(-1, len(records) - 1),
        dtype=str,
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, index=frame.index))


def _position(value: object) -> bool:
    return isinstance(value, list) and 2 <= len(value) <= 4 and all(_number(c) for c in value)


def _geometry(value: object, number: int, problems: list[Problem]) -> shapely.Geometry | None:
    """A Point or MultiPoint as written (the facility rules decide what a point is)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        problems.append(Problem("Ungültige Geometrie (kein GeoJSON-Objekt).", _FIX_EXPORT, number))
        return None
    kind, coordinates = value["type"], value.get("coordinates")
    if kind in ("Point", "MultiPoint") and coordinates == []:
        return None
    if kind == "Point" and _position(coordinates):
        return shapely.Point(coordinates[0], coordinates[1])
    if (
        kind == "MultiPoint"
        and isinstance(coordinates, list)
        and all(_position(c) for c in coordinates)
    ):
        return shapely.MultiPoint([(c[0], c[1]) for c in coordinates])
    if kind in ("Point", "MultiPoint"):
        problems.append(
            Problem(
                f"Ungültige Punktkoordinaten {json.dumps(coordinates)[:60]}.",
                "Koordinaten als [Länge, Breite] mit endlichen Zahlen angeben.",
                number,
                "geometry",
            )
        )
        return None
    known = {"LineString", "MultiLineString", "Polygon", "MultiPolygon"}
    if kind in known | {"GeometryCollection"}:
        problems.append(
            Problem(
                f"Geometrietyp {kind}; erwartet wird ein Punkt.",
                "Einrichtungen als Punkte speichern.",
                number,
                "geometry",
            )
        )
        return None
    problems.append(Problem(f"Unbekannter Geometrietyp {kind[:40]!r}.", _FIX_EXPORT, number))
    return None


def _reason(message: str) -> str:
    return {
        "Expecting value": "Wert erwartet",
        "Expecting property name enclosed in double quotes": "Name in Anführungszeichen erwartet",
        "Expecting ',' delimiter": "Komma erwartet",
        "Expecting ':' delimiter": "Doppelpunkt erwartet",
        "Extra data": "Text nach dem Ende",
        "Unterminated string starting at": "Text ohne schließendes Anführungszeichen",
        "Invalid control character at": "unzulässiges Steuerzeichen",
    }.get(message, "Syntaxfehler")
