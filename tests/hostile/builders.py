"""Builders for hostile and messy files, generated in code (no committed binaries).

XLSX workbooks are written as ZIP + XML directly, so a test can state exactly what a
crafted file contains (a dimension of A1:XFD1048576, a formula without cached value, …).
"""

from __future__ import annotations

import io
import json
import sqlite3
import struct
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import geopandas as gpd
import openpyxl
import pandas as pd
import shapely

from tests.synthetic import X0, Y0, metric_point

#: A position inside the synthetic Stadtteil 02 Nord (WGS84).
LON, LAT = metric_point(X0 + 500, Y0 + 1500)
#: Content of a file that stands for a secret on the server (the VRT test must not leak it).
SECRET = "GEHEIM-7f3a9c-nicht-lesbar"


def csv_bytes(rows: list[list[object]], delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    """A CSV file from rows (no quoting: tests write exactly what they mean)."""
    return "".join(delimiter.join(map(str, r)) + "\n" for r in rows).encode(encoding)


def good_facility_rows() -> list[list[object]]:
    return [
        ["name", "lat", "lon", "kategorie"],
        ["Neuer Treff", f"{LAT:.6f}", f"{LON:.6f}", "senioren_begegnung"],
    ]


def zip_bytes(members: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_openpyxl(rows: list[list[object]]) -> bytes:
    """A normal workbook written by openpyxl."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def column_name(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_xml(ref: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_rows_xml(rows: list[list[object]]) -> str:
    out = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(cell_xml(f"{column_name(c)}{r}", v) for c, v in enumerate(row))
        out.append(f'<row r="{r}">{cells}</row>')
    return "".join(out)


def xlsx_raw(
    sheet_data: str,
    dimension: str | None = None,
    shared_strings: str | None = None,
    sheet_prefix: str = "",
    extra: dict[str, bytes | str] | None = None,
) -> bytes:
    """A minimal XLSX whose first sheet's ``<sheetData>`` is ``sheet_data`` (XML text)."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel_ns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    members: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} {rel_ns}>'
            '<sheets><sheet name="Tabelle1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?>{sheet_prefix}<worksheet {ns}>{dim}'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    if shared_strings is not None:
        members["xl/sharedStrings.xml"] = shared_strings
    members.update(extra or {})
    return zip_bytes(members)


def geojson_bytes(features: list[dict], crs: str | None = None) -> bytes:
    data: dict = {"type": "FeatureCollection", "features": features}
    if crs:
        data["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(data).encode()


def point_feature(lon: float, lat: float, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def _written(write, suffix: str = "") -> bytes:
    """Bytes of a file that ``write(path)`` creates in a private temp dir."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"datei{suffix}"
        write(path)
        return path.read_bytes()


def gpkg_bytes(layers: dict[str, gpd.GeoDataFrame | pd.DataFrame]) -> bytes:
    """A GeoPackage with the given layers (written by GDAL through geopandas/pyogrio)."""

    def write(path: Path) -> None:
        import pyogrio

        for name, frame in layers.items():
            if isinstance(frame, gpd.GeoDataFrame):
                frame.to_file(path, layer=name, driver="GPKG")
            else:
                pyogrio.write_dataframe(frame, path, layer=name, driver="GPKG")

    return _written(write, ".gpkg")


def facility_points(n: int = 1, crs: int = 4326) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {"name": [f"Treff {i + 1}" for i in range(n)]},
        geometry=[shapely.Point(X0 + 500 + i, Y0 + 1500) for i in range(n)],
        crs=25832,
    )
    return frame.to_crs(crs)


def gpkg_with_virtual_table(secret_path: str) -> bytes:
    """A GeoPackage whose layer is a VirtualOGR table pointing at a server file.

    GDAL's SQLite dialect can create such tables; our reader must neither follow them nor
    show the file's content.
    """
    base = gpkg_bytes({"treffs": facility_points()})

    def write(path: Path) -> None:
        path.write_bytes(base)
        con = sqlite3.connect(path)
        con.execute("PRAGMA writable_schema = ON")
        con.execute(
            "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
            "('table', 'geheim', 'geheim', 0, ?)",
            (f"CREATE VIRTUAL TABLE geheim USING VirtualOGR('{secret_path}')",),
        )
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('geheim', 'features', 'geheim', 4326)"
        )
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('geheim', 'geom', 'POINT', 4326, 0, 0)"
        )
        con.execute("DELETE FROM gpkg_contents WHERE table_name = 'treffs'")
        con.commit()
        con.close()

    return _written(write, ".gpkg")


def shapefile_zip(frame: gpd.GeoDataFrame | None = None, **replace: bytes) -> bytes:
    """A zipped Shapefile (``treffs.*``); ``replace`` swaps a member's content by suffix."""
    frame = facility_points() if frame is None else frame

    def members() -> dict[str, bytes]:
        with tempfile.TemporaryDirectory() as tmp:
            frame.to_file(Path(tmp) / "treffs.shp")
            return {p.name: p.read_bytes() for p in Path(tmp).glob("treffs.*")}

    files = members()
    for suffix, content in replace.items():
        files[f"treffs.{suffix}"] = content
    return zip_bytes(files)


def vrt_xml(path: str) -> bytes:
    """A GDAL VRT description that reads ``path`` as a CSV layer."""
    return (
        '<OGRVRTDataSource><OGRVRTLayer name="x">'
        f"<SrcDataSource>{escape(path)}</SrcDataSource>"
        f"<SrcLayer>{escape(Path(path).stem)}</SrcLayer>"
        "<GeometryType>wkbPoint</GeometryType><LayerSRS>WGS84</LayerSRS>"
        '<GeometryField encoding="PointFromColumns" x="lon" y="lat"/>'
        "</OGRVRTLayer></OGRVRTDataSource>"
    ).encode()


def corrupt_member_crc(archive: bytes, member: str) -> bytes:
    """Flip a byte in the stored data of ``member`` (its CRC no longer matches)."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        info = zf.getinfo(member)
    offset = info.header_offset
    name_len, extra_len = struct.unpack("<HH", data[offset + 26 : offset + 30])
    start = offset + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0xFF
    return bytes(data)


#: ESRI WKT of WGS84 as GDAL writes it into a .prj.
PRJ_WGS84 = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


def shapefile_raw(
    shapes: list[list[tuple[float, float]] | None],
    fields: list[tuple[str, int]],
    rows: list[list[str]],
    *,
    deleted: frozenset[int] = frozenset(),
    multipoint: bool = False,
    prj: str = PRJ_WGS84,
) -> bytes:
    """A zipped Shapefile written byte by byte (``treffs.*``), so a test controls every detail.

    Parameters
    ----------
    shapes : list
        Per record its points (one for a Point file; any number for MultiPoint) or None.
    fields : list of (name, width)
        Character fields of the .dbf.
    rows : list of list of str
        Values per record.
    deleted : set of int
        0-based records marked deleted (``*``) in the .dbf.
    multipoint : bool
        Shape type MultiPoint (8) instead of Point (1).
    prj : str
        Content of the .prj.
    """
    shape_type = 8 if multipoint else 1
    records = []
    for number, points in enumerate(shapes, start=1):
        if points is None:
            content = struct.pack("<i", 0)
        elif multipoint:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            content = struct.pack("<i4di", 8, min(xs), min(ys), max(xs), max(ys), len(points))
            content += b"".join(struct.pack("<2d", *p) for p in points)
        else:
            content = struct.pack("<i2d", 1, *points[0])
        records.append(struct.pack(">2i", number, len(content) // 2) + content)
    body = b"".join(records)
    header = struct.pack(">7i", 9994, 0, 0, 0, 0, 0, (100 + len(body)) // 2)
    header += struct.pack("<2i4d4d", 1000, shape_type, 0, 0, 0, 0, 0, 0, 0, 0)
    shp = header + body
    shx = header[:24] + struct.pack(">i", 50) + header[28:]
    record_length = 1 + sum(width for _, width in fields)
    dbf = struct.pack("<4BIHH20x", 3, 125, 1, 1, len(rows), 32 * len(fields) + 33, record_length)
    for name, width in fields:
        dbf += struct.pack("<11sc4xB15x", name.encode()[:10], b"C", width)
    dbf += b"\r"
    for index, row in enumerate(rows):
        dbf += b"*" if index in deleted else b" "
        dbf += b"".join(
            value.encode()[:width].ljust(width)
            for value, (_, width) in zip(row, fields, strict=True)
        )
    dbf += b"\x1a"
    return zip_bytes(
        {"treffs.shp": shp, "treffs.shx": shx, "treffs.dbf": dbf, "treffs.prj": prj.encode()}
    )


def shapefile_many_cells(records: int, columns: int) -> bytes:
    """A point Shapefile with ``records`` × ``columns`` filled cells (built with numpy, fast)."""
    import numpy as np

    fields = [(f"f{i}", 4) for i in range(columns)]
    record_length = 1 + 4 * columns
    table = np.full((records, record_length), ord("x"), dtype=np.uint8)
    table[:, 0] = ord(" ")
    dbf = struct.pack("<4BIHH20x", 3, 125, 1, 1, records, 32 * columns + 33, record_length)
    for name, width in fields:
        dbf += struct.pack("<11sc4xB15x", name.encode(), b"C", width)
    dbf += b"\r" + table.tobytes() + b"\x1a"
    point = struct.pack("<i2d", 1, LON, LAT)
    body = b"".join(struct.pack(">2i", n + 1, 10) + point for n in range(records))
    header = struct.pack(">7i", 9994, 0, 0, 0, 0, 0, (100 + len(body)) // 2)
    header += struct.pack("<2i4d4d", 1000, 1, 0, 0, 0, 0, 0, 0, 0, 0)
    return zip_bytes(
        {
            "treffs.shp": header + body,
            "treffs.shx": header,
            "treffs.dbf": dbf,
            "treffs.prj": PRJ_WGS84.encode(),
        }
    )


def gpkg_edit(base: bytes, *statements: tuple[str, tuple]) -> bytes:
    """``base`` (a GeoPackage) after running SQL statements on a private copy."""

    def write(path: Path) -> None:
        path.write_bytes(base)
        con = sqlite3.connect(path)
        for sql, params in statements:
            con.execute(sql, params)
        con.commit()
        con.close()

    return _written(write, ".gpkg")


def gpkg_wide(rows: int, columns: int) -> bytes:
    """A point GeoPackage with ``rows`` × ``columns`` short text attributes (written by SQL)."""
    base = gpkg_bytes({"treffs": facility_points(1)})

    def write(path: Path) -> None:
        path.write_bytes(base)
        con = sqlite3.connect(path)
        triggers = con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
        for (trigger,) in triggers:  # GDAL's R-tree triggers call spatial SQL functions
            con.execute(f'DROP TRIGGER "{trigger}"')
        for i in range(columns):
            con.execute(f'ALTER TABLE treffs ADD COLUMN "a{i}" TEXT')
        geometry = con.execute("SELECT geom FROM treffs").fetchone()[0]
        names = ", ".join(f'"a{i}"' for i in range(columns))
        marks = ", ".join("?" for _ in range(columns))
        con.executemany(
            f"INSERT INTO treffs (geom, name, {names}) VALUES (?, ?, {marks})",
            ((geometry, f"T{n}", *(["ab"] * columns)) for n in range(rows - 1)),
        )
        con.commit()
        con.close()

    return _written(write, ".gpkg")
