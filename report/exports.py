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

from geo.analysis.access_adapter import CITY_ID
from geo.crs import METRIC_CRS
from geo.facilities import CATEGORIES, IN_BETRIEB, LAGE_METHODE, OEFFENTLICH
from geo.io.package import DataPackage
from indicators.composite import CLASS_LABELS, COMPONENTS
from indicators.format import format_number
from indicators.registry import INDICATORS
from maps.access_maps import (
    CLASS_COLORS,
    TIME_BREAKS_MIN,
    TIME_COLORS,
    cell_squares,
    time_class_labels,
)
from maps.classify import MISSING_COLOR
from maps.layers import CATEGORY_STYLE
from report.qgis_styles import (
    Category,
    LayerStyle,
    categorized,
    outline_qml,
    outline_sld,
    write_layer_styles,
)
from scenarios.evaluation import Result

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
        If a layer with geometry has no CRS.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "begegnungsatlas.gpkg"
        write_layers(path, layers)
        return path.read_bytes()


def write_layers(path: Path, layers: dict[str, pd.DataFrame]) -> None:
    """Write frames as GeoPackage tables: layers in EPSG:25832, plain frames as attribute tables.

    Raises
    ------
    ValueError
        If a layer with geometry has no CRS.
    """
    for name, frame in layers.items():
        if isinstance(frame, gpd.GeoDataFrame):
            if frame.crs is None:
                raise ValueError(f"Ebene {name} hat kein Koordinatensystem.")
            clean = frame.to_crs(METRIC_CRS).copy()
            geometry = clean.geometry.name
        else:  # a table without geometry (QGIS: attribute table)
            clean, geometry = pd.DataFrame(frame).copy(), None
        for column in clean.columns:
            if column != geometry and clean[column].dtype == object:
                clean[column] = clean[column].astype("string")
        pyogrio.write_dataframe(clean, path, layer=name, driver="GPKG")


