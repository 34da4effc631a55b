"""Uploads: a corpus of malformed files (generated here), each with its expected message,
and well-formed files in every supported format."""

from __future__ import annotations

import io
import json
import math
import zipfile

import geopandas as gpd
import openpyxl
import pytest
import shapely

from geo.io.uploads import validate
from tests.synthetic import X0, Y0, metric_point

LON, LAT = metric_point(X0 + 500, Y0 + 1500)  # inside Nord
GOOD_CSV = f"name;lat;lon;kategorie\nNeuer Treff;{LAT:.6f};{LON:.6f};senioren_begegnung\n"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


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


def shapefile_zip(
    tmp_path, crs: str | None = "EPSG:4326", extra: dict[str, bytes] | None = None
) -> bytes:
    frame = gpd.GeoDataFrame({"name": ["Shp-Treff"]}, geometry=[shapely.Point(LON, LAT)], crs=crs)
    frame.to_file(tmp_path / "treffs.shp")
    members = {p.name: p.read_bytes() for p in tmp_path.glob("treffs.*")}
    if crs is None:
        members.pop("treffs.prj", None)
    members.update(extra or {})
    return zip_bytes(members)


# --------------------------------------------------------------------------- malformed corpus

FACILITY_CASES = [
    ("leer.csv", b"", "Die Datei ist leer"),
    ("nur_kopf.csv", b"name;lat;lon\n", "keine Datenzeilen"),
    ("ohne_koordinaten.csv", b"name;adresse\nA;Weg 1\n", "Keine Koordinaten"),
    ("ohne_name.csv", f"lat;lon\n{LAT};{LON}\n".encode(), "Spalte name fehlt"),
    ("name_leer.csv", f"name;lat;lon\n;{LAT};{LON}\n".encode(), "Name fehlt"),
    (
        "text_statt_zahl.csv",
        b"name;lat;lon\nA;zweiundfuenfzig;11.6\n",
        "Keine Zahl: 'zweiundfuenfzig'",
    ),
    ("vertauscht.csv", f"name;lat;lon\nA;{LON};{LAT}\n".encode(), "vermutlich vertauscht"),
    ("ausserhalb.csv", b"name;lat;lon\nA;52.52;13.40\n", "außerhalb der Stadt"),
    ("breite_ueber_90.csv", b"name;lat;lon\nA;152.1;11.6\n", "außerhalb ±90°"),
    (
        "halbe_koordinate.csv",
        f"name;lat;lon\nA;{LAT};\n".encode(),
        "Nur eine der beiden Koordinaten",
    ),
    (
        "kategorie_falsch.csv",
        f"name;lat;lon;kategorie\nA;{LAT};{LON};kneipe\n".encode(),
        "Unbekannter Wert 'kneipe'",
    ),
    (
        "status_falsch.csv",
        f"name;lat;lon;in_betrieb\nA;{LAT};{LON};vielleicht\n".encode(),
        "Unbekannter Wert 'vielleicht'",
    ),
    (
        "doppelte_id.csv",
        f"id;name;lat;lon\nX;A;{LAT};{LON}\nX;B;{LAT};{LON}\n".encode(),
        "kommt mehrfach vor",
    ),
    (
        "vorhandene_id.csv",
        f"id;name;lat;lon\nASZ-1;A;{LAT};{LON}\n".encode(),
        "ist im Datenpaket schon vergeben",
    ),
    ("doppelte_spalte.csv", f"name;name;lat;lon\nA;B;{LAT};{LON}\n".encode(), "mehrfach vorhanden"),
    (
        "negative_genauigkeit.csv",
        f"name;lat;lon;lage_genauigkeit_m\nA;{LAT};{LON};-5\n".encode(),
        "Negativer Wert",
    ),
    ("ungleiche_spalten.csv", b'name,lat,lon\n"A,52.1\n', "endet nicht vor dem Dateiende"),
    ("binaer.csv", b"\x00\x01\x02name;lat\n", "Binärdaten"),
    ("zu_gross.csv", b"name;lat;lon\n" + b"A;52.1;11.6\n" * 2_000_000, "zu groß"),
    ("alt.xls", b"\xd0\xcf\x11\xe0 old excel", "alte Excel-Format"),
    ("kaputt.xlsx", b"PK\x03\x04 kein echtes xlsx", "Die Excel-Datei ist beschädigt"),
    ("leer.xlsx", None, "erste Tabellenblatt ist leer"),
    ("unbekannt.pdf", b"%PDF-1.4", "wird nicht unterstützt"),
    ("kein_json.geojson", b"{ das ist kein json", "kein gültiges JSON (Zeile 1, Spalte 3"),
    ("polygon.geojson", None, "Geometrietyp Polygon"),
    ("ohne_geometrie.geojson", None, "Objekt ohne Geometrie"),
    ("meter_als_grad.geojson", None, "passen nicht zum angegebenen System|außerhalb der Stadt"),
    ("leer.geojson", geojson_bytes([]), "keine Objekte"),
    (
        "zip_slip.zip",
        zip_bytes({"../../etc/passwd.shp": b"x", "a.shx": b"", "a.dbf": b""}),
        "Unzulässiger Pfad",
    ),
    ("absolut.zip", zip_bytes({"/tmp/evil.shp": b"x"}), "Unzulässiger Pfad"),
    ("zwei_shapefiles.zip", zip_bytes({"a.shp": b"", "b.shp": b""}), "genau eine .shp"),
    ("ohne_dbf.zip", zip_bytes({"a.shp": b"", "a.shx": b""}), "fehlen .dbf"),
    ("zu_viele_dateien.zip", zip_bytes({f"f{i}.txt": b"" for i in range(60)}), "zu viele Dateien"),
    ("bombe.zip", None, "entpackt zu groß"),
    ("kein_zip.zip", b"das ist kein zip", "ist aber kein ZIP-Archiv: sie enthält Text"),
]


