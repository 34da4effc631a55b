"""Downloads: German Excel CSV, XLSX, GeoPackage."""

from __future__ import annotations

import io

import geopandas as gpd
import openpyxl
import pandas as pd
import pyogrio

from geo.access_adapter import analyse
from geo.access_kernel import WalkParams
from geo.demand import TARGET_GROUPS
from indicators.composite import index_input, underserved
from indicators.table import indicator_table
from report.exports import (
    defuse_formulas,
    excel_csv,
    geopackage,
    result_layers,
    result_tables,
    xlsx,
)


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


def _results(pkg):
    result = analyse(pkg, 2025, TARGET_GROUPS["senioren"], WalkParams())
    indicators = indicator_table(pkg, 2025)
    ranking = underserved(
        index_input(indicators, result.coverage, indicators["einwohner"]),
        n_draws=10,
        min_people=100,
    )
    return result, indicators, ranking


def test_xlsx_has_every_table(synthetic):
    result, indicators, ranking = _results(synthetic)
    tables = result_tables(
        indicators, result.coverage, ranking, synthetic.einrichtungen.drop(columns="geometry")
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx(tables)))
    assert book.sheetnames == [
        "Indikatoren",
        "Versorgung",
        "Unterversorgung",
        "Einrichtungen",
        "Erlaeuterungen",
    ]
    rows = list(book["Indikatoren"].iter_rows(values_only=True))
    assert rows[0][:3] == ("stadtteil_nr", "stadtteil", "einwohner")
    assert len(rows) == 4


def test_geopackage_layers_are_qgis_ready(synthetic, tmp_path):
    result, indicators, ranking = _results(synthetic)
    layers = result_layers(
        synthetic.stadtteile, synthetic.stadtgrenze, indicators, result.coverage, ranking,
        synthetic.einrichtungen, result.cells,
    )  # fmt: skip
    path = tmp_path / "out.gpkg"
    path.write_bytes(geopackage(layers))
    names = [name for name, _ in pyogrio.list_layers(path)]
    assert names == ["stadtteile", "einrichtungen", "zensus_zellen", "stadtgrenze"]
    areas = gpd.read_file(path, layer="stadtteile")
    assert areas.crs.to_epsg() == 25832
    assert {"anteil_65plus", "anteil_versorgt", "index_rang", "index_klasse_text"} <= set(
        areas.columns
    )
    cells = gpd.read_file(path, layer="zensus_zellen")
    assert len(cells) == len(result.cells)
    assert cells.geom_type.eq("Polygon").all()
