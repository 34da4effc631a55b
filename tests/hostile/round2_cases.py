"""The second hostile round's classes of upload, as our own cases (the round's corpus is not here).

One case per rule the round found broken, each with its expected outcome and German message:
silent misreading (thousands separators, a comma body under a semicolon header, coordinates
out of range, deleted Shapefile records, duplicate GeoJSON keys), crash text (headings that
mean the same column, absurd numbers), valid files that were refused (WAL GeoPackage, CR
line ends, Excel's ``sep=`` line, ``Breitengrad;Längengrad``, single-point MultiPoint),
limits for every format (cells, text length, escaped strings) and coordinate systems that
would make PROJ open files.
"""

from __future__ import annotations

import functools
import json

import geopandas as gpd
import shapely

from tests.hostile import entries  # noqa: F401 - registers the entry functions of these kinds
from tests.hostile.builders import (
    LAT,
    LON,
    facility_points,
    geojson_bytes,
    gpkg_bytes,
    gpkg_edit,
    gpkg_wide,
    point_feature,
    shapefile_many_cells,
    shapefile_raw,
    shapefile_zip,
    sheet_rows_xml,
    xlsx_raw,
)
from tests.hostile.cases import Case
from tests.synthetic import X0, Y0

MB = 1024 * 1024
#: A .prj that names a grid file through the PROJ.4 extension of WKT.
PRJ_NADGRIDS = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563],'
    'EXTENSION["PROJ4_GRIDS","/tmp/begegnungsatlas-grid"]],PRIMEM["Greenwich",0],'
    'UNIT["degree",0.0174532925199433],'
    'EXTENSION["PROJ4","+proj=longlat +datum=WGS84 +nadgrids=/tmp/begegnungsatlas-grid"]]'
)
PRJ_GEOIDGRIDS = PRJ_NADGRIDS.replace("nadgrids", "geoidgrids").replace(
    'EXTENSION["PROJ4_GRIDS","/tmp/begegnungsatlas-grid"]', "TOWGS84[0,0,0,0,0,0,0]"
)
#: ETRS89 / UTM 32N as ArcGIS writes it (no EPSG code in the text: PROJ identifies it).
PRJ_UTM32_ESRI = (
    'PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",'
    'SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],'
    'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
    'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
    'PARAMETER["Central_Meridian",9.0],PARAMETER["Scale_Factor",0.9996],'
    'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
)
#: A transverse Mercator of its own: no EPSG code stands for it.
PRJ_CUSTOM = PRJ_UTM32_ESRI.replace("ETRS_1989_UTM_Zone_32N", "Eigenes_System").replace(
    'PARAMETER["Central_Meridian",9.0]', 'PARAMETER["Central_Meridian",11.63]'
)


def text(*lines: str, end: str = "\n", encoding: str = "utf-8") -> functools.partial:
    return functools.partial(lambda: (end.join(lines) + end).encode(encoding))


def _point_row() -> str:
    return f"{LAT:.6f};{LON:.6f}"


def _one_treff(**fields: str) -> list[str]:
    return ["Treff", f"{LAT:.6f}", f"{LON:.6f}", *fields.values()]


# --------------------------------------------------------------------------- silent misreading

