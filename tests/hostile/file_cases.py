"""Hostile and messy FILES: uploads (facilities, statistics, regions) and data-package files.

Each case says what must happen: accepted, or rejected with a German message that contains
``message``. Builders are in :mod:`tests.hostile.builders`; nothing is a committed binary.
"""

from __future__ import annotations

import functools
import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from tests.hostile import entries  # noqa: F401 - registers the entry functions of these kinds
from tests.hostile.builders import (
    LAT,
    LON,
    SECRET,
    corrupt_member_crc,
    csv_bytes,
    facility_points,
    geojson_bytes,
    good_facility_rows,
    gpkg_bytes,
    gpkg_with_virtual_table,
    point_feature,
    shapefile_zip,
    sheet_rows_xml,
    vrt_xml,
    xlsx_openpyxl,
    xlsx_raw,
    zip_bytes,
)
from tests.hostile.cases import Case
from tests.synthetic import STAT_HEADER, X0, Y0, facility_rows, stat_rows
from tests.synthetic_gtfs import feed_zip, files

MB = 1024 * 1024
#: A file on the "server" whose content must never show up anywhere.
SECRET_FILE = Path(tempfile.gettempdir()) / "begegnungsatlas-geheim.csv"


def secret_path() -> str:
    """Write the secret file (a CSV a VRT could read as a layer) and return its path."""
    SECRET_FILE.write_text(f"name,lat,lon\n{SECRET},{LAT},{LON}\n", encoding="utf-8")
    return str(SECRET_FILE)


def const(value: bytes) -> functools.partial:
    return functools.partial(bytes, value)


def good_rows(*extra: list[object]) -> bytes:
    return csv_bytes([*good_facility_rows(), *extra])


# --------------------------------------------------------------------------- CSV


def _mixed_encoding() -> bytes:
    return (
        b"name;lat;lon\n"
        + f"B\u00fcrgertreff;{LAT:.6f};{LON:.6f}\n".encode()
        + f"Caf\u00e9 \u00dcbersee;{LAT:.6f};{LON:.6f}\n".encode("cp1252")
    )


def _utf16_tab() -> bytes:
    text = "name\tlat\tlon\r\nTreff Süd\t" + f"{LAT:.6f}\t{LON:.6f}\r\n"
    return "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")


def _many_columns() -> bytes:
    header = ["name", "lat", "lon", *(f"extra_{i}" for i in range(150))]
    row = ["A", f"{LAT:.6f}", f"{LON:.6f}", *("x" for _ in range(150))]
    return csv_bytes([header, row])


