"""Downloads: German Excel CSV, XLSX, GeoPackage."""

from __future__ import annotations

import io
import sqlite3
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio

from geo.facilities import CATEGORIES
from geo.io.gtfs import read_feed
from indicators.composite import CLASS_LABELS
from indicators.registry import INDICATORS
from maps.access_maps import CLASS_COLORS, time_class_labels
from report.exports import (
    analysis_geopackage,
    definition,
    defuse_formulas,
    excel_csv,
    geopackage,
    result_layers,
    result_tables,
    spreadsheet,
    xlsx,
)
from scenarios.evaluation import compute
from scenarios.model import Assumptions, Scenario


def test_csv_for_german_excel():
    data = excel_csv(
        pd.DataFrame({"Stadtteil": ["Größe", "=HYPERLINK(1)"], "Anteil": [12.5, 3.25]})
    )
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows the umlauts
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["Stadtteil;Anteil", "Größe;12,5", "'=HYPERLINK(1);3,25"]


def test_formulas_are_defused_but_numbers_kept():
    frame = defuse_formulas(pd.DataFrame({"a": ["+1", "@x", "-2", "ok"], "b": [-1, 2, 3, 4]}))
    assert frame["a"].tolist() == ["'+1", "'@x", "'-2", "ok"]
    assert frame["b"].tolist() == [-1, 2, 3, 4]


def _result(pkg, feed=None):
    return compute(
        pkg, Scenario(assumptions=Assumptions(year=2025, min_people=100)), feed, draws=10
    )


def test_xlsx_has_every_table(synthetic):
    tables = result_tables(_result(synthetic), synthetic.einrichtungen)
    book = openpyxl.load_workbook(io.BytesIO(xlsx(tables)))
    assert book.sheetnames == [
        "Indikatoren",
        "Versorgung",
        "Unterversorgung",
        "Einrichtungen",
        "Erläuterungen",
    ]
    rows = list(book["Indikatoren"].iter_rows(values_only=True))
    # German headings with the id in brackets.
    assert rows[0][:3] == (
        "Stadtteil-Nr. [stadtteil_nr]",
        "Stadtteil [stadtteil]",
        "Einwohner [einwohner]",
    )
    assert len(rows) == 4
    notes = {
        (r[0], r[1]): (r[2], r[3])
        for r in book["Erläuterungen"].iter_rows(min_row=2, values_only=True)
    }
    assert notes["Indikatoren", "anteil_65plus"] == (
        INDICATORS["anteil_65plus"].label_with_unit,
        INDICATORS["anteil_65plus"].definition,
    )
    assert notes["Unterversorgung", "rang"][0] == "Rang"


def test_spreadsheet_values_are_rounded_empty_and_german():
    frame = pd.DataFrame(
        {
            "versorgt": [974.9999999999999, np.nan],
            "anteil_versorgt": [22.8556, np.inf],
            "index": [79.53548516003185, -np.inf],
            "gerankt": [True, False],
        }
    )
    table = spreadsheet(frame)
    assert list(table.columns) == [
        "fußläufig versorgt (Personen) [versorgt]",
        "Anteil fußläufig versorgt (%) [anteil_versorgt]",
        "Index (0–100) [index]",
        "gerankt [gerankt]",
    ]
    text = excel_csv(table).decode("utf-8-sig").splitlines()
    assert text[1:] == ["975;22,9;79,5;ja", ";;;nein"]  # ∞ and NaN: empty cells, never 0
    book = openpyxl.load_workbook(io.BytesIO(xlsx({"T": table})))
    assert list(book["T"].iter_rows(min_row=2, values_only=True)) == [
        (975, 22.9, 79.5, "ja"),
        (None, None, None, "nein"),
    ]


def test_transit_figures_in_tables_and_geopackage(synthetic, tmp_path):
    feed = read_feed(synthetic.gtfs_path, synthetic.stadtgrenze)
    result = _result(synthetic, feed)
    tables = result_tables(result, synthetic.einrichtungen)
    coverage = tables["Versorgung"].set_index("Stadtteil-Nr. [stadtteil_nr]")
    heading = "Anteil in 20 min mit Bus & Bahn erreichbar (%) [anteil_oepnv]"
    expected = result.transit_before.loc[["01", "02"], "anteil_oepnv"].round(1)
    assert coverage.loc[["01", "02"], heading].tolist() == expected.tolist()
    assert pd.isna(coverage.at["04", heading])  # nobody lives there: no share
    path = tmp_path / "out.gpkg"
    path.write_bytes(geopackage(result_layers(synthetic, result)))
    areas = gpd.read_file(path, layer="stadtteile").set_index("stadtteil_nr")
    assert areas.at["02", "anteil_oepnv"] == round(
        result.transit_before.at["02", "anteil_oepnv"], 1
    )
    cells = gpd.read_file(path, layer="zensus_zellen")
    assert "reisezeit_oepnv_min" in cells.columns
    assert set(cells["versorgt"]) <= {"ja", "nein"}
    assert not np.isinf(cells.select_dtypes("number")).any().any()