def _special(name: str) -> bytes:
    if name == "leer.xlsx":
        return xlsx_bytes([])
    if name == "polygon.geojson":
        return geojson_bytes(
            [
                {
                    "type": "Feature",
                    "geometry": shapely.geometry.mapping(shapely.box(11.6, 52.1, 11.61, 52.11)),
                    "properties": {"name": "P"},
                }
            ]
        )
    if name == "ohne_geometrie.geojson":
        return geojson_bytes([{"type": "Feature", "geometry": None, "properties": {"name": "P"}}])
    if name == "meter_als_grad.geojson":
        return geojson_bytes([point_feature(X0, Y0, name="P")])  # metres in a lon/lat file
    if name == "bombe.zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a.shp", b"\0" * 120_000_000)
        return buffer.getvalue()
    raise KeyError(name)


@pytest.mark.parametrize(
    ("name", "content", "message"), FACILITY_CASES, ids=[c[0] for c in FACILITY_CASES]
)
def test_malformed_facility_files_are_rejected_completely(synthetic, name, content, message):
    result = validate(
        "facilities", name, content if content is not None else _special(name), synthetic
    )
    assert not result.ok
    assert result.data is None  # never partly applied
    texts = " | ".join(p.text() for p in result.errors)
    assert any(part in texts for part in message.split("|")), texts
    assert all(p.fix for p in result.errors)


STATISTICS_CASES = [
    ("ohne_jahr.csv", b"stadtteil_nr;einwohner\n01;5\n", "Spalte(n) fehlen: jahr"),
    (
        "unbekannter_stadtteil.csv",
        b"jahr;stadtteil_nr;einwohner\n2025;98;5\n",
        "Unbekannte Stadtteilnummer '98'",
    ),
    ("jahr_falsch.csv", b"jahr;stadtteil_nr;einwohner\n20x5;01;5\n", "Keine Zahl: '20x5'"),
    ("negativ.csv", b"jahr;stadtteil_nr;einwohner\n2025;01;-3\n", "Negativer Wert"),
    (
        "widerspruch.csv",
        b"jahr;stadtteil_nr;einwohner\n2025;01;5\n2025;01;6\n",
        "Widersprüchliche Zeilen",
    ),
    ("keine_werte.csv", b"jahr;stadtteil_nr;foo\n2025;01;5\n", "Keine bekannte Statistikspalte"),
    (
        "kiss_falsche_tabelle.csv",
        b"K3_T1_var1;K3_T1_var2;tabelle\n2025;1;K3_T1\n",
        "enthält keine hier verwendeten",
    ),
    ("kiss_zwei_tabellen.csv", b"K3_T34_var1;K6_T35_var1\n1;2\n", "Mehrere KISS-MD-Tabellen"),
    ("geojson_statt_tabelle.geojson", b"{}", "als CSV oder XLSX"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), STATISTICS_CASES, ids=[c[0] for c in STATISTICS_CASES]
)
def test_malformed_statistics(synthetic, name, content, message):
    result = validate("statistics", name, content, synthetic)
    assert not result.ok
    assert message in " | ".join(p.text() for p in result.errors)


