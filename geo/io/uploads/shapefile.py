"""Reading a zipped point Shapefile ourselves (``.shp`` points, ``.dbf`` attributes, ``.prj``).

Facilities are points, and point Shapefiles are simple enough to read without GDAL: the
``.shp`` records are fixed-size, the ``.dbf`` is a fixed-width table. Members are checked
(count, unpacked size, paths, magic bytes) before anything is read, and nothing is written
to disk. MultiPoint records are read as written (the facility rules accept one with a
single point); records the ``.dbf`` marks as deleted (``*``) are skipped with their shape,
as every GIS does; cells with content are counted on the raw table before any text is
decoded. The ``.prj`` only identifies an EPSG code (:mod:`geo.io.uploads.crs`).
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io.uploads.crs import CRSRefusedError, screen
from geo.io.uploads.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
    ZIP_READ_ERRORS,
    format_count,
    format_mb,
    too_many_cells,
)
from geo.io.uploads.numbers import typed
from geo.io.uploads.report import Problem, StopReadingError

_FIX = "Das Shapefile im GIS neu exportieren und alle Teile (.shp, .shx, .dbf, .prj) packen."
_SHAPE_TYPES = {
    0: "leer", 1: "Point", 3: "LineString", 5: "Polygon", 8: "MultiPoint", 11: "Point",
    13: "LineString", 15: "Polygon", 18: "MultiPoint", 21: "Point", 23: "LineString",
    25: "Polygon", 28: "MultiPoint", 31: "MultiPatch",
}  # fmt: skip
_POINT_TYPES = {1, 11, 21}
_MULTIPOINT_TYPES = {8, 18, 28}
_CODEPAGES = {
    "utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8",
    "1252": "cp1252", "cp1252": "cp1252", "windows-1252": "cp1252", "ansi 1252": "cp1252",
    "iso-8859-1": "latin-1", "iso88591": "latin-1", "8859-1": "latin-1", "latin1": "latin-1",
    "iso-8859-15": "iso-8859-15", "88591": "latin-1",
}  # fmt: skip
_DBF_VERSIONS = {0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5, 0xFB}


def check_zip(content: bytes, errors: list[Problem]) -> zipfile.ZipFile:
    """Open a ZIP upload after checking member count, unpacked size and paths."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        errors.append(Problem("Die Datei ist kein gültiges ZIP-Archiv.", "Das Archiv neu packen."))
        raise StopReadingError from exc
    if len(members) > MAX_ZIP_MEMBERS:
        errors.append(
            Problem(
                f"Das Archiv enthält zu viele Dateien ({len(members)}).",
                f"Höchstens {MAX_ZIP_MEMBERS} Dateien packen.",
            )
        )
        raise StopReadingError
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNZIPPED_BYTES:
        errors.append(
            Problem(
                f"Das Archiv ist entpackt zu groß ({format_mb(unpacked)}).",
                f"Entpackt höchstens {format_mb(MAX_UNZIPPED_BYTES)}.",
            )
        )
        raise StopReadingError
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in member.filename:
            errors.append(
                Problem(
                    f"Unzulässiger Pfad im Archiv: {member.filename[:80]!r}.",
                    "Nur Dateien ohne absolute Pfade oder '..' packen.",
                )
            )
            raise StopReadingError
    return archive


def read_shapefile_zip(
    content: bytes, errors: list[Problem], warnings: list[Problem]
) -> tuple[gpd.GeoDataFrame, str]:
    """Points (or None) and text attributes of the one Shapefile in a ZIP upload.

    Returns
    -------
    geopandas.GeoDataFrame
        Index = object number − 2; no ``crs`` set (PROJ is not used here).
    str
        The ``.prj`` definition, screened (:func:`geo.io.uploads.crs.screen`).
    """

    def fail(message: str, fix: str = _FIX) -> None:
        errors.append(Problem(message, fix))
        raise StopReadingError

    archive = check_zip(content, errors)
    parts = _shapefile_parts(archive, fail)

    def read(suffix: str) -> bytes:
        try:
            return archive.read(parts[suffix])
        except ZIP_READ_ERRORS:
            fail(f"Die Datei {parts[suffix].filename[:60]} im Archiv ist beschädigt.")
        raise AssertionError  # unreachable

    geometries = _points(read(".shp"), fail)
    if read(".shx")[:4] != b"\x00\x00\x27\x0a":
        fail("Die .shx-Datei ist keine Shapefile-Indexdatei.")
    encoding = None
    if ".cpg" in parts:
        encoding = _CODEPAGES.get(read(".cpg")[:40].decode("ascii", "replace").strip().lower())
    frame, deleted = _dbf(read(".dbf"), encoding, fail, warnings)
    if len(frame) + len(deleted) != len(geometries):
        fail(
            f"Die .shp-Datei hat {len(geometries)} Objekte, die .dbf-Datei "
            f"{len(frame) + len(deleted)} Zeilen.",
        )
    if deleted:
        geometries = _skip_deleted(geometries, deleted, warnings)
    prj = read(".prj")[:65536].decode("utf-8", "replace")
    try:
        crs = screen(prj, "der .prj-Datei")
    except CRSRefusedError as refused:
        fail(refused.message, refused.fix)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometries, index=frame.index)), crs