def test_without_timetable_no_transit_columns(synthetic):
    tables = result_tables(_result(synthetic), synthetic.einrichtungen)
    assert not any("oepnv" in c for c in tables["Versorgung"].columns)


def test_geopackage_layers_are_qgis_ready(synthetic, tmp_path):
    result = _result(synthetic)
    layers = result_layers(synthetic, result)
    path = tmp_path / "out.gpkg"
    path.write_bytes(geopackage(layers))
    names = {name for name, _ in pyogrio.list_layers(path)}
    assert names == {
        "stadtteile",
        "einrichtungen",
        "einrichtungen_ohne_lage",
        "zensus_zellen",
        "stadtgrenze",
    }
    areas = gpd.read_file(path, layer="stadtteile")
    assert areas.crs.to_epsg() == 25832
    assert {"anteil_65plus", "anteil_versorgt", "index_rang", "index_klasse_text"} <= set(
        areas.columns
    )
    result = result.before
    cells = gpd.read_file(path, layer="zensus_zellen")
    assert len(cells) == len(result.cells)
    assert cells.geom_type.eq("Polygon").all()


def test_every_exported_column_is_defined(synthetic):
    feed = read_feed(synthetic.gtfs_path, synthetic.stadtgrenze)
    result = _result(synthetic, feed)
    tables = result_tables(result, synthetic.einrichtungen)
    notes = tables["Erläuterungen"]
    listed = {(t, c) for t, c in zip(notes["Tabelle"], notes["Spalte"], strict=True)}
    for sheet, table in tables.items():
        if sheet == "Erläuterungen":
            continue
        for heading in table.columns:
            column = heading.rsplit("[", 1)[-1].rstrip("]")
            assert (sheet, column) in listed, (sheet, heading)
    empty = notes[notes["Definition"].str.strip() == ""]
    assert empty.empty, empty[["Tabelle", "Spalte"]].values.tolist()
    for name, layer in result_layers(synthetic, result).items():
        for column in layer.columns:
            if column != "geometry":
                assert definition(column, name), (name, column)


def test_facility_sheet_shows_words_not_codes(synthetic):
    table = result_tables(_result(synthetic), synthetic.einrichtungen)["Einrichtungen"]
    assert "Kategorie [kategorie]" in table.columns
    assert "senioren_begegnung" not in set(table["Kategorie [kategorie]"])
    assert set(table["Kategorie [kategorie]"]) <= set(CATEGORIES.values())
    assert set(table["Lage bekannt [hat_lage]"]) == {"ja", "nein"}
    assert not [c for c in table.columns if "[" not in c]  # every heading German with id


def test_geopackage_has_styles_glossary_and_unplaced_table(synthetic, tmp_path):
    result = _result(synthetic)
    path = tmp_path / "out.gpkg"
    path.write_bytes(analysis_geopackage(synthetic, result))
    layers = dict(pyogrio.list_layers(path))
    assert layers["einrichtungen_ohne_lage"] is None  # an attribute table, no geometry
    assert layers["erlaeuterungen"] is None
    unplaced = pyogrio.read_dataframe(path, layer="einrichtungen_ohne_lage")
    placed = gpd.read_file(path, layer="einrichtungen")
    assert len(unplaced) + len(placed) == len(synthetic.einrichtungen)
    assert len(unplaced) == 1
    assert not placed.geometry.is_empty.any()
    with sqlite3.connect(path) as conn:
        styles = {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT f_table_name, f_geometry_column, styleQML, styleSLD, useAsDefault "
                "FROM layer_styles"
            )
        }
        contents = {r[0] for r in conn.execute("SELECT table_name FROM gpkg_contents")}
    spatial = {name for name, kind in layers.items() if kind is not None}
    assert set(styles) == spatial  # every layer opens styled in QGIS
    assert "layer_styles" in contents
    for geometry, qml, sld, default in styles.values():
        assert geometry == "geom"
        assert default == 1
        ElementTree.fromstring(qml.split("\n", 1)[1])  # well-formed QML (after the DOCTYPE)
        ElementTree.fromstring(sld)
    # The same classes and colours as the web maps.
    qml = styles["stadtteile"][1]
    assert 'attr="index_klasse_text"' in qml
    for label, color in zip(CLASS_LABELS, CLASS_COLORS, strict=True):
        rgb = ",".join(str(int(color[i : i + 2], 16)) for i in (1, 3, 5))
        assert f'label="{label}"' in qml
        assert rgb in qml
    cells_qml = styles["zensus_zellen"][1]
    assert all(f'value="{label}"' in cells_qml for label in time_class_labels())
    cells = gpd.read_file(path, layer="zensus_zellen")
    assert set(cells["gehzeit_klasse"]) <= {*time_class_labels(), "Zahl nicht veröffentlicht"}
    glossary = pyogrio.read_dataframe(path, layer="erlaeuterungen")
    assert (glossary["definition"].str.len() > 0).all()