MISREADING = [
    Case("r2-stat-thousands-dot-count", "statistics", "s.csv",
         text("jahr;stadtteil_nr;einwohner;alter_65plus", "2025;01;4.710;800"), True,
         value=("einwohner", 4710.0)),
    Case("r2-stat-thousands-dot-alone", "statistics", "s.csv",
         text("jahr;stadtteil_nr;haushalte", "2025;01;3.014"), True, value=("haushalte", 3014.0)),
    Case("r2-stat-thousands-comma-count", "statistics", "s.csv",
         text("jahr,stadtteil_nr,einwohner,alter_65plus", '2025,01,"4,710",800'), True,
         value=("einwohner", 4710.0)),
    Case("r2-stat-decimal-ambiguous", "statistics", "s.csv",
         text("jahr;stadtteil_nr;flaeche_ha", "2025;01;1.500"), False,
         "Mehrdeutige Zahl '1.500': 1.500 (mit Tausenderpunkt) oder 1,5 (mit Dezimalpunkt)"),
    Case("r2-stat-decimal-by-column", "statistics", "s.csv",
         text("jahr;stadtteil_nr;flaeche_ha", "2025;01;1.500", "2025;02;12.5"), True,
         value=("flaeche_ha", 1.5)),
    Case("r2-csv-comma-body-semicolon-header", "facilities", "gemischt.csv",
         text("name;lat;lon", f"Treff,{LAT:.6f},{LON:.6f}"), False,
         "Zeile 2: Die Zeile ist durch Komma getrennt, die Kopfzeile durch Semikolon"),
    Case("r2-csv-lon-200", "facilities", "lon200.csv", text("name;lat;lon", "A;52,1;200"), False,
         "Zeile 2, Spalte lon: Längengrad 200 liegt außerhalb ±180°"),
    Case("r2-csv-lon-minus-181", "facilities", "lon181.csv",
         text("name;lat;lon", "A;52,1;-181"), False, "Längengrad -181 liegt außerhalb ±180°"),
    Case("r2-geojson-lon-200", "facilities", "lon200.geojson",
         lambda: geojson_bytes([point_feature(200.0, LAT, name="A")]), False,
         "Zeile 1, Spalte geometry: Längengrad 200 liegt außerhalb ±180°"),
    Case("r2-shp-deleted-record-skipped", "facilities", "geloescht.zip",
         lambda: shapefile_raw([[(LON, LAT)], [(0.0, 0.0)]], [("name", 20)],
                               [["Treff"], ["Gelöscht"]], deleted=frozenset({1})),
         True, "als gelöscht markierte(s) Objekt(e) übersprungen", rows=1),
    Case("r2-geojson-duplicate-coordinates", "facilities", "doppelt.geojson",
         lambda: ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                  f'{{"name":"A"}},"geometry":{{"type":"Point","coordinates":[{LON},{LAT}],'
                  '"coordinates":[0,0]}}]}').encode(), False,
         "Das Feld „coordinates“ kommt in einem Objekt zweimal vor"),
    Case("r2-geojson-duplicate-property", "facilities", "doppelt_name.geojson",
         lambda: ('{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
                  '{"name":"A","name":"B"},"geometry":{"type":"Point","coordinates":'
                  f'[{LON},{LAT}]}}}}]}}').encode(), False,
         "Das Feld „name“ kommt in einem Objekt zweimal vor"),
]  # fmt: skip

# --------------------------------------------------------------------------- crash text

CRASH_TEXT = [
    Case("r2-headings-Name-name", "facilities", "namen.csv",
         text("Name,name,lat,lon", f"A,B,{LAT:.6f},{LON:.6f}"), False,
         "Die Spalten „Name“ und „name“ bedeuten beide name"),
    Case("r2-headings-Breite-lat", "facilities", "breite.csv",
         text("name;Breite;lat;lon", f"A;{_point_row()};{LON:.6f}"), False,
         "Die Spalten „Breite“ und „lat“ bedeuten beide lat"),
    Case("r2-headings-jahr-Jahr", "statistics", "s.csv",
         text("jahr;Jahr;stadtteil_nr;einwohner", "2025;2025;01;1000"), False,
         "Die Spalten „jahr“ und „Jahr“ bedeuten beide jahr"),
    Case("r2-headings-Gebiet-region", "areas", "r.csv",
         text("stadtteil_nr;Gebiet;region", "01;West;Ost"), False,
         "Die Spalten „Gebiet“ und „region“ bedeuten beide region"),
    Case("r2-headings-geojson-Name-name", "facilities", "namen.geojson",
         lambda: geojson_bytes([point_feature(LON, LAT, Name="A", name="B")]), False,
         "Die Spalten „Name“ und „name“ bedeuten beide name"),
    Case("r2-csv-400-digit-coordinate", "facilities", "ziffern.csv",
         text("name;lat;lon", f"A;{'5' * 400};11,6"), False, "hat 400 Zeichen"),
    Case("r2-csv-5000-digit-number", "statistics", "s.csv",
         text("jahr;stadtteil_nr;einwohner", f"2025;01;{'1' * 5000}"), False, "hat 5000 Zeichen"),
    Case("r2-geojson-400-digit-coordinate", "facilities", "ziffern.geojson",
         lambda: geojson_bytes([point_feature(LON, LAT, name="A")]).replace(
             f"{LON}".encode(), b"1" * 400), False, "Eine Zahl hat 400 Ziffern"),
    Case("r2-geojson-5000-digit-number", "facilities", "ziffern5000.geojson",
         lambda: geojson_bytes([point_feature(LON, LAT, name="A", nr=1)]).replace(
             b'"nr": 1', b'"nr": ' + b"7" * 5000), False, "Eine Zahl hat 5000 Ziffern"),
]  # fmt: skip

# --------------------------------------------------------------------------- valid files


def _gpkg_wal() -> bytes:
    data = bytearray(gpkg_bytes({"treffs": facility_points(2, crs=25832)}))
    data[18:20] = b"\x02\x02"  # header says WAL (left by a QGIS edit session)
    return bytes(data)


