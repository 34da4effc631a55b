"""Downloads: GeoPackage (all layers, QGIS-ready), CSV for German Excel, XLSX.

Text cells that start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``) are prefixed with
an apostrophe in CSV and XLSX, so a name from a data file can never run as a formula.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.crs import METRIC_CRS
from indicators.registry import INDICATORS
from maps.access_maps import cell_squares

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy where text cells cannot be read as spreadsheet formulas.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table.

    Returns
    -------
    pandas.DataFrame
        Numbers untouched; strings starting with ``= + - @`` get a leading apostrophe.
    """
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_string_dtype(out[column]) or out[column].dtype == object:
            out[column] = out[column].map(
                lambda v: f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    return out


def excel_csv(frame: pd.DataFrame) -> bytes:
    """CSV that German Excel opens correctly: semicolon, decimal comma, UTF-8 with BOM.

    Parameters
    ----------
    frame : pandas.DataFrame
        Table (geometry columns are dropped).

    Returns
    -------
    bytes
    """
    table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    text = defuse_formulas(table).to_csv(sep=";", decimal=",", index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An Excel workbook with one sheet per table (names cut to Excel's 31 characters).

    Parameters
    ----------
    sheets : dict of str to pandas.DataFrame
        Sheet name → table.

    Returns
    -------
    bytes
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            table = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
            defuse_formulas(table).to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def geopackage(layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    """A GeoPackage with one layer per frame, all in EPSG:25832.

    Parameters
    ----------
    layers : dict of str to geopandas.GeoDataFrame
        Layer name → frame (any CRS; reprojected).

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        If a layer is empty or has no CRS.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "begegnungsatlas.gpkg"
        for name, frame in layers.items():
            if frame.crs is None:
                raise ValueError(f"Ebene {name} hat kein Koordinatensystem.")
            clean = frame.to_crs(METRIC_CRS).copy()
            for column in clean.columns:
                if column != clean.geometry.name and clean[column].dtype == object:
                    clean[column] = clean[column].astype("string")
            pyogrio.write_dataframe(clean, path, layer=name, driver="GPKG")
        return path.read_bytes()


def result_tables(
    indicators: pd.DataFrame,
    coverage: pd.DataFrame,
    ranking: pd.DataFrame,
    facilities: pd.DataFrame,
    regions: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """The app's result tables for CSV/XLSX export (one row per Stadtteil or facility).

    Parameters
    ----------
    indicators, coverage, ranking : pandas.DataFrame
        Per Stadtteil (index ``stadtteil_nr``).
    facilities : pandas.DataFrame
        The facility list.
    regions : dict, optional
        Extra tables per region (name → table).

    Returns
    -------
    dict of str to pandas.DataFrame
        Sheet name → table, plus ``Erlaeuterungen`` describing the indicator columns.
    """
    facility_columns = [c for c in facilities.columns if c not in ("geometry",)]
    tables = {
        "Indikatoren": indicators.reset_index(),
        "Versorgung": coverage.reset_index(),
        "Unterversorgung": ranking.reset_index(),
        "Einrichtungen": pd.DataFrame(facilities[facility_columns]),
    }
    for name, table in (regions or {}).items():
        tables[name] = table.reset_index()
    tables["Erlaeuterungen"] = pd.DataFrame(
        {
            "Spalte": list(INDICATORS),
            "Bezeichnung": [i.label_with_unit for i in INDICATORS.values()],
            "Definition": [i.definition for i in INDICATORS.values()],
        }
    )
    return tables


def result_layers(
    stadtteile: gpd.GeoDataFrame,
    stadtgrenze: gpd.GeoDataFrame,
    indicators: pd.DataFrame,
    coverage: pd.DataFrame,
    ranking: pd.DataFrame,
    facilities: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame,
    extra: dict[str, gpd.GeoDataFrame] | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Layers for the GeoPackage: Stadtteile with all figures, facilities, grid cells, boundary.

    Parameters
    ----------
    stadtteile, stadtgrenze : geopandas.GeoDataFrame
        Polygons.
    indicators, coverage, ranking : pandas.DataFrame
        Per Stadtteil.
    facilities : geopandas.GeoDataFrame
        Facilities (rows without position keep an empty geometry).
    cells : geopandas.GeoDataFrame
        Analysed grid cells (centre points with ``xmin``…``ymax`` in EPSG:3035).
    extra : dict, optional
        More layers (scenario sites, regions).

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
    """
    figures = indicators.join(coverage.drop(columns="stadtteil"), how="left")
    figures = figures.join(ranking.drop(columns="stadtteil").add_prefix("index_"), how="left")
    areas = gpd.GeoDataFrame(
        figures, geometry=stadtteile.geometry.reindex(figures.index), crs=stadtteile.crs
    )
    squares = gpd.GeoSeries(cell_squares(cells).to_crs(METRIC_CRS).values, index=cells.index)
    grid = gpd.GeoDataFrame(
        pd.DataFrame(cells.drop(columns="geometry")), geometry=squares.values, crs=METRIC_CRS
    )
    layers = {
        "stadtteile": areas.reset_index(),
        "einrichtungen": facilities.reset_index(drop=True),
        "zensus_zellen": grid,
        "stadtgrenze": stadtgrenze,
    }
    layers.update(extra or {})
    return layers