#: German headings of exported columns that are not indicators (the id follows in brackets).
COLUMN_LABELS = {
    "stadtteil_nr": "Stadtteil-Nr.", "stadtteil": "Stadtteil", "region": "Region",
    "datengrundlage": "Datengrundlage",
    # walking access (geo.analysis.access_adapter)
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
    "datenluecke": "Datenlücke", "datenluecke_grund": "Datenlücke: Grund",
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
    "lon": "Länge (WGS84)", "lage_beleg": "Beleg der Lage", "hat_lage": "Lage bekannt",
    "lage_zusatzquelle": "weitere Quelle der Lage", "koordinaten_quelle": "Quelle der Koordinaten",
    "stadtteil_polygon": "Stadtteil laut Lage", "stadtteil_abweichung": "Stadtteil weicht ab",
    "oeffnungstage": "Öffnungstage", "zuletzt_geaendert": "zuletzt geändert",
    # 100 m cells (geo.analysis.access_adapter)
    "grid_id": "Zensus-Zelle", "xmin": "Zelle West (m)", "ymin": "Zelle Süd (m)",
    "xmax": "Zelle Ost (m)", "ymax": "Zelle Nord (m)", "nachfrage": "Zielgruppe in der Zelle",
    "gehweg_m": "Gehweg zur nächsten Einrichtung (m)", "gehzeit_min": "Gehzeit (min)",
    "gehweg_min_m": "Gehweg bei günstigster Lage (m)", "gehweg_max_m": "Gehweg bei ungünstigster Lage (m)",
    "naechste": "nächste Einrichtung", "e2sfca": "Angebot je Person (E2SFCA)",
    "reisezeit_oepnv_min": "Reisezeit mit Bus & Bahn (min)", "gehzeit_klasse": "Gehzeit-Klasse",
}  # fmt: skip
#: What every exported column means (the sheet „Erläuterungen“, the GeoPackage table
#: ``erlaeuterungen``). Indicators take their definition from the registry; the index
#: components are described from :data:`indicators.composite.COMPONENTS`.
DEFINITIONS = {
    "datengrundlage": "Nur bei einem Jahr nach dem Datenstand: „Modellrechnung“ (Altersgruppen "
    "je Stadtteil fortgeschrieben, Methode im README) oder „amtliche Prognose (Upload)“ – keine "
    "amtliche Zählung.",
    "stadtteil_nr": "Amtliche Nummer des Stadtteils (zweistellig).",
    "stadtteil": "Name des Stadtteils; bei Einrichtungen der Stadtteil, den die Quelle nennt.",
    "region": "Region aus der hochgeladenen Zuordnung Stadtteil → Region.",
    "zielgruppe": "Personen der Zielgruppe laut Stadtteilstatistik (31.12. des Jahres); leer, "
    "wo die Zahl nicht veröffentlicht ist.",
    "verortet": "Personen der Zielgruppe, die über das 100-m-Gitter des Zensus einem Wohnort "
    "zugeordnet sind – die Grundlage aller Entfernungen.",
    "versorgt": "Personen der Zielgruppe, deren Gehweg zur nächsten gezählten Einrichtung "
    "höchstens die Gehdistanz beträgt (Gehweg = Luftlinie × Umwegfaktor, über die Elbe nur "
    "über Brücken). In der Zellen-Ebene: ja/nein je Zelle.",
    "unversorgt": "Personen der Zielgruppe mit längerem Gehweg als der Gehdistanz.",
    "anteil_versorgt": "Versorgte je 100 verortete Personen der Zielgruppe (%).",
    "versorgt_min": "Versorgte, wenn jede Einrichtung am ungünstigsten Punkt ihres Lageradius "
    "läge (untere Grenze).",
    "versorgt_max": "Versorgte, wenn jede Einrichtung am günstigsten Punkt ihres Lageradius "
    "läge (obere Grenze).",
    "median_gehweg_m": "Median des Gehwegs zur nächsten Einrichtung über die Personen der "
    "Zielgruppe (m).",
    "median_gehzeit_min": "Median der Gehzeit zur nächsten Einrichtung über die Personen der "
    "Zielgruppe (min, Gehweg ÷ Gehtempo).",
    "einrichtungen": "Gezählte Einrichtungen im Stadtteil, auch solche ohne bekannte Lage.",
    "je_einrichtung": "Personen der Zielgruppe je gezählter Einrichtung; leer ohne Einrichtung.",
    "e2sfca_je_1000": "Angebot je 1.000 Personen der Zielgruppe (E2SFCA): jede Einrichtung "
    "geteilt durch die entfernungsgewichtete Nachfrage in ihrem Einzugsbereich, je Zelle "
    "summiert, im Stadtteil nach Personen gemittelt.",
    "versorgt_oepnv": "Personen der Zielgruppe, die die nächste Einrichtung zu Fuß und mit Bus "
    "& Bahn in der gewählten Zeit erreichen (Median über die Abfahrten des Zeitraums).",
    "anteil_oepnv": "In der gewählten Zeit mit Bus & Bahn Erreichende je 100 verortete Personen "
    "der Zielgruppe (%).",
    "median_min_oepnv": "Median der Reisezeit mit Bus & Bahn (Tür zu Tür) über die Personen der "
    "Zielgruppe (min).",
    "anteil_fuss": "In der gewählten Zeit allein zu Fuß Erreichende je 100 verortete Personen "
    "der Zielgruppe (%).",
    "gerankt": "ja, wenn der Stadtteil im Unterversorgungsindex einen Rang hat.",
    "grund": "Warum der Stadtteil keinen Rang hat (zu wenige Personen der Zielgruppe, Zahl "
    "nicht veröffentlicht, keine Erreichbarkeitswerte).",
    "index": "Unterversorgungsindex: gewichtetes Mittel der vorhandenen Teilwerte × 100; jeder "
    "Teilwert wird an festen Eckwerten gemessen (0 = kein Bedarf, 100 = voller Bedarf), nicht "
    "am Vergleich der Stadtteile.",
    "rang": "Rang im Index; 1 = am stärksten unterversorgt.",
    "klasse": "Klasse nach festen Indexstufen: 1 = sehr hoch (ab 75), 2 = hoch (ab 60), "
    "3 = mittel (ab 45), 4 = gering.",
    "klasse_text": "Klasse in Worten (sehr hoch, hoch, mittel, gering).",
    "unvollstaendig": "ja, wenn eine Komponente fehlt und die übrigen neu gewichtet wurden.",
    "rang_p05": "Rang bei zufällig um ±50 % veränderten Gewichten: 5. Perzentil der "
    "Ziehungen (bester plausibler Rang).",
    "rang_median": "Rang bei zufällig um ±50 % veränderten Gewichten: Median der Ziehungen.",
    "rang_p95": "Rang bei zufällig um ±50 % veränderten Gewichten: 95. Perzentil der "
    "Ziehungen (schlechtester plausibler Rang).",
    "rang_von": "Erster Rang einer Gruppe geteilter Ränge: Stadtteile, deren Reihenfolge bei "
    "zufällig veränderten Gewichten in mindestens einem Viertel der Ziehungen wechselt, teilen "
    "sich die Ränge von … bis.",
    "rang_bis": "Letzter Rang einer Gruppe geteilter Ränge (siehe rang_von).",
    "index_min": "Index, wenn die erfassten Einrichtungen mit ungenauer oder unbekannter Lage "
    "am günstigsten Ort lägen (die Liste ist nicht vollständig).",
    "index_max": "Index, wenn die erfassten Einrichtungen mit ungenauer oder unbekannter Lage "
    "am ungünstigsten Ort lägen.",
    "rang_luecke_von": "Kleinste Rangzahl (1 = höchster Bedarf), die der Stadtteil je nach "
    "Lage der erfassten Einrichtungen mit ungenauer oder unbekannter Lage haben kann.",
    "rang_luecke_bis": "Größte Rangzahl je nach Lage dieser Einrichtungen.",
    "datenluecke": "ja, wenn die Versorgungswerte auf Einrichtungen ohne Lage oder mit einer "
    "Lageunsicherheit über der Gehdistanz beruhen.",
    "datenluecke_grund": "Welche Einrichtungen die Datenlücke verursachen.",
    "id": "Kennung der Einrichtung (Datenpaket, Register oder Upload).",
    "typ": "Art der Einrichtung, wie die Quelle sie nennt.",
    "name": "Name der Einrichtung.",
    "traeger": "Träger der Einrichtung.",
    "strasse_hausnr": "Straße und Hausnummer.",
    "plz": "Postleitzahl.",
    "lage_methode": "Wie die ungefähre Lage ermittelt wurde.",
    "lage_genauigkeit_m": "Radius in Metern, in dem die Einrichtung nach den Belegen liegt.",
    "lage_beleg": "Beleg der Lage (z. B. Adresse, Haltestelle, Straßenabschnitt).",
    "lage_zusatzquelle": "Weitere Quelle, die die Lage stützt.",
    "koordinaten_quelle": "Woher die Koordinaten stammen.",
    "stadtteil_polygon": "Stadtteil, in dem der Punkt der Einrichtung liegt.",
    "stadtteil_abweichung": "ja, wenn der Stadtteil der Quelle und der Stadtteil laut Lage "
    "abweichen.",
    "kategorie": "Kategorie der Einrichtung (Seniorenbegegnung, generationenübergreifend, "
    "Kinder und Jugend, Pflege).",
    "oeffentlich": "Zugang: offen für alle, eingeschränkt oder nicht öffentlich.",
    "in_betrieb": "Betrieb: in Betrieb, geschlossen oder unklar.",
    "in_betrieb_grund": "Begründung des Betriebsstatus.",
    "stand": "Stand der Angaben laut Quelle.",
    "quelle_url": "Quelle der Angaben (Adresse der Webseite).",
    "hinweis": "Hinweis zur Einrichtung.",
    "oeffnungstage": "Öffnungstage laut Register.",
    "zuletzt_geaendert": "Letzte Änderung im Einrichtungsregister (oder: Datenpaket).",
    "lat": "Breitengrad in Grad (WGS84); leer ohne bekannte Lage.",
    "lon": "Längengrad in Grad (WGS84); leer ohne bekannte Lage.",
    "hat_lage": "ja, wenn die Lage der Einrichtung bekannt ist; ohne Lage zählt sie nur in "
    "ihrem Stadtteil, nicht bei den Wegen.",
    "grid_id": "Kennung der bewohnten 100-m-Zelle des Zensus 2022.",
    "xmin": "Westgrenze der Zelle in EPSG:3035 (m).",
    "ymin": "Südgrenze der Zelle in EPSG:3035 (m).",
    "xmax": "Ostgrenze der Zelle in EPSG:3035 (m).",
    "ymax": "Nordgrenze der Zelle in EPSG:3035 (m).",
    "nachfrage": "Personen der Zielgruppe in der Zelle: Einwohner der Zelle × Anteil der "
    "Zielgruppe im Stadtteil, so skaliert, dass der Stadtteil die amtliche Zahl ergibt.",
    "gehweg_m": "Gehweg vom Zellmittelpunkt zur nächsten Einrichtung (m, Luftlinie × "
    "Umwegfaktor, über die Elbe nur über Brücken).",
    "gehzeit_min": "Gehzeit zur nächsten Einrichtung (min).",
    "gehweg_min_m": "Gehweg, wenn die Einrichtungen am günstigsten Punkt ihres Lageradius "
    "lägen (m).",
    "gehweg_max_m": "Gehweg, wenn die Einrichtungen am ungünstigsten Punkt ihres Lageradius "
    "lägen (m).",
    "naechste": "Kennung der nächsten Einrichtung.",
    "e2sfca": "Angebot je Person der Zielgruppe in der Zelle (E2SFCA, siehe e2sfca_je_1000).",
    "reisezeit_oepnv_min": "Reisezeit zur nächsten Einrichtung zu Fuß und mit Bus & Bahn "
    "(min, Median über die Abfahrten).",
    "gehzeit_klasse": "Klasse der Gehzeit wie auf der Karte der Seite Erreichbarkeit.",
}
#: Columns that mean something else in one table (table → column → definition).
TABLE_DEFINITIONS = {
    "zensus_zellen": {
        "einwohner": "Einwohner der Zelle laut Zensus 2022.",
        "stadtteil_nr": "Stadtteil, in dem der Mittelpunkt der Zelle liegt.",
    },
}
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