def _multipoint(n: int) -> gpd.GeoDataFrame:
    points = [shapely.Point(X0 + 500 + 10 * i, Y0 + 1500) for i in range(n)]
    return gpd.GeoDataFrame(
        {"name": ["Treff"]}, geometry=[shapely.MultiPoint(points)], crs=25832
    ).to_crs(4326)


def _geojson_multipoint(n: int) -> bytes:
    coordinates = [[LON + 0.0001 * i, LAT] for i in range(n)]
    feature = {"type": "Feature", "properties": {"name": "Treff"},
               "geometry": {"type": "MultiPoint", "coordinates": coordinates}}  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def _xlsx_typed_decimal() -> bytes:
    """An XLSX whose number cell holds 12.345 (a typed number: never 12345)."""
    rows = [["jahr", "stadtteil_nr", "flaeche_ha"], [2025, "01", 12.345]]
    return xlsx_raw(sheet_rows_xml(rows))


VALID = [
    Case("r2-xlsx-typed-decimal", "statistics", "s.xlsx", _xlsx_typed_decimal, True,
         value=("flaeche_ha", 12.345)),
    Case("r2-gpkg-wal-header", "facilities", "qgis_wal.gpkg", _gpkg_wal, True, rows=2),
    Case("r2-csv-cr-only", "facilities", "mac.csv",
         text("name;lat;lon", f"Treff;{_point_row()}", f"Zweiter;{_point_row()}", end="\r"),
         True, rows=2),
    Case("r2-csv-excel-sep-line", "facilities", "excel_sep.csv",
         text("sep=;", "name;lat;lon", f"Treff;{LAT:.6f};{LON:.6f}".replace(".", ",")), True,
         value=("lat", LAT)),
    Case("r2-csv-excel-sep-comma", "facilities", "excel_sep_komma.csv",
         text('"sep=,"', "name,lat,lon", f"Treff,{LAT:.6f},{LON:.6f}"), True, rows=1),
    Case("r2-csv-breitengrad-laengengrad", "facilities", "grad.csv",
         text("Name;Breitengrad;Längengrad", f"Treff;{_point_row()}"), True, rows=1),
    Case("r2-csv-breitengrad-laengengrad-cp1252", "facilities", "grad_ansi.csv",
         text("Name;Breitengrad;Längengrad", f"Treff;{_point_row()}", encoding="cp1252"), True,
         rows=1),
    Case("r2-geojson-multipoint-single", "facilities", "multi1.geojson",
         functools.partial(_geojson_multipoint, 1), True, rows=1),
    Case("r2-gpkg-multipoint-single", "facilities", "multi1.gpkg",
         lambda: gpkg_bytes({"treffs": _multipoint(1)}), True, rows=1),
    Case("r2-shp-multipoint-single", "facilities", "multi1.zip",
         lambda: shapefile_raw([[(LON, LAT)]], [("name", 20)], [["Treff"]], multipoint=True),
         True, rows=1),
    Case("r2-geojson-multipoint-two", "facilities", "multi2.geojson",
         functools.partial(_geojson_multipoint, 2), False,
         "MultiPoint mit 2 Punkten; erwartet wird ein Punkt je Einrichtung"),
    Case("r2-shp-utm32-esri-prj", "facilities", "utm.zip",
         lambda: shapefile_raw([[(X0 + 500, Y0 + 1500)]], [("name", 20)], [["Treff"]],
                               prj=PRJ_UTM32_ESRI), True, rows=1),
]  # fmt: skip

# --------------------------------------------------------------------------- limits