def _shapefile_parts(archive: zipfile.ZipFile, fail) -> dict[str, zipfile.ZipInfo]:
    """The members of the one Shapefile by suffix; .shx, .dbf and .prj must be there.

    Folders and macOS metadata (``__MACOSX/``, ``._*``) are ignored.
    """
    members = [
        m
        for m in archive.infolist()
        if not m.is_dir()
        and not m.filename.startswith("__MACOSX/")
        and not PurePosixPath(m.filename).name.startswith("._")
    ]
    shps = [m for m in members if m.filename.lower().endswith(".shp")]
    if len(shps) != 1:
        fail(
            f"Das Archiv muss genau eine .shp-Datei enthalten (gefunden: {len(shps)}).",
            "Nur einen Shapefile-Datensatz packen.",
        )
    stem = PurePosixPath(shps[0].filename).with_suffix("")
    parts = {
        PurePosixPath(m.filename).suffix.lower(): m
        for m in members
        if PurePosixPath(m.filename).with_suffix("") == stem
    }
    missing = [s for s in (".shx", ".dbf") if s not in parts]
    if missing:
        fail(
            f"Zum Shapefile fehlen {', '.join(missing)}.",
            "Alle Teile (.shp, .shx, .dbf, .prj) packen.",
        )
    if ".prj" not in parts:
        fail("Zum Shapefile fehlt die .prj-Datei (Koordinatensystem).", "Die .prj-Datei mitpacken.")
    return parts


def _skip_deleted(
    geometries: list[shapely.Geometry | None], deleted: list[int], warnings: list[Problem]
) -> list[shapely.Geometry | None]:
    """The geometries without the objects the .dbf marks as deleted (with a warning)."""
    warnings.append(
        Problem(
            f"{format_count(len(deleted))} in der .dbf-Datei als gelöscht markierte(s) "
            f"Objekt(e) übersprungen (Nr. {', '.join(str(n + 1) for n in deleted[:10])}"
            f"{' …' if len(deleted) > 10 else ''}).",
            "–",
        )
    )
    gone = set(deleted)
    return [g for n, g in enumerate(geometries) if n not in gone]


def _points(shp: bytes, fail) -> list[shapely.Geometry | None]:
    if len(shp) < 100 or shp[:4] != b"\x00\x00\x27\x0a":
        fail("Die .shp-Datei ist keine Shapefile-Datei.")
    shape_type = struct.unpack("<i", shp[32:36])[0]
    if shape_type not in _POINT_TYPES | _MULTIPOINT_TYPES and shape_type != 0:
        kind = _SHAPE_TYPES.get(shape_type, str(shape_type))
        fail(f"Geometrietyp {kind}; erwartet werden Punkte.", "Einrichtungen als Punkte speichern.")
    points: list[shapely.Geometry | None] = []
    offset = 100
    while offset + 12 <= len(shp):
        if len(points) >= MAX_ROWS:
            fail(f"Zu viele Objekte (mehr als {format_count(MAX_ROWS)}).", "Die Datei aufteilen.")
        length = struct.unpack(">i", shp[offset + 4 : offset + 8])[0] * 2
        record = shp[offset + 8 : offset + 8 + length]
        if length < 4 or len(record) < length:
            fail("Die .shp-Datei ist beschädigt (unvollständiger Datensatz).")
        kind = struct.unpack("<i", record[:4])[0]
        if kind == 0:
            points.append(None)
        elif kind in _POINT_TYPES and length >= 20:
            x, y = struct.unpack("<2d", record[4:20])
            points.append(shapely.Point(x, y))
        elif kind in _MULTIPOINT_TYPES and length >= 40:
            # box (4 doubles), number of points, then x/y pairs (Z and M follow; not needed)
            count = struct.unpack("<i", record[36:40])[0]
            if count < 0 or 40 + 16 * count > length:
                fail("Die .shp-Datei ist beschädigt (MultiPoint länger als sein Datensatz).")
            xy = np.frombuffer(record, dtype="<f8", count=2 * count, offset=40).reshape(-1, 2)
            points.append(shapely.MultiPoint(xy) if count else None)
        else:
            fail(f"Die .shp-Datei enthält einen Datensatz vom Typ {kind} (erwartet Punkt).")
        offset += 8 + length
    return points