def definition(column: str, table: str | None = None) -> str:
    """What an exported column means, in German (empty only for an unknown column).

    Parameters
    ----------
    column : str
        Column id (GeoPackage fields of the index carry the prefix ``index_``).
    table : str, optional
        Table or layer name, for columns that mean something else there.

    Returns
    -------
    str
    """
    specific = TABLE_DEFINITIONS.get(table or "", {})
    if column in specific:
        return specific[column]
    if column in DEFINITIONS:
        return DEFINITIONS[column]
    if column in INDICATORS:
        return INDICATORS[column].definition
    for comp in COMPONENTS:
        if column == f"score_{comp.key}":
            return (
                f"Teilwert der Komponente „{comp.label}“: 0 = günstigster, 1 = ungünstigster "
                "gerankter Stadtteil (Min-Max über die gerankten Stadtteile)."
            )
        if column == f"beitrag_{comp.key}":
            return (
                f"Beitrag der Komponente „{comp.label}“ zum Index in Indexpunkten (Teilwert × "
                "Gewichtsanteil × 100)."
            )
    if column.startswith("index_"):
        text = definition(column.removeprefix("index_"))
        return f"Unterversorgungsindex: {text}" if text else ""
    return ""


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


#: Coded facility columns and the words a spreadsheet shows instead of the codes.
FACILITY_CODES = {
    "kategorie": CATEGORIES,
    "oeffentlich": OEFFENTLICH,
    "in_betrieb": IN_BETRIEB,
    "lage_methode": LAGE_METHODE,
}