def _geojson_long_name(size: int, escaped: bool = False) -> bytes:
    name = '\\"' * (size // 2) if escaped else "x" * size
    return (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"'
        + name
        + f'"}},"geometry":{{"type":"Point","coordinates":[{LON},{LAT}]}}}}]}}'
    ).encode()


def _geojson_many_cells(features: int, properties: int) -> bytes:
    props = ",".join(f'"p{i}":1' for i in range(properties))
    feature = (
        f'{{"type":"Feature","properties":{{{props}}},'
        f'"geometry":{{"type":"Point","coordinates":[{LON},{LAT}]}}}}'
    )
    return (
        '{"type":"FeatureCollection","features":[' + ",".join([feature] * features) + "]}"
    ).encode()


LIMITS = [
    Case("r2-gpkg-20000x99-text", "facilities", "breit.gpkg",
         functools.partial(gpkg_wide, 20_000, 99), False,
         "Zu viele Zellen mit Inhalt (1.999.901, erlaubt 200.000"),
    Case("r2-shp-20000x100-cells", "facilities", "breit.zip",
         functools.partial(shapefile_many_cells, 20_000, 100), False,
         "Zu viele Zellen mit Inhalt (2.000.000, erlaubt 200.000"),
    Case("r2-geojson-20000x60-cells", "facilities", "breit.geojson",
         functools.partial(_geojson_many_cells, 20_000, 60), False,
         "Die GeoJSON-Datei enthält zu viele Werte"),
    Case("r2-geojson-name-15mb", "facilities", "langer_name.geojson",
         functools.partial(_geojson_long_name, 15 * MB), False,
         "Zeile 1, Spalte name: Der Text ist 15.728.640 Zeichen lang (erlaubt 10.000)"),
    Case("r2-geojson-escaped-quotes-15mb", "facilities", "maskiert.geojson",
         functools.partial(_geojson_long_name, 15 * MB, True), False,
         "Der Text ist 7.864.320 Zeichen lang (erlaubt 10.000)"),
    Case("r2-geojson-escaped-unterminated", "facilities", "offen.geojson",
         lambda: b'{"type":"FeatureCollection","features":[],"x":"' + b'\\"' * (9 * MB), False,
         "Text ohne schließendes Anführungszeichen"),
    Case("r2-geojson-escaped-unterminated-1mb", "facilities", "offen_klein.geojson",
         lambda: b'{"type":"FeatureCollection","features":[],"x":"' + b'\\"' * (MB // 2), False,
         "Text ohne schließendes Anführungszeichen"),
    Case("r2-xlsx-name-15000", "facilities", "lang.xlsx",
         lambda: xlsx_raw(sheet_rows_xml([["name", "lat", "lon"], ["x" * 15_000, LAT, LON]])),
         False, "Zeile 2, Spalte name: Der Text ist 15.000 Zeichen lang (erlaubt 10.000)"),
    Case("r2-gpkg-name-15000", "facilities", "lang.gpkg",
         lambda: gpkg_bytes({"treffs": gpd.GeoDataFrame(
             {"name": ["x" * 15_000]}, geometry=[shapely.Point(LON, LAT)], crs=4326)}),
         False, "Das Attribut 'name' enthält einen Text mit 15.000 Zeichen (erlaubt 10.000)"),
]  # fmt: skip

# --------------------------------------------------------------------------- coordinate systems


def _gpkg_srs(definition: str, crs: int = 4326) -> bytes:
    """A GeoPackage whose layer's system is given by ``definition`` only (no EPSG code)."""
    base = gpkg_bytes({"treffs": facility_points(1, crs=crs)})
    return gpkg_edit(
        base,
        (
            "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, "
            "organization_coordsys_id, definition) VALUES ('eigen', 990001, 'NONE', 990001, ?)",
            (definition,),
        ),
        ("UPDATE gpkg_geometry_columns SET srs_id = 990001", ()),
        ("UPDATE gpkg_contents SET srs_id = 990001", ()),
    )


CRS = [
    Case("r2-prj-extension-nadgrids", "facilities", "nadgrids.zip",
         lambda: shapefile_zip(prj=PRJ_NADGRIDS.encode()), False,
         "Das Koordinatensystem in der .prj-Datei enthält „EXTENSION“"),
    Case("r2-prj-geoidgrids", "facilities", "geoidgrids.zip",
         lambda: shapefile_zip(prj=PRJ_GEOIDGRIDS.encode()), False,
         "Das Koordinatensystem in der .prj-Datei enthält „EXTENSION“"),
    Case("r2-prj-proj-string", "facilities", "projstring.zip",
         lambda: shapefile_zip(prj=b"+proj=longlat +init=/etc/passwd"), False,
         "Das Koordinatensystem in der .prj-Datei enthält „proj“"),
    Case("r2-prj-custom-no-epsg", "facilities", "eigen.zip",
         lambda: shapefile_raw([[(X0 + 500, Y0 + 1500)]], [("name", 20)], [["Treff"]],
                               prj=PRJ_CUSTOM), False, "entspricht keinem EPSG-Code"),
    Case("r2-gpkg-srs-nadgrids", "facilities", "nadgrids.gpkg",
         functools.partial(_gpkg_srs, PRJ_NADGRIDS), False,
         "Das Koordinatensystem in der GeoPackage-Datei enthält „EXTENSION“"),
    Case("r2-gpkg-srs-esri-utm", "facilities", "utm_esri.gpkg",
         functools.partial(_gpkg_srs, PRJ_UTM32_ESRI, 25832), True, rows=1),
]  # fmt: skip

CASES: list[Case] = [*MISREADING, *CRASH_TEXT, *VALID, *LIMITS, *CRS]
