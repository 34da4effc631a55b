"""Reading an uploaded GeoPackage with Python's sqlite3 (in memory, read-only), not GDAL.

A GeoPackage is an SQLite database; its tables are listed in ``gpkg_contents`` and a feature
geometry is a small header plus WKB. Reading it ourselves means no GDAL driver (and none of
its virtual-table or VRT machinery) ever touches an upload. The database is deserialised
into memory, set read-only with untrusted schema, ``ATTACH`` disabled and value sizes bounded.
A file whose header says WAL journal (QGIS leaves these after an edit session; the upload is
the checkpointed main file) is read as a rollback-journal file: only the two header bytes
that name the journal mode differ. Rows, attributes, cells with content and text length are
counted by SQLite before a single value is fetched.
"""

from __future__ import annotations

import sqlite3
import struct

import geopandas as gpd
import pandas as pd
import shapely

from geo.io.uploads import hints
from geo.io.uploads.crs import CRSRefusedError, screen
from geo.io.uploads.limits import (
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TEXT_CHARS,
    capped,
    format_count,
    too_many_cells,
)
from geo.io.uploads.numbers import typed
from geo.io.uploads.report import Problem, StopReadingError

_FIX = "Die Datei in QGIS neu als GeoPackage exportieren (ein Punkt-Layer)."
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _connect(content: bytes) -> sqlite3.Connection:
    if content[18:20] == b"\x02\x02":  # WAL mode: an in-memory database cannot open it
        content = content[:18] + b"\x01\x01" + content[20:]
    connection = sqlite3.connect(":memory:")
    connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_BYTES)
    connection.deserialize(content)
    connection.execute("PRAGMA trusted_schema = OFF")
    connection.execute("PRAGMA query_only = ON")
    return connection


def layer_names(connection: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """Feature layers and attribute-only tables listed in ``gpkg_contents``."""
    rows = connection.execute(
        "SELECT table_name, data_type FROM gpkg_contents ORDER BY table_name"
    ).fetchall()
    features = [str(name) for name, kind in rows if kind == "features"]
    attributes = [str(name) for name, kind in rows if kind == "attributes"]
    return features, attributes


def read_gpkg(
    content: bytes, errors: list[Problem], layer: str | None = None, layers: list[str] | None = None
) -> tuple[gpd.GeoDataFrame, int | str | None]:
    """Points (or None) and text attributes of one feature layer of a GeoPackage.

    Parameters
    ----------
    content : bytes
        The file.
    errors : list of Problem
        Receives the problems.
    layer : str, optional
        Layer to read; required when the file has more than one feature layer.
    layers : list of str, optional
        Receives the names of the feature layers (for a layer choice in the UI).

    Returns
    -------
    geopandas.GeoDataFrame
        Index = feature number − 2; no ``crs`` set (PROJ is not used here).
    int, str or None
        The layer's system from ``gpkg_spatial_ref_sys``: an EPSG code, a screened WKT
        definition (:func:`geo.io.uploads.crs.screen`) or None (undefined).
    """

    def fail(message: str, fix: str = _FIX) -> None:
        errors.append(Problem(message, fix))
        raise StopReadingError

    connection = None
    try:
        connection = _connect(content)
        features, attributes = layer_names(connection)
        if layers is not None:
            layers.extend(features)
        if not features:
            if attributes:
                fail(
                    f"Die GeoPackage-Datei enthält nur Tabellen ohne Geometrie "
                    f"({', '.join(attributes[:5])}).",
                    "Einen Punkt-Layer exportieren oder die Tabelle als CSV mit lat/lon hochladen.",
                )
            fail("Die GeoPackage-Datei enthält keinen Layer mit Geometrien.")
        if layer is None:
            if len(features) > 1:
                fail(
                    f"Die GeoPackage-Datei enthält {len(features)} Layer "
                    f"({', '.join(features[:10])}); welcher die Einrichtungen enthält, ist offen.",
                    "Den Layer auswählen (Daten-Seite: Auswahl „Layer“; Befehlszeile: --layer NAME) "
                    "oder nur diesen Layer exportieren.",
                )
            layer = features[0]
        elif layer not in features:
            fail(
                f"Layer {layer[:60]!r} gibt es in der Datei nicht (vorhanden: "
                f"{', '.join(features[:10])}).",
                "Einen der vorhandenen Layer wählen.",
            )
        return _read_layer(connection, layer, fail, errors)
    except sqlite3.Error as error:
        fail(f"Die GeoPackage-Datei ist nicht lesbar ({_reason(error)}).")
    finally:
        if connection is not None:
            connection.close()
    raise AssertionError  # unreachable


def _read_layer(
    connection: sqlite3.Connection, layer: str, fail, errors
) -> tuple[gpd.GeoDataFrame, int | str | None]:
    kind = connection.execute("SELECT type FROM sqlite_master WHERE name = ?", (layer,)).fetchone()
    if not kind or kind[0] != "table":
        fail(f"Layer {layer[:60]!r} ist keine gewöhnliche Tabelle (z. B. eine Sicht).")
    geometry = connection.execute(
        "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)
    ).fetchone()
    if not geometry:
        fail(f"Zum Layer {layer[:60]!r} ist keine Geometriespalte eingetragen.")
    geometry_column, srs_id = str(geometry[0]), geometry[1]
    info = connection.execute(f"PRAGMA table_info({_quote(layer)})").fetchall()
    columns = [
        str(row[1])
        for row in info
        if str(row[1]) != geometry_column and not (row[5] and str(row[2]).upper() == "INTEGER")
    ]
    if len(columns) > MAX_COLUMNS:
        fail(f"Zu viele Attribute ({len(columns)}, erlaubt {MAX_COLUMNS}).", "Attribute löschen.")
    count = connection.execute(f"SELECT COUNT(*) FROM {_quote(layer)}").fetchone()[0]
    if count > MAX_ROWS:
        fail(
            f"Zu viele Objekte ({format_count(count)}, erlaubt {format_count(MAX_ROWS)}).",
            "Die Datei aufteilen.",
        )
    _check_values(connection, layer, columns, fail)
    try:
        crs = _crs(connection, srs_id)
    except CRSRefusedError as refused:
        fail(refused.message, refused.fix)
    selected = ", ".join(_quote(c) for c in [geometry_column, *columns])
    rows = connection.execute(f"SELECT {selected} FROM {_quote(layer)}").fetchall()
    problems: list[Problem] = []
    geometries = [_geometry(row[0], number, problems) for number, row in enumerate(rows, 1)]
    capped(errors, problems)
    if problems:
        raise StopReadingError
    frame = pd.DataFrame(
        {name: [_text(row[pos + 1]) for row in rows] for pos, name in enumerate(columns)},
        columns=columns,
        index=pd.RangeIndex(-1, len(rows) - 1),
        dtype=str,
    )
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, index=frame.index)), crs