def facility_table(facilities: pd.DataFrame) -> pd.DataFrame:
    """The facility list for people: codes as words, whether the position is known.

    The GeoPackage keeps the codes (QGIS styles and filters use them); CSV and XLSX read
    "Seniorenbegegnung …" instead of ``senioren_begegnung``, "Mitte der Straße" instead of
    ``strassenlinie``.
    """
    table = pd.DataFrame(facilities.drop(columns="geometry", errors="ignore")).copy()
    for column, words in FACILITY_CODES.items():
        if column in table:
            table[column] = table[column].map(lambda v, w=words: w.get(v, v))
    if "geometry" in facilities:
        table["hat_lage"] = (facilities.geometry.notna() & ~facilities.geometry.is_empty).to_numpy()
    return table


def explanations(
    frames: dict[str, pd.DataFrame], labels: dict[str, str] | None = None
) -> pd.DataFrame:
    """The sheet „Erläuterungen“: every column of every table with heading and definition."""
    rows = [
        (table, str(column), column_label(str(column), labels).rsplit(" [", 1)[0],
         definition(str(column), table))
        for table, frame in frames.items()
        for column in frame.columns
        if column != "geometry"
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["Tabelle", "Spalte", "Bezeichnung", "Definition"])


#: Sheet with the meaning of every column.
EXPLANATIONS = "Erläuterungen"