AREA_CASES = [
    ("ohne_region.csv", b"stadtteil_nr\n01\n", "Spalte region fehlt"),
    ("doppelt.csv", b"stadtteil_nr;region\n01;A\n01;B\n", "mehreren Regionen zugeordnet"),
    ("unbekannt.csv", b"stadtteil_nr;region\n77;A\n", "Unbekannter Stadtteil '77'"),
    ("region_leer.csv", b"stadtteil_nr;region\n01;\n", "Region fehlt"),
]


@pytest.mark.parametrize(("name", "content", "message"), AREA_CASES, ids=[c[0] for c in AREA_CASES])
def test_malformed_region_tables(synthetic, name, content, message):
    result = validate("areas", name, content, synthetic)
    assert not result.ok
    assert message in " | ".join(p.text() for p in result.errors)


def test_the_corpus_is_large_enough():
    assert len(FACILITY_CASES) + len(STATISTICS_CASES) + len(AREA_CASES) >= 30


def test_problems_name_row_and_column(synthetic):
    content = f"name;lat;lon\nA;{LAT};{LON}\nB;viel;{LON}\n".encode()
    problem = validate("facilities", "x.csv", content, synthetic).errors[0]
    assert (problem.row, problem.column) == (3, "lat")
    assert problem.text().startswith("Zeile 3, Spalte lat: Keine Zahl")


# --------------------------------------------------------------------------- good files


def _check_good(result, n=1):
    assert result.ok, [p.text() for p in result.errors]
    data = result.data
    assert len(data) == n
    assert data.crs == "EPSG:25832"
    assert data.iloc[0]["stadtteil_nr"] == "02"
    return data


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("utf8.csv", GOOD_CSV.encode("utf-8")),
        ("utf8_bom.csv", GOOD_CSV.encode("utf-8-sig")),
        ("komma.csv", GOOD_CSV.replace(";", ",").encode()),
        ("tab.txt", GOOD_CSV.replace(";", "\t").encode()),
        (
            "dezimalkomma.csv",
            GOOD_CSV.replace(f"{LAT:.6f}", f"{LAT:.6f}".replace(".", ","))
            .replace(f"{LON:.6f}", f"{LON:.6f}".replace(".", ","))
            .encode(),
        ),
        (
            "deutsch.csv",
            f"Bezeichnung;Träger;Breite;Länge\nNeuer Treff;Verein;{LAT};{LON}\n".encode("cp1252"),
        ),
    ],
)
def test_good_tables(synthetic, name, content):
    data = _check_good(validate("facilities", name, content, synthetic))
    assert data.iloc[0]["name"] == "Neuer Treff"
    assert data.iloc[0]["lat"] == pytest.approx(LAT, abs=1e-5)


def test_cp1252_is_read_and_reported(synthetic):
    result = validate(
        "facilities",
        "x.csv",
        f"name;lat;lon\nBürgertreff;{LAT};{LON}\n".encode("cp1252"),
        synthetic,
    )
    assert result.data.iloc[0]["name"] == "Bürgertreff"
    assert any("Windows-1252" in w.message for w in result.warnings)


def test_metric_xy_and_xlsx(synthetic):
    x, y = X0 + 500, Y0 + 1500
    content = xlsx_bytes([["name", "x", "y"], ["Metrisch", x, y]])
    data = _check_good(validate("facilities", "x.xlsx", content, synthetic))
    assert data.geometry.iloc[0].distance(shapely.Point(x, y)) < 0.01