def _dbf(
    dbf: bytes, encoding: str | None, fail, warnings: list[Problem]
) -> tuple[pd.DataFrame, list[int]]:
    """The attribute table (index = object number − 2) and the numbers of deleted records."""
    if len(dbf) < 33 or dbf[0] not in _DBF_VERSIONS:
        fail("Die .dbf-Datei ist keine dBASE-Tabelle.")
    count, header_length, record_length = struct.unpack("<IHH", dbf[4:12])
    if count > MAX_ROWS:
        fail(f"Zu viele Objekte ({format_count(count)}).", "Die Datei aufteilen.")
    if header_length < 33 or record_length < 1 or header_length + count * record_length > len(dbf):
        fail("Die .dbf-Datei ist beschädigt (Länge passt nicht zum Kopf).")
    fields: list[tuple[bytes, str, int]] = []
    for start in range(32, header_length - 1, 32):
        if dbf[start] == 0x0D:
            break
        descriptor = dbf[start : start + 32]
        if len(descriptor) < 32:
            break
        fields.append((descriptor[:11].split(b"\x00")[0], chr(descriptor[11]), descriptor[16]))
    if len(fields) > MAX_COLUMNS:
        fail(f"Zu viele Attribute ({len(fields)}, erlaubt {MAX_COLUMNS}).", "Attribute löschen.")
    if sum(width for *_, width in fields) + 1 > record_length:
        fail("Die .dbf-Datei ist beschädigt (Feldbreiten passen nicht zur Satzlänge).")
    table = np.frombuffer(dbf, dtype=np.uint8, count=count * record_length, offset=header_length)
    table = table.reshape(count, record_length)
    deleted = np.flatnonzero(table[:, 0] == ord("*"))
    kept = np.flatnonzero(table[:, 0] != ord("*"))
    table = table[kept]
    # Cells with content, counted on the raw bytes (blank = spaces or NUL only).
    cells, position = 0, 1
    for *_, width in fields:
        cell = table[:, position : position + width]
        cells += int(np.count_nonzero(((cell != 0x20) & (cell != 0)).any(axis=1)))
        position += width
    if cells > MAX_CELLS:
        problem = too_many_cells(cells)
        fail(problem.message, problem.fix)
    raw_rows = [row.tobytes() for row in table]
    if encoding is None:
        # No .cpg: UTF-8 if every text decodes as UTF-8 (QGIS), else Windows-1252 (ArcGIS).
        try:
            for row in raw_rows:
                row.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1252"
            warnings.append(
                Problem(
                    "Die .dbf-Datei gibt keine Kodierung an; sie wurde als Windows-1252 gelesen.",
                    "Umlaute prüfen; beim Export UTF-8 wählen (dann liegt eine .cpg-Datei bei).",
                )
            )
    columns: dict[str, list[str]] = {}
    position = 1  # byte 0 of a record is the deletion flag
    for name, kind, width in fields:
        label = name.decode(encoding, "replace").strip() or f"feld_{len(columns) + 1}"
        if label in columns:
            fail(
                f"Die .dbf-Datei hat zwei Attribute mit dem Namen „{label[:20]}“.",
                "Eines der beiden Attribute im GIS umbenennen oder löschen.",
            )
        values = [
            row[position : position + width].decode(encoding, "replace").strip() for row in raw_rows
        ]
        if kind == "D":
            values = [
                f"{v[:4]}-{v[4:6]}-{v[6:8]}" if len(v) == 8 and v.isdigit() else v for v in values
            ]
        elif kind in ("N", "F"):  # dBASE numbers: decimal point, never grouped
            values = [typed(v) for v in values]
        columns[label] = values
        position += width
    index = pd.Index(kept - 1, dtype="int64")  # object number − 2
    return pd.DataFrame(columns, index=index, dtype=str), [int(n) for n in deleted]