def result_tables(
    result: Result,
    facilities: pd.DataFrame,
    regions: dict[str, pd.DataFrame] | None = None,
    label: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The result tables for CSV/XLSX (one row per Stadtteil or facility), from a Result.

    Parameters
    ----------
    result : scenarios.evaluation.Result
        The figures (status quo of its assumptions); Bus & Bahn columns when it has them.
    facilities : pandas.DataFrame
        The facility list.
    regions : dict, optional
        Extra tables per region (name → table).
    label : str, optional
        ``Modellrechnung`` (or ``amtliche Prognose (Upload)``) for a projected year: every
        Stadtteil table gets the column ``datengrundlage``.

    Returns
    -------
    dict of str to pandas.DataFrame
        Sheet name → table with German headings (ids in brackets), rounded numbers, empty
        cells for missing values, ``ja``/``nein``; plus :data:`EXPLANATIONS`.
    """
    labels = transit_labels(result.assumptions.transit.max_minutes)
    coverage = result.before.coverage
    if result.transit_before is not None:
        transit = result.transit_before.drop(index=CITY_ID, errors="ignore")
        coverage = coverage.join(transit.drop(columns=["zielgruppe", "verortet"]), how="left")
    frames = {
        "Indikatoren": result.indicators.reset_index(),
        "Versorgung": coverage.reset_index(),
        "Unterversorgung": result.ranking_before.reset_index(),
        "Einrichtungen": facility_table(facilities),
    }
    for name, table in (regions or {}).items():
        frames[name] = table.reset_index()
    if label:
        for name in ("Indikatoren", "Versorgung", "Unterversorgung"):
            frames[name] = _labelled(frames[name], f"{label} {result.assumptions.year}")
    tables = {name: spreadsheet(frame, labels) for name, frame in frames.items()}
    tables[EXPLANATIONS] = explanations(frames, labels)
    return tables


def _labelled(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """``frame`` with the column ``datengrundlage`` after the key columns."""
    out = frame.copy()
    keys = [c for c in ("stadtteil_nr", "stadtteil") if c in out.columns]
    out.insert(len(keys), "datengrundlage", text)
    return out


def result_layers(
    package: DataPackage,
    result: Result,
    extra: dict[str, gpd.GeoDataFrame] | None = None,
) -> dict[str, gpd.GeoDataFrame]:
    """Layers for the GeoPackage from a Result: Stadtteile with all figures, facilities, cells.

    Field names stay ids (QGIS); values are rounded, missing instead of ∞, ``ja``/``nein``.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        Stadtteile, city boundary and facilities.
    result : scenarios.evaluation.Result
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
    grid["gehzeit_klasse"] = time_classes(grid["gehzeit_min"], grid["nachfrage"])
    if result.travel_before is not None:
        grid["reisezeit_oepnv_min"] = result.travel_before.minutes
    facilities = package.einrichtungen.reset_index(drop=True)
    located = facilities.geometry.notna() & ~facilities.geometry.is_empty
    layers = {
        "stadtteile": areas.reset_index(),
        "einrichtungen": facilities[located].reset_index(drop=True),
        # Without a position a facility has no place on a map: a table of its own.
        "einrichtungen_ohne_lage": pd.DataFrame(
            facilities[~located].drop(columns=["geometry", "lat", "lon"], errors="ignore")
        ).reset_index(drop=True),
        "zensus_zellen": gpd.GeoDataFrame(grid, geometry=squares.values, crs=METRIC_CRS),
        "stadtgrenze": package.stadtgrenze,
    }
    layers.update(extra or {})
    return {name: clean_values(layer) for name, layer in layers.items()}


def time_classes(minutes: pd.Series, demand: pd.Series) -> list[str]:
    """The walking-time class of each cell as on the Erreichbarkeit map (labels)."""
    labels = time_class_labels()
    bins = np.searchsorted(np.asarray(TIME_BREAKS_MIN, dtype=float), minutes.to_numpy(float))
    return [
        "Zahl nicht veröffentlicht" if pd.isna(d) else labels[min(b, len(labels) - 1)]
        for b, d in zip(bins, demand, strict=True)
    ]


def facility_categories() -> list[Category]:
    """The facility categories with the web maps' colours (QGIS and SLD classes)."""
    return [
        Category(code, label.split(" (")[0], CATEGORY_STYLE.get(code, ("#555555", ""))[0])
        for code, label in CATEGORIES.items()
    ]


def layer_styles(layers: dict[str, pd.DataFrame]) -> list[LayerStyle]:
    """QGIS default styles of the layers: the classes and colours of the web maps."""
    styles = []
    if "stadtteile" in layers:
        classes = [
            Category(label, label, color)
            for label, color in zip(CLASS_LABELS, CLASS_COLORS, strict=True)
        ]
        styles.append(
            categorized(
                "stadtteile",
                "index_klasse_text",
                [*classes, Category(None, "nicht gerankt", MISSING_COLOR)],
                "fill",
                "Unterversorgung (Klasse) wie auf der Seite Unterversorgung",
                label_field="stadtteil",
            )
        )
    if "einrichtungen" in layers:
        styles.append(
            categorized(
                "einrichtungen",
                "kategorie",
                facility_categories(),
                "marker",
                "Einrichtungen nach Kategorie wie auf der Seite Einrichtungen",
                label_field="name",
            )
        )
    if "zensus_zellen" in layers:
        time = [
            Category(label, label, color)
            for label, color in zip(time_class_labels(), TIME_COLORS, strict=True)
        ]
        styles.append(
            categorized(
                "zensus_zellen",
                "gehzeit_klasse",
                [*time, Category(None, "Zahl nicht veröffentlicht", MISSING_COLOR)],
                "fill",
                "Gehzeit zur nächsten Einrichtung wie auf der Seite Erreichbarkeit",
            )
        )
    if "stadtgrenze" in layers:
        styles.append(
            LayerStyle("stadtgrenze", outline_qml(), outline_sld("stadtgrenze"), "Stadtgrenze")
        )
    return styles


#: Attribute table of the GeoPackage that explains every field of every layer.
GLOSSARY_TABLE = "erlaeuterungen"


def analysis_geopackage(package: DataPackage, result: Result) -> bytes:
    """The GeoPackage of the Daten page and ``begegnungsatlas export --format gpkg``.

    Layers in EPSG:25832 with QGIS default styles (``layer_styles``, QML and SLD, the web
    maps' classes and colours), facilities without position as the attribute table
    ``einrichtungen_ohne_lage`` and every field explained in ``erlaeuterungen``.

    Parameters
    ----------
    package : geo.io.package.DataPackage
        The package (with the effective facility list).
    result : scenarios.evaluation.Result
        The figures (Bus & Bahn included when computed).

    Returns
    -------
    bytes
    """
    layers = result_layers(package, result)
    label = package.year_label(result.assumptions.year)
    if label:
        layers["stadtteile"] = _labelled(layers["stadtteile"], f"{label} {result.assumptions.year}")
    glossary = explanations(layers, transit_labels(result.assumptions.transit.max_minutes))
    glossary = glossary.rename(
        columns={"Tabelle": "ebene", "Spalte": "feld", "Bezeichnung": "bezeichnung",
                 "Definition": "definition"}
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "begegnungsatlas.gpkg"
        write_layers(path, {**layers, GLOSSARY_TABLE: glossary})
        write_layer_styles(path, layer_styles(layers))
        return path.read_bytes()