def test_geojson_and_geopackage(synthetic, tmp_path):
    _check_good(
        validate(
            "facilities", "a.geojson", geojson_bytes([point_feature(LON, LAT, name="G")]), synthetic
        )
    )
    frame = gpd.GeoDataFrame(
        {"name": ["P"]}, geometry=[shapely.Point(*metric_point_to_metric())], crs=25832
    )
    frame.to_file(tmp_path / "a.gpkg", driver="GPKG")
    _check_good(validate("facilities", "a.gpkg", (tmp_path / "a.gpkg").read_bytes(), synthetic))


def metric_point_to_metric():
    return X0 + 500, Y0 + 1500


def test_zipped_shapefile(synthetic, tmp_path):
    _check_good(validate("facilities", "treffs.zip", shapefile_zip(tmp_path), synthetic))


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_shapefile_without_prj_is_rejected(synthetic, tmp_path):
    result = validate("facilities", "treffs.zip", shapefile_zip(tmp_path, crs=None), synthetic)
    assert "fehlt die .prj" in result.errors[0].message


def test_rows_without_position_are_kept_and_reported(synthetic):
    result = validate(
        "facilities", "x.csv", f"name;lat;lon\nA;{LAT};{LON}\nB;;\n".encode(), synthetic
    )
    assert result.ok
    assert result.data.geometry.isna().tolist() == [False, True]
    assert any("Ohne Lage" in w.message for w in result.warnings)


def test_markup_is_accepted_as_text_and_flagged(synthetic):
    result = validate(
        "facilities",
        "x.csv",
        f"name;lat;lon\n<script>alert(1)</script>;{LAT};{LON}\n".encode(),
        synthetic,
    )
    assert result.ok
    assert result.data.iloc[0]["name"] == "<script>alert(1)</script>"
    assert any("HTML" in w.message for w in result.warnings)


def test_replace_mode_allows_package_ids(synthetic):
    content = f"id;name;lat;lon\nASZ-1;A;{LAT};{LON}\n".encode()
    assert not validate("facilities", "x.csv", content, synthetic).ok
    assert validate("facilities", "x.csv", content, synthetic, replace_facilities=True).ok


def test_statistics_long_table_with_suppressed_values(synthetic):
    content = b"jahr;stadtteil_nr;einwohner;alter_65plus;auslaender_pct\n2025;1;1234;.;12,5\n2026;02;410;201;3\n"
    result = validate("statistics", "s.csv", content, synthetic)
    assert result.ok, [p.text() for p in result.errors]
    data = result.data.set_index(["jahr", "stadtteil_nr"])
    assert data.loc[(2025, "01"), "einwohner"] == 1234
    assert data.loc[(2025, "01"), "auslaender_pct"] == 12.5
    assert math.isnan(data.loc[(2025, "01"), "alter_65plus"])  # "." = suppressed, not 0


def test_kiss_md_export_with_city_totals_and_repeats(synthetic):
    rows = [
        [
            "K3_T34_var1",
            "K3_T34_var2",
            "K3_T34_var3",
            "K3_T34_var4",
            "K3_T34_var5",
            "K3_T34_var6",
            "K3_T34_var7",
            "K3_T34_var8",
            "tabelle",
        ],
        [2025, "01", "50", "100", "300", "300", "250", "1000", "K3_T34"],
        [2025, "1", "50", "100", "300", "300", "250", "1000", "K3_T34"],  # repeated as "1"
        [2025, "04", "0", "2", "4", "4", ".", "10", "K3_T34"],
        [2025, "15003", "50", "102", "304", "304", "250", "1010", "K3_T34"],  # city total
    ]
    result = validate("statistics", "kiss.xlsx", xlsx_bytes(rows), synthetic)
    assert result.ok, [p.text() for p in result.errors]
    assert len(result.data) == 2
    notes = " ".join(w.message for w in result.warnings)
    assert "KISS-MD" in notes
    assert "Gesamtstadt übersprungen" in notes
    assert "zusammengefasst" in notes


def test_region_table_by_name_and_warnings(synthetic):
    result = validate(
        "areas", "r.csv", b"stadtteil;Versorgungsgebiet\nmitte;West\nNord;West\n", synthetic
    )
    assert result.ok
    assert result.data["stadtteil_nr"].tolist() == ["01", "02"]
    assert any("04" in w.message for w in result.warnings)
