"""Downloads: GeoPackage (all layers, QGIS-ready), CSV for German Excel, XLSX – from a Result.

Numbers are rounded, missing values (and ∞) are empty cells, booleans read ``ja``/``nein``;
CSV/XLSX headings are German with the column id in brackets, and the sheet
„Erläuterungen“ explains every column.

Text cells that start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``) are prefixed with
an apostrophe in CSV and XLSX, so a name from a data file can never run as a formula.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.access_adapter import CITY_ID
from geo.crs import METRIC_CRS
from geo.package import DataPackage
from indicators.composite import COMPONENTS
from indicators.format import format_number
from indicators.registry import INDICATORS
from maps.access_maps import cell_squares
from scenarios.result import Result

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


#: German headings of exported columns that are not indicators (the id follows in brackets).
COLUMN_LABELS = {
    "stadtteil_nr": "Nr.", "stadtteil": "Stadtteil", "region": "Region",
    # walking access (geo.access_adapter)
    "zielgruppe": "Zielgruppe (Personen)", "verortet": "Zielgruppe im Zensusraster (Personen)",
    "versorgt": "fußläufig versorgt (Personen)", "unversorgt": "nicht fußläufig versorgt (Personen)",
    "anteil_versorgt": "Anteil fußläufig versorgt (%)",
    "versorgt_min": "versorgt bei ungünstigster Lage der Einrichtungen (Personen)",
    "versorgt_max": "versorgt bei günstigster Lage der Einrichtungen (Personen)",
    "median_gehweg_m": "Median Gehweg (m)", "median_gehzeit_min": "Median Gehzeit (min)",
    "einrichtungen": "Einrichtungen", "je_einrichtung": "Zielgruppe je Einrichtung",
    "e2sfca_je_1000": "Angebot je 1.000 (E2SFCA)",
    # under-served index (indicators.composite)
    "gerankt": "gerankt", "grund": "nicht gerankt, weil", "index": "Index (0–100)",
    "rang": "Rang", "klasse": "Klasse (Nummer)", "klasse_text": "Klasse",
    "unvollstaendig": "Angaben unvollständig", "rang_p05": "Rang von (5. Perzentil)",
    "rang_median": "Rang (Median)", "rang_p95": "Rang bis (95. Perzentil)",
    "rang_von": "geteilter Rang von", "rang_bis": "geteilter Rang bis",
    "index_min": "Index bei günstigster Lage der Einrichtungen",
    "index_max": "Index bei ungünstigster Lage der Einrichtungen",
    "rang_luecke_von": "Rang je nach Lage von", "rang_luecke_bis": "Rang je nach Lage bis",
    # facilities
    "id": "Kennung", "typ": "Art", "name": "Name", "traeger": "Träger",
    "strasse_hausnr": "Adresse", "plz": "PLZ", "lage_methode": "Lage ermittelt über",
    "lage_genauigkeit_m": "Lage ± m", "kategorie": "Kategorie", "oeffentlich": "öffentlich",
    "in_betrieb": "in Betrieb", "in_betrieb_grund": "Betrieb: Begründung", "stand": "Stand",
    "quelle_url": "Quelle", "hinweis": "Hinweis", "lat": "Breite (WGS84)",
    "lon": "Länge (WGS84)",
}  # fmt: skip
#: Decimals of exported numbers (indicators: from the registry; other floats: 2).
DECIMALS = {
    "zielgruppe": 0, "verortet": 0, "versorgt": 0, "unversorgt": 0, "anteil_versorgt": 1,
    "versorgt_min": 0, "versorgt_max": 0, "median_gehweg_m": 0, "median_gehzeit_min": 1,
    "einrichtungen": 0, "je_einrichtung": 0, "index": 1, "index_min": 1, "index_max": 1,
    "rang_p05": 0, "rang_median": 0,
    "rang_p95": 0, "lage_genauigkeit_m": 0, "lat": 6, "lon": 6, "versorgt_oepnv": 0,
    "anteil_oepnv": 1, "median_min_oepnv": 1, "anteil_fuss": 1,
    **{i.id: i.decimals for i in INDICATORS.values()},
}  # fmt: skip


def transit_labels(minutes: float) -> dict[str, str]:
    """German headings of the Bus & Bahn columns for a threshold of ``minutes``."""
    n = format_number(minutes)
    return {
        "versorgt_oepnv": f"in {n} min mit Bus & Bahn erreichbar (Personen)",
        "anteil_oepnv": f"Anteil in {n} min mit Bus & Bahn erreichbar (%)",
        "median_min_oepnv": "Median Reisezeit mit Bus & Bahn (min)",
        "anteil_fuss": f"Anteil in {n} min nur zu Fuß erreichbar (%)",
    }


def _component_labels() -> dict[str, str]:
    out = {}
    for comp in COMPONENTS:
        out[f"score_{comp.key}"] = f"Teilwert {comp.label} (0–1)"
        out[f"beitrag_{comp.key}"] = f"Beitrag {comp.label} (Indexpunkte)"
    return out


def column_label(column: str, labels: dict[str, str] | None = None) -> str:
    """German heading of an exported column: ``"Anteil 65+ (%) [anteil_65plus]"``.

    Parameters
    ----------
    column : str
        Column id.
    labels : dict, optional
        Extra headings (e.g. :func:`transit_labels`), checked first.

    Returns
    -------
    str
        The heading with the id in brackets (the id alone if no heading is known).
    """
    known = {**COLUMN_LABELS, **_component_labels(), **(labels or {})}
    if column in known:
        text = known[column]
    elif column in INDICATORS:
        text = INDICATORS[column].label_with_unit
    else:
        return column
    return f"{text} [{column}]"


def clean_values(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit for a spreadsheet: rounded numbers, empty instead of ∞/NaN, ja/nein.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table (a geometry column is kept as it is).

    Returns
    -------
    pandas.DataFrame
        Floats rounded to :data:`DECIMALS` (2 where unknown) with ±∞ as missing; booleans
        as ``"ja"``/``"nein"``; missing values stay missing (never 0).
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, gpd.array.GeometryDtype):
            continue
        if pd.api.types.is_bool_dtype(values):
            out[column] = values.map({True: "ja", False: "nein"}).astype(object)
        elif pd.api.types.is_float_dtype(values):
            places = DECIMALS.get(column, 2)
            rounded = values.replace([np.inf, -np.inf], np.nan).round(places)
            # Whole numbers as integers: "974" instead of "974,0" (missing stays missing).
            out[column] = rounded.astype("Int64") if places == 0 else rounded
    return out


def spreadsheet(frame: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """:func:`clean_values` with German headings (:func:`column_label`) for CSV/XLSX."""
    table = clean_values(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")))
    return table.rename(columns=lambda c: column_label(str(c), labels))


#: Sheet with the meaning of every column.
EXPLANATIONS = "Erläuterungen"


def result_tables(
    result: Result,
    facilities: pd.DataFrame,
    regions: dict[str, pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """The result tables for CSV/XLSX (one row per Stadtteil or facility), from a Result.

    Parameters
    ----------
    result : scenarios.result.Result
        The figures (status quo of its assumptions); Bus & Bahn columns when it has them.
    facilities : pandas.DataFrame
        The facility list.
    regions : dict, optional
        Extra tables per region (name → table).

    Returns
    -------
    dict of str to pandas.DataFrame
        Sheet name → table with German headings (ids in brackets), rounded numbers, empty
        cells for missing values, ``ja``/``nein``; plus :data:`EXPLANATIONS`.
    """
    labels = transit_labels(result.scenario.transit.max_minutes)
    coverage = result.before.coverage
    if result.transit_before is not None:
        transit = result.transit_before.drop(index=CITY_ID, errors="ignore")
        coverage = coverage.join(transit.drop(columns=["zielgruppe", "verortet"]), how="left")
    frames = {
        "Indikatoren": result.indicators.reset_index(),
        "Versorgung": coverage.reset_index(),
        "Unterversorgung": result.ranking_before.reset_index(),
        "Einrichtungen": pd.DataFrame(facilities.drop(columns="geometry", errors="ignore")),
    }
    for name, table in (regions or {}).items():
        frames[name] = table.reset_index()
    tables = {name: spreadsheet(frame, labels) for name, frame in frames.items()}
    columns = list(dict.fromkeys(c for f in frames.values() for c in f.columns))
    tables[EXPLANATIONS] = pd.DataFrame(
        {
            "Spalte": columns,
            "Bezeichnung": [column_label(c, labels).rsplit(" [", 1)[0] for c in columns],
            "Definition": [INDICATORS[c].definition if c in INDICATORS else "" for c in columns],
        }
    )
    return tables


def result_layers(
    package: DataPackage,
    result: Result,
    extra: dict[str, gpd.GeoDataFrame] | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Layers for the GeoPackage from a Result: Stadtteile with all figures, facilities, cells.

    Field names stay ids (QGIS); values are rounded, missing instead of ∞, ``ja``/``nein``.

    Parameters
    ----------
    package : geo.package.DataPackage
        Stadtteile, city boundary and facilities.
    result : scenarios.result.Result
        The figures (status quo); Bus & Bahn per Stadtteil and cell when it has them.
    extra : dict, optional
        More layers (scenario sites, regions).

    Returns
    -------
    dict of str to geopandas.GeoDataFrame
    """
    coverage = result.before.coverage
    figures = result.indicators.join(coverage.drop(columns="stadtteil"), how="left")
    if result.transit_before is not None:
        transit = result.transit_before.drop(index=CITY_ID, errors="ignore")
        figures = figures.join(transit.drop(columns=["zielgruppe", "verortet"]), how="left")
    ranking = result.ranking_before.drop(columns="stadtteil")
    figures = figures.join(ranking.add_prefix("index_"), how="left")
    stadtteile = package.stadtteile
    areas = gpd.GeoDataFrame(
        figures, geometry=stadtteile.geometry.reindex(figures.index), crs=stadtteile.crs
    )
    cells = result.before.cells
    squares = gpd.GeoSeries(cell_squares(cells).to_crs(METRIC_CRS).values, index=cells.index)
    grid = pd.DataFrame(cells.drop(columns="geometry"))
    if result.travel_before is not None:
        grid["reisezeit_oepnv_min"] = result.travel_before.minutes
    layers = {
        "stadtteile": areas.reset_index(),
        "einrichtungen": package.einrichtungen.reset_index(drop=True),
        "zensus_zellen": gpd.GeoDataFrame(grid, geometry=squares.values, crs=METRIC_CRS),
        "stadtgrenze": package.stadtgrenze,
    }
    layers.update(extra or {})
    return {name: clean_values(layer) for name, layer in layers.items()}