CSV_CASES = [
    Case("csv-quote-line-60k", "facilities", "anfuehrung.csv",
         lambda: b"name;lat;lon\n" + b';"' * 30_720 + b"\n", False, "Zeichen lang (erlaubt 10.000)"),
    Case("csv-quotes-15mb", "facilities", "anfuehrung_gross.csv",
         lambda: b"name;lat;lon\n" + b';"' * (15 * MB // 2), False, "Zeichen lang (erlaubt 10.000)"),
    Case("csv-quote-unclosed-9k", "facilities", "anfuehrung_offen.csv",
         lambda: b"name;lat;lon\n" + b'"' * 9_001 + b"\n", False,
         "endet nicht vor dem Dateiende"),
    Case("csv-lines-15mb", "facilities", "viele_zeilen.csv",
         lambda: b"name;lat;lon\n" + b"A;52.1;11.6\n" * (15 * MB // 12), False, "Zu viele Zeilen"),
    Case("csv-rows-20001", "facilities", "zeilen_20001.csv",
         lambda: csv_bytes([["name", "lat", "lon"], *([["A", "52.1", "11.6"]] * 20_001)]),
         False, "mehr als 20.000 Datenzeilen"),
    Case("csv-extra-field", "facilities", "feld_zu_viel.csv",
         lambda: good_rows(["Zweiter Treff", f"{LAT:.6f}", f"{LON:.6f}", "senioren_begegnung", "x"]),
         False, "Zeile 3: Die Zeile hat 5 Felder, die Kopfzeile 4"),
    Case("csv-extra-field-every-row", "facilities", "feld_zu_viel_alle.csv",
         lambda: f"name,lat,lon\nA,{LAT:.6f},{LON:.6f},x\n".encode(), False,
         "Die Zeile hat 4 Felder, die Kopfzeile 3"),
    Case("csv-trailing-delimiters", "facilities", "semikolon_am_ende.csv",
         lambda: f"name;lat;lon;\nA;{LAT:.6f};{LON:.6f};\n".encode(), True),
    Case("csv-mixed-encoding", "facilities", "gemischt.csv", _mixed_encoding, True),
    Case("csv-cp1252", "facilities", "excel_ansi.csv",
         lambda: f"name;lat;lon\nBürgertreff;{LAT:.6f};{LON:.6f}\n".encode("cp1252"), True),
    Case("csv-utf16-tab", "facilities", "unicode_text.txt", _utf16_tab, True),
    Case("csv-nul-bytes", "facilities", "binaer.csv",
         lambda: b"name;lat;lon\nA\x00\x01;52.1;11.6\n", False, "Binärdaten"),
    Case("csv-is-xlsx", "facilities", "tabelle.csv",
         lambda: xlsx_openpyxl(good_facility_rows()), False,
         "ist aber keine Textdatei (CSV): sie enthält ein ZIP-Archiv"),
    Case("csv-vrt", "facilities", "vrt.csv", lambda: vrt_xml(secret_path()), False,
         "GDAL-VRT-Beschreibung"),
    Case("csv-swapped-latlon", "facilities", "vertauscht.csv",
         lambda: f"name;lat;lon\nA;{LON:.6f};{LAT:.6f}\n".encode(), False,
         "lat/lon vermutlich vertauscht"),
    Case("csv-inf-coordinate", "facilities", "unendlich.csv",
         lambda: b"name;lat;lon\nA;inf;11.6\n", False, "Keine endliche Zahl: 'inf'"),
    Case("csv-1e308-coordinate", "facilities", "riesig.csv",
         lambda: b"name;lat;lon\nA;1e308;11.6\n", False, "außerhalb ±90°"),
    Case("csv-too-many-columns", "facilities", "spalten.csv", _many_columns, False,
         "Zu viele Spalten (153, erlaubt 100)"),
    Case("csv-formula-text", "facilities", "formel.csv",
         lambda: good_rows(['=HYPERLINK("http://example.org")', f"{LAT:.6f}", f"{LON:.6f}", "generationen"]),
         True),
    Case("csv-empty", "facilities", "leer.csv", const(b""), False, "Die Datei ist leer"),
    Case("csv-header-only", "facilities", "kopf.csv", const(b"name;lat;lon\n"), False,
         "keine Datenzeilen"),
    Case("csv-blank-lines", "facilities", "leerzeilen.csv", const(b"\n\n \n"), False,
         "nur leere Zeilen"),
    Case("csv-too-big", "facilities", "gross.csv", lambda: b"A;1\n" * (21 * MB // 4), False,
         "zu groß (21 MB, erlaubt 20 MB)"),
    Case("txt-is-pdf", "facilities", "liste.txt", const(b"%PDF-1.7\n..."), False,
         "sie enthält ein PDF-Dokument"),
    Case("unsupported-suffix", "facilities", "liste.exe", const(b"MZ\x90\x00"), False,
         "Dateityp .exe wird nicht unterstützt"),
    Case("old-xls", "facilities", "liste.xls", const(b"\xd0\xcf\x11\xe0\xa1\xb1"), False,
         "alte Excel-Format .xls"),
]  # fmt: skip

# --------------------------------------------------------------------------- XLSX

_GOOD_SHEET = [["name", "lat", "lon"], ["Treff", LAT, LON]]


def _xfd_rows(value_in_xfd1: bool, rows: int = 3_000) -> bytes:
    """Rows whose used range reaches column XFD (a styled cell at the far right of each)."""
    data = [["name", "lat", "lon"], *([f"Treff {i}", LAT, LON] for i in range(rows))]
    xml = sheet_rows_xml(data)
    for r in range(1, rows + 2):
        xml = xml.replace(f'<row r="{r}">', f'<row r="{r}" spans="1:16384">', 1)
    xml = xml.replace("</row>", '<c r="XFD{}" s="1"/></row>')
    xml = xml.format(*range(1, rows + 2))
    if value_in_xfd1:
        xml = xml.replace('<c r="XFD1" s="1"/>', '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c>')
    return xlsx_raw(xml, dimension="A1:XFD1048576")


def _xfd_dimension() -> bytes:
    return _xfd_rows(value_in_xfd1=True)


def _xfd_styled_empty() -> bytes:
    return _xfd_rows(value_in_xfd1=False)


def _million_rows() -> bytes:
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>']
    rows += [f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, 1_048_577)]
    return xlsx_raw("".join(rows), dimension="A1:A1048576")


def _formatted_empty_rows(count: int) -> functools.partial:
    """Valid data, then formatted but empty rows (Excel's "format the whole range")."""

    def make() -> bytes:
        rows = [sheet_rows_xml(_GOOD_SHEET)]
        rows += [
            f'<row r="{i}"><c r="A{i}" s="1"/><c r="B{i}" s="1"/></row>'
            for i in range(3, count + 3)
        ]
        return xlsx_raw("".join(rows), dimension=f"A1:C{count + 2}")

    return functools.partial(make)


def _formula_without_value(header: list[str], values: list[object], formula_column: int) -> bytes:
    cells = sheet_rows_xml([header, values])
    ref = f"{chr(65 + formula_column)}2"
    start = cells.index(f'<c r="{ref}"')
    end = cells.index("</c>", start) + 4
    return xlsx_raw(cells[:start] + f'<c r="{ref}"><f>A2*2</f></c>' + cells[end:])


def _last_column_empty() -> bytes:
    rows = sheet_rows_xml([["name", "lat", "lon", "bemerkung"], ["Treff", LAT, LON]])
    return xlsx_raw(rows.replace("</row>", '<c r="E1" s="1"/></row>'), dimension="A1:E2")


def _billion_laughs() -> bytes:
    dtd = (
        '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    )
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>&d;</t></is></c></row>'
    return xlsx_raw(rows, sheet_prefix=dtd)


def _shared_strings_bomb() -> bytes:
    strings = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += "<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>" * (40 * MB // 52)
    strings += "</sst>"
    return xlsx_raw(sheet_rows_xml(_GOOD_SHEET), shared_strings=strings)


def _zip_bomb_sheet() -> bytes:
    return xlsx_raw(sheet_rows_xml(_GOOD_SHEET) + " " * (120 * MB))


def _external_sheet() -> bytes:
    book = xlsx_raw(sheet_rows_xml(_GOOD_SHEET))
    source = zipfile.ZipFile(io.BytesIO(book))
    members = {n: source.read(n) for n in source.namelist()}
    members["xl/_rels/workbook.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/worksheet" Target="file://{secret_path()}" TargetMode="External"/>'
        "</Relationships>"
    ).encode()
    return zip_bytes(members)


XLSX_CASES = [
    Case("xlsx-xfd-dimension", "facilities", "xfd.xlsx", _xfd_dimension, False,
         "Zelle XFD1 liegt außerhalb der ersten 100 Spalten"),
    Case("xlsx-xfd-styled-empty", "facilities", "xfd_leer.xlsx", _xfd_styled_empty, True),
    Case("xlsx-1048576-rows", "facilities", "millionen.xlsx", _million_rows, False,
         "Das erste Tabellenblatt ist zu groß: 1.048.576 Zeilen"),
    Case("xlsx-formatted-empty-rows-50k", "facilities", "formatiert.xlsx",
         _formatted_empty_rows(50_000), True),
    Case("xlsx-formatted-empty-rows-900k", "facilities", "formatiert_gross.xlsx",
         _formatted_empty_rows(900_000), False, "Zellen (auch leere, nur formatierte)"),
    Case("xlsx-rows-20001", "facilities", "zeilen_20001.xlsx",
         lambda: xlsx_raw(sheet_rows_xml([["name"], *([["A"]] * 20_001)])), False,
         "mehr als 20.000 Datenzeilen"),
    Case("xlsx-formula-without-value", "facilities", "formel.xlsx",
         lambda: _formula_without_value(["name", "lat", "lon"], ["Treff", LAT, LON], 0),
         False, "Formel ohne gespeicherten Wert in Zelle A2 – in Excel öffnen und speichern"),
    Case("xlsx-last-column-empty", "facilities", "letzte_spalte_leer.xlsx",
         _last_column_empty, True),
    Case("xlsx-openpyxl", "facilities", "normal.xlsx",
         lambda: xlsx_openpyxl([["name", "x", "y"], ["Metrisch", X0 + 500, Y0 + 1500]]), True),
    Case("xlsx-column-without-header", "facilities", "ohne_ueberschrift.xlsx",
         lambda: xlsx_raw(sheet_rows_xml([["name", "lat", "lon"], ["T", LAT, LON, "wert"]])),
         False, "Spalte D hat keine Überschrift, enthält aber Werte"),
    Case("xlsx-billion-laughs", "facilities", "entitaeten.xlsx", _billion_laughs, False,
         "enthält eine DTD oder Entitäten"),
    Case("xlsx-shared-strings-40mb", "facilities", "texte.xlsx", _shared_strings_bomb, False,
         "Die Liste der Texte der Excel-Datei ist entpackt zu groß"),
    Case("xlsx-zip-bomb", "facilities", "bombe.xlsx", _zip_bomb_sheet, False,
         "entpackt zu groß (120 MB, erlaubt 100 MB)"),
    Case("xlsx-is-csv", "facilities", "text.xlsx", lambda: good_rows(), False,
         "ist aber keine Excel-Datei (XLSX): sie enthält Text"),
    Case("xlsx-no-workbook", "facilities", "nur_zip.xlsx",
         lambda: zip_bytes({"a.txt": b"x"}), False, "keine Excel-Arbeitsmappe"),
    Case("xlsx-error-value", "facilities", "fehlerwert.xlsx",
         lambda: xlsx_raw(sheet_rows_xml([["name", "lat", "lon"], ["T", LAT]]) .replace(
             '</c></row>', '</c><c r="C2" t="e"><v>#DIV/0!</v></c></row>').replace(
             '<c r="C2" t="e"><v>#DIV/0!</v></c></row><row r="2">', '</row><row r="2">')),
         False, "Excel-Fehlerwert #DIV/0!"),
    Case("xlsx-external-sheet", "facilities", "extern.xlsx", _external_sheet, False,
         "enthält kein Tabellenblatt"),
]  # fmt: skip

# --------------------------------------------------------------------------- GeoJSON


def _geojson(*features: dict, crs: str | None = None) -> functools.partial:
    return functools.partial(geojson_bytes, list(features), crs)


GEOJSON_CASES = [
    Case("geojson-vrt", "facilities", "einrichtungen.geojson", lambda: vrt_xml(secret_path()),
         False, "sie enthält eine GDAL-VRT-Beschreibung"),
    Case("json-vrt", "facilities", "einrichtungen.json", lambda: vrt_xml(secret_path()),
         False, "GDAL-VRT-Beschreibung"),
    Case("geojson-deep-nesting", "facilities", "tief.geojson",
         lambda: b'{"type":"FeatureCollection","features":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
         False, "zu tief verschachtelt (100.001 Ebenen, erlaubt 32)"),
    Case("geojson-features-object", "facilities", "objekt.geojson",
         const(b'{"type":"FeatureCollection","features":{"a":1}}'), False,
         'keine Liste "features"'),
    Case("geojson-geometry-string", "facilities", "wkt.geojson",
         const(b'{"type":"FeatureCollection","features":[{"type":"Feature","geometry":"POINT(1 2)","properties":{"name":"A"}}]}'),
         False, "Ungültige Geometrie (kein GeoJSON-Objekt)"),
    Case("geojson-coordinates-text", "facilities", "text_koordinaten.geojson",
         lambda: geojson_bytes([{"type": "Feature", "properties": {"name": "A"},
                                 "geometry": {"type": "Point", "coordinates": ["11.6", "52.1"]}}]),
         False, "Ungültige Punktkoordinaten"),
    Case("geojson-nan", "facilities", "nan.geojson",
         const(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[NaN,Infinity]}}]}'),
         False, "NaN ist keine gültige Zahl"),
    Case("geojson-1e999", "facilities", "unendlich.geojson",
         const(b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Point","coordinates":[1e999,52.1]}}]}'),
         False, "Die Zahl 1e999 ist zu groß"),
    Case("geojson-crs-file", "facilities", "crs.geojson",
         _geojson(point_feature(LON, LAT, name="A"), crs="+init=/etc/passwd:x"), False,
         "Unbekanntes Koordinatenreferenzsystem '+init=/etc/passwd:x'"),
    Case("geojson-polygon", "facilities", "flaeche.geojson",
         _geojson({"type": "Feature", "properties": {"name": "P"},
                   "geometry": shapely.geometry.mapping(shapely.box(11.6, 52.1, 11.61, 52.11))}),
         False, "Geometrietyp Polygon; erwartet wird ein Punkt"),
    Case("geojson-null-geometry", "facilities", "ohne_geometrie.geojson",
         _geojson({"type": "Feature", "geometry": None, "properties": {"name": "P"}}), False,
         "Objekt ohne Geometrie"),
    Case("geojson-20001-features", "facilities", "viele.geojson",
         lambda: geojson_bytes([point_feature(LON, LAT, name="A")] * 20_001), False,
         "Zu viele Objekte (20.001, erlaubt 20.000)"),
    Case("geojson-not-utf8", "facilities", "ansi.geojson",
         lambda: geojson_bytes([point_feature(LON, LAT, name="@@")]).replace(b"@@", "Bürger".encode("cp1252")),
         False, "nicht UTF-8-kodiert"),
    Case("geojson-top-level-array", "facilities", "liste.geojson", const(b"[1, 2]"), False,
         "ist aber keine GeoJSON-Datei"),
    Case("geojson-metric-crs", "facilities", "metrisch.geojson",
         _geojson(point_feature(X0 + 500, Y0 + 1500, name="M"), crs="urn:ogc:def:crs:EPSG::25832"),
         True),
    Case("geojson-valid", "facilities", "gut.geojson",
         _geojson(point_feature(LON, LAT, name="G", traeger="Verein")), True),
]  # fmt: skip

# --------------------------------------------------------------------------- GeoPackage


def _plain_sqlite() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.sqlite"
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE t (a TEXT)")
        con.commit()
        con.close()
        return path.read_bytes()


def _gpkg_null_geometry() -> bytes:
    frame = gpd.GeoDataFrame({"name": ["A", "B"]}, geometry=[None, None], crs=4326)
    return gpkg_bytes({"treffs": frame})


GPKG_CASES = [
    Case("gpkg-multi-layer", "facilities", "zwei_layer.gpkg",
         lambda: gpkg_bytes({"treffs": facility_points(), "weitere": facility_points(2)}),
         False, "enthält 2 Layer (treffs, weitere)"),
    Case("gpkg-attributes-only", "facilities", "tabelle.gpkg",
         lambda: gpkg_bytes({"liste": pd.DataFrame({"name": ["A"], "lat": [LAT], "lon": [LON]})}),
         False, "nur Tabellen ohne Geometrie (liste)"),
    Case("gpkg-null-geometry", "facilities", "ohne_geometrie.gpkg", _gpkg_null_geometry, False,
         "Objekt ohne Geometrie"),
    Case("gpkg-is-text", "facilities", "text.gpkg", lambda: good_rows(), False,
         "ist aber keine GeoPackage-Datei"),
    Case("gpkg-plain-sqlite", "facilities", "sqlite.gpkg", _plain_sqlite, False,
         "keine GeoPackage-Tabellen"),
    Case("gpkg-virtual-ogr", "facilities", "virtuell.gpkg",
         lambda: gpkg_with_virtual_table(secret_path()), False, "virtuelle Tabelle"),
    Case("gpkg-polygon", "facilities", "flaeche.gpkg",
         lambda: gpkg_bytes({"f": gpd.GeoDataFrame({"name": ["P"]}, geometry=[shapely.box(X0, Y0, X0 + 9, Y0 + 9)], crs=25832)}),
         False, "Geometrietyp Polygon"),
    Case("gpkg-valid", "facilities", "gut.gpkg",
         lambda: gpkg_bytes({"treffs": facility_points(3, crs=25832)}), True),
]  # fmt: skip

# --------------------------------------------------------------------------- Shapefile ZIP


def _unsupported_compression() -> bytes:
    archive = bytearray(shapefile_zip())
    # Compression method 99 (AES encryption) in every local and central header.
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = 0
        while (start := archive.find(signature, start)) != -1:
            archive[start + offset : start + offset + 2] = (99).to_bytes(2, "little")
            start += 4
    return bytes(archive)


SHAPEFILE_CASES = [
    Case("zip-slip", "facilities", "slip.zip",
         lambda: zip_bytes({"../../etc/passwd.shp": b"x", "a.shx": b"", "a.dbf": b""}), False,
         "Unzulässiger Pfad im Archiv"),
    Case("zip-bomb", "facilities", "bombe.zip",
         lambda: zip_bytes({"a.shp": b"\0" * (120 * MB)}), False, "entpackt zu groß (120 MB)"),
    Case("zip-vrt-as-shp", "facilities", "vrt.zip",
         lambda: shapefile_zip(shp=vrt_xml(secret_path())), False,
         "Die .shp-Datei ist keine Shapefile-Datei"),
    Case("zip-polygon", "facilities", "flaechen.zip",
         lambda: shapefile_zip(gpd.GeoDataFrame({"name": ["P"]}, geometry=[shapely.box(X0, Y0, X0 + 9, Y0 + 9)], crs=25832)),
         False, "Geometrietyp Polygon; erwartet werden Punkte"),
    Case("zip-without-prj", "facilities", "ohne_prj.zip",
         lambda: zip_bytes({k: v for k, v in _members(shapefile_zip()).items() if not k.endswith(".prj")}),
         False, "fehlt die .prj-Datei"),
    Case("zip-too-many-members", "facilities", "viele.zip",
         lambda: zip_bytes({f"f{i}.txt": b"" for i in range(60)}), False, "zu viele Dateien (60)"),
    Case("zip-corrupt-member", "facilities", "kaputt.zip",
         lambda: corrupt_member_crc(shapefile_zip(), "treffs.dbf"), False,
         "Die Datei treffs.dbf im Archiv ist beschädigt"),
    Case("zip-unsupported-compression", "facilities", "verschluesselt.zip",
         _unsupported_compression, False, "im Archiv ist beschädigt"),
    Case("zip-valid", "facilities", "treffs.zip", lambda: shapefile_zip(), True),
]  # fmt: skip


def _members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


# --------------------------------------------------------------------------- statistics


def _stat(*rows: str) -> functools.partial:
    return const(("\n".join(rows) + "\n").encode())


STATISTICS_CASES = [
    Case("stat-65plus-over-residents", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;einwohner;alter_65plus", "2025;01;1000;5000"), False,
         "Zeile 2, Spalte alter_65plus: alter_65plus = 5.000 ist größer als einwohner = 1.000"),
    Case("stat-65plus-over-package-residents", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;alter_65plus", "2025;01;5000"), False,
         "ist größer als einwohner = 1.000 (einwohner aus dem Datenpaket)"),
    Case("stat-inf", "statistics", "s.csv", _stat("jahr;stadtteil_nr;einwohner", "2025;01;inf"),
         False, "Keine endliche Zahl: 'inf'"),
    Case("stat-1e308", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;einwohner", "2025;01;1e308"), False,
         "einwohner = 1e+308 ist unplausibel groß (höchstens 1.000.000"),
    Case("stat-negative", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;einwohner", "2025;01;-3"), False, "Negativer Wert -3"),
    Case("stat-share-150", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;auslaender_pct", "2025;01;150"), False,
         "höchstens 100 Prozent"),
    Case("stat-mean-age-200", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;durchschnittsalter", "2025;01;200"), False,
         "höchstens 120 Jahre"),
    Case("stat-household-sum", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;haushalte;haushalte_1p;haushalte_2p", "2025;01;100;80;50"),
         False, "Die Summe von haushalte_1p, haushalte_2p (130) ist größer als haushalte = 100"),
    Case("stat-xlsx-formula", "statistics", "s.xlsx",
         lambda: _formula_without_value(["jahr", "stadtteil_nr", "einwohner"], [2025, "01", 5], 2),
         False, "Formel ohne gespeicherten Wert in Zelle C2"),
    Case("stat-year-text", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;einwohner", "20x5;01;5"), False, "Keine Zahl: '20x5'"),
    Case("stat-geojson", "statistics", "s.geojson", const(b"{}"), False, "als CSV oder XLSX"),
    Case("stat-valid", "statistics", "s.csv",
         _stat("jahr;stadtteil_nr;einwohner;alter_65plus;auslaender_pct", "2025;1;1234;.;12,5"),
         True),
    Case("stat-kiss-xlsx", "statistics", "kiss.xlsx",
         lambda: xlsx_openpyxl([
             [f"K3_T34_var{i}" for i in range(1, 9)],
             [2025, "01", "50", "100", "300", "300", "250", "1000"],
             [2025, "15003", "50", "102", "304", "304", "250", "1010"],
         ]), True),
]  # fmt: skip

# --------------------------------------------------------------------------- regions

AREA_CASES = [
    Case("areas-valid", "areas", "r.csv", _stat("stadtteil;Versorgungsgebiet", "mitte;West"), True),
    Case("areas-xlsx-last-column-empty", "areas", "r.xlsx",
         lambda: xlsx_raw(sheet_rows_xml([["stadtteil_nr", "region", "notiz"], ["01", "West"]]).replace(
             "</row>", '<c r="D1" s="2"/></row>'), dimension="A1:D2"), True),
    Case("areas-extra-field", "areas", "r.csv", _stat("stadtteil_nr;region", "01;West;Ost"),
         False, "Die Zeile hat 3 Felder, die Kopfzeile 2"),
    Case("areas-xfd", "areas", "r.xlsx",
         lambda: xlsx_raw(sheet_rows_xml([["stadtteil_nr", "region"], ["01", "West"]]).replace(
             "</row>", '<c r="XFD2" t="inlineStr"><is><t>?</t></is></c></row>'),
             dimension="A1:XFD1048576"), False, "Zelle XFD"),
]  # fmt: skip

# --------------------------------------------------------------------------- data package


def _statistik(edit) -> functools.partial:
    """statistik_stadtteile.csv of the synthetic package after ``edit(frame)``."""

    def make() -> bytes:
        frame = pd.DataFrame(stat_rows(), columns=STAT_HEADER).astype(str)
        frame = edit(frame)
        return frame.to_csv(index=False).encode()

    return functools.partial(make)


def _set(column: str, value: str, row: int = -1):
    def edit(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[frame.index[row], column] = value
        return frame

    return edit


def _gtfs(**overrides: str | None) -> functools.partial:
    return functools.partial(feed_zip, dict(overrides))


def _gtfs_raw(name: str, content: bytes) -> bytes:
    members = {n: c.encode() for n, c in files().items()}
    members[name] = content
    return zip_bytes(members)


def _gtfs_member_bomb() -> bytes:
    members = {n: c.encode() for n, c in files().items()}
    members["stop_times.txt"] += b"\n" * (300 * MB)
    return zip_bytes(members)


PACKAGE = "package:statistik_stadtteile.csv"
PACKAGE_CASES = [
    Case("pkg-stat-negative", PACKAGE, "statistik_stadtteile.csv",
         _statistik(_set("alter_65plus", "-5")), False,
         "statistik_stadtteile.csv: Unplausible Werte: Zeile 19, Spalte alter_65plus: alter_65plus = -5 ist negativ"),
    Case("pkg-stat-empty", PACKAGE, "statistik_stadtteile.csv", const(b""), False,
         "statistik_stadtteile.csv: Die Datei ist leer"),
    Case("pkg-stat-header-only", PACKAGE, "statistik_stadtteile.csv",
         lambda: (",".join(STAT_HEADER) + "\n").encode(), False, "keine Datenzeilen"),
    Case("pkg-stat-65plus-over-residents", PACKAGE, "statistik_stadtteile.csv",
         _statistik(_set("alter_65plus", "99999", row=-3)), False,
         "alter_65plus = 99.999 ist größer als einwohner = 1.000"),
    Case("pkg-stat-inf", PACKAGE, "statistik_stadtteile.csv",
         _statistik(_set("einwohner", "inf")), False, "einwohner: unendlicher Wert"),
    Case("pkg-stat-not-utf8", PACKAGE, "statistik_stadtteile.csv",
         lambda: _statistik(_set("stadtteil", "Süd"))().replace("Süd".encode(), "Süd".encode("cp1252")),
         False, "nicht UTF-8-kodiert (Zeile 19"),
    Case("pkg-stat-binary", PACKAGE, "statistik_stadtteile.csv",
         const(b"\x00\x01\x02" * 100), False, "Binärdaten"),
    Case("pkg-facilities-empty", "package:einrichtungen.csv", "einrichtungen.csv",
         const(b""), False, "einrichtungen.csv: Die Datei ist leer"),
    Case("pkg-facilities-broken-quotes", "package:einrichtungen.csv", "einrichtungen.csv",
         lambda: pd.DataFrame(facility_rows()).to_csv(index=False).encode() + b'"X,Y\n', False,
         "einrichtungen.csv: Die CSV-Datei ist nicht lesbar (ein mit \" begonnener Wert in Zeile 7"),
    Case("pkg-stadtteile-broken-json", "package:stadtteile.geojson", "stadtteile.geojson",
         const(b'{"type": "FeatureCollection", "features": [ {'), False,
         "stadtteile.geojson: Die Datei kann nicht als GeoJSON gelesen werden"),
    Case("pkg-stadtteile-vrt", "package:stadtteile.geojson", "stadtteile.geojson",
         lambda: vrt_xml(secret_path()), False, "stadtteile.geojson: Die Datei ist keine GeoJSON-Datei"),
    Case("pkg-stadtteile-empty", "package:stadtteile.geojson", "stadtteile.geojson",
         const(b""), False, "stadtteile.geojson: Die Datei ist leer"),
    Case("pkg-gtfs-bad-crc", "package:gtfs/mvb_gtfs.zip", "mvb_gtfs.zip",
         lambda: corrupt_member_crc(feed_zip(), "stops.txt"), False,
         "gtfs: stops.txt: Die Datei im GTFS-Archiv ist beschädigt"),
    Case("pkg-gtfs-not-utf8", "package:gtfs/mvb_gtfs.zip", "mvb_gtfs.zip",
         lambda: _gtfs_raw("stops.txt", files()["stops.txt"].replace("Halt A", "Halt Ä").encode("cp1252")),
         False, "gtfs: stops.txt: Die Datei ist nicht UTF-8-kodiert"),
    Case("pkg-gtfs-empty-member", "package:gtfs/mvb_gtfs.zip", "mvb_gtfs.zip",
         _gtfs(**{"stops.txt": ""}), False, "gtfs: stops.txt: Die Datei ist leer"),
    Case("pkg-gtfs-not-zip", "package:gtfs/mvb_gtfs.zip", "mvb_gtfs.zip",
         const(b"kein zip"), False, "Das GTFS-Archiv ist kein gültiges ZIP"),
    Case("pkg-gtfs-member-bomb", "package:gtfs/mvb_gtfs.zip", "mvb_gtfs.zip",
         _gtfs_member_bomb, False, "gtfs: stop_times.txt: Die Datei ist entpackt zu groß"),
    Case("pkg-gtfs-broken-quotes", "package:gtfs/mvb_gtfs.zip", "mvb_gtfs.zip",
         _gtfs(**{"routes.txt": 'route_id,route_type\n"R1,0\n'}), False,
         "gtfs: routes.txt: Die CSV-Datei ist nicht lesbar"),
]  # fmt: skip

CASES: list[Case] = [
    *CSV_CASES,
    *XLSX_CASES,
    *GEOJSON_CASES,
    *GPKG_CASES,
    *SHAPEFILE_CASES,
    *STATISTICS_CASES,
    *AREA_CASES,
    *PACKAGE_CASES,
]