def _check_values(connection: sqlite3.Connection, layer: str, columns: list[str], fail) -> None:
    """Cells with content and the longest text of the layer, counted by SQLite (no fetch)."""
    if not columns:
        return
    filled = " + ".join(
        f"SUM(CASE WHEN {_quote(c)} IS NULL OR CAST({_quote(c)} AS TEXT) = '' THEN 0 ELSE 1 END)"
        for c in columns
    )
    longest = ", ".join(f"MAX(LENGTH(CAST({_quote(c)} AS TEXT)))" for c in columns)
    cells, *lengths = connection.execute(
        f"SELECT {filled}, {longest} FROM {_quote(layer)}"
    ).fetchone()
    if (cells or 0) > MAX_CELLS:
        problem = too_many_cells(int(cells))
        fail(problem.message, problem.fix)
    for column, length in zip(columns, lengths, strict=True):
        if (length or 0) > MAX_TEXT_CHARS:
            fail(
                f"Das Attribut {column[:40]!r} enthält einen Text mit {format_count(int(length))} "
                f"Zeichen (erlaubt {format_count(MAX_TEXT_CHARS)}).",
                hints.LONG_TEXT,
            )


def _crs(connection: sqlite3.Connection, srs_id: object) -> int | str | None:
    """The layer's system: an EPSG code, or a screened definition (see geo.io.uploads.crs)."""
    row = connection.execute(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys "
        "WHERE srs_id = ?",
        (srs_id,),
    ).fetchone()
    if not row or srs_id in (0, -1):
        return None  # "undefined" in the GeoPackage standard
    organization, code, definition = row
    if str(organization).upper() == "EPSG":
        try:
            return int(code)
        except (TypeError, ValueError):
            raise CRSRefusedError(f"EPSG-Code {str(code)[:20]!r} ist keine Zahl.") from None
    if not isinstance(definition, str):
        raise CRSRefusedError("Das Koordinatensystem der GeoPackage-Datei ist nicht beschrieben.")
    return screen(definition[:65536], "der GeoPackage-Datei")


def _geometry(blob: object, number: int, problems: list[Problem]) -> shapely.Geometry | None:
    if blob is None:
        return None
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP":
        problems.append(Problem("Ungültige Geometrie (kein GeoPackage-Format).", _FIX, number))
        return None
    flags = blob[3]
    if flags & 0b10000:  # empty geometry
        return None
    envelope = _ENVELOPE_BYTES.get((flags >> 1) & 0b111)
    if envelope is None or flags & 0b100000:
        problems.append(Problem("Ungültige Geometrie (unbekannter Kopf).", _FIX, number))
        return None
    try:
        geometry = shapely.from_wkb(blob[8 + envelope :])
    except (shapely.errors.GEOSException, ValueError, TypeError, struct.error):
        problems.append(Problem("Ungültige Geometrie (WKB nicht lesbar).", _FIX, number))
        return None
    return None if geometry is None or geometry.is_empty else geometry


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return f"(Binärdaten, {len(value)} Bytes)"
    return typed(repr(value)) if isinstance(value, float) else str(value)


def _reason(error: sqlite3.Error) -> str:
    text = str(error)
    if "no such table: gpkg_contents" in text:
        return "keine GeoPackage-Tabellen, nur eine SQLite-Datenbank"
    if "malformed" in text or "not a database" in text:
        return "Datenbank beschädigt"
    if "no such module" in text:
        return "enthält eine virtuelle Tabelle eines unbekannten Moduls"
    return "Datenbankfehler"
