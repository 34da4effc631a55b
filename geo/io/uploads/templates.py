"""Upload templates: per kind of upload one CSV and one XLSX with the columns the checks read.

The validators' messages name the template (:func:`template_hint`); the Daten page offers
the files for download and ``begegnungsatlas vorlage`` writes them. A template has the
header the checks expect, a row per Stadtteil where the file is organised by Stadtteil
(statistics, regions), and – in the XLSX – a sheet „Erläuterungen“ saying for every column
whether it is required, what it means and which values it takes.
"""

from __future__ import annotations

import io

import pandas as pd

from geo.facilities import CATEGORIES, IN_BETRIEB, OEFFENTLICH
from geo.io.readers import STAT_COLUMNS

#: Kinds of upload (as ``geo.io.uploads.KINDS``) → German name for file names and headings.
TEMPLATE_NAMES = {
    "facilities": "einrichtungen",
    "statistics": "stadtteilstatistik",
    "areas": "regionen",
}
FORMATS = ("csv", "xlsx")

_STATISTICS_MEANING = {
    "einwohner": "Einwohner mit Hauptwohnsitz am 31.12.",
    "alter_0_6": "Einwohner von 0 bis 6 Jahren",
    "alter_7_17": "Einwohner von 7 bis 17 Jahren",
    "alter_18_44": "Einwohner von 18 bis 44 Jahren",
    "alter_45_64": "Einwohner von 45 bis 64 Jahren",
    "alter_65plus": "Einwohner ab 65 Jahren",
    "haushalte": "Haushalte",
    "haushaltsgroesse_mittel": "mittlere Haushaltsgröße (Personen)",
    "haushalte_1p": "Einpersonenhaushalte",
    "haushalte_2p": "Zweipersonenhaushalte",
    "haushalte_3p": "Dreipersonenhaushalte",
    "haushalte_4plus": "Haushalte mit vier und mehr Personen",
    "frauen": "Einwohnerinnen",
    "auslaender": "Einwohner mit ausländischer Staatsangehörigkeit",
    "auslaender_pct": "Anteil der Einwohner mit ausländischer Staatsangehörigkeit (%)",
    "jugendquote": "unter 18-Jährige je 100 Einwohner von 18 bis 64 Jahren",
    "altenquote": "Einwohner ab 65 Jahren je 100 Einwohner von 18 bis 64 Jahren",
    "durchschnittsalter": "Durchschnittsalter (Jahre)",
    "flaeche_ha": "Fläche des Stadtteils (Hektar)",
    "einwohner_wohnberechtigt": "Einwohner einschließlich Nebenwohnsitz",
    "wohngeld_haushalte": "Haushalte mit Wohngeld",
}


def _values(vocabulary: dict[str, str]) -> str:
    return ", ".join(f"{code} ({label.split(' (')[0]})" for code, label in vocabulary.items())


#: Per kind: column → (required, meaning and allowed values). The header of the template.
COLUMNS: dict[str, dict[str, tuple[bool, str]]] = {
    "facilities": {
        "id": (False, "Kennung, eindeutig in der Datei; leer: die App vergibt eine"),
        "name": (True, "Name der Einrichtung"),
        "typ": (False, "Art, z. B. Offener Treff, Alten- und Service-Zentrum, Bürgerhaus"),
        "traeger": (False, "Träger"),
        "strasse_hausnr": (False, "Straße und Hausnummer"),
        "kategorie": (False, f"{_values(CATEGORIES)}; leer: senioren_begegnung"),
        "oeffentlich": (False, f"{_values(OEFFENTLICH)}; leer: ja"),
        "in_betrieb": (False, f"{_values(IN_BETRIEB)}; leer: ja"),
        "lat": (True, "Breitengrad in Grad (WGS84), z. B. 52,1316 – oder statt lat/lon: x/y"),
        "lon": (True, "Längengrad in Grad (WGS84), z. B. 11,6398"),
        "lage_genauigkeit_m": (False, "Radius in Metern, in dem die Einrichtung sicher liegt"),
        "stand": (False, "Stand der Angaben, z. B. 2026"),
        "quelle_url": (False, "Quelle (Adresse der Webseite oder Dokument)"),
        "hinweis": (False, "Hinweis"),
    },
    "statistics": {
        "jahr": (True, "Jahr (Stand 31.12.)"),
        "stadtteil_nr": (True, "Stadtteilnummer, zweistellig (01, 02, …)"),
        "stadtteil": (False, "Name des Stadtteils (zur Kontrolle)"),
        **{
            column: (
                False,
                f"{_STATISTICS_MEANING.get(column, column)}; leer: nicht veröffentlicht",
            )
            for column in STAT_COLUMNS
        },
    },
    "areas": {
        "stadtteil_nr": (
            True,
            "Stadtteilnummer, zweistellig (01, 02, …) – oder der Name in stadtteil",
        ),
        "stadtteil": (False, "Name des Stadtteils"),
        "region": (True, "Name der Region, z. B. des Versorgungsgebiets oder der Sozialregion"),
    },
}
#: Column names of each template (what the checks read).
TEMPLATE_COLUMNS = {kind: list(columns) for kind, columns in COLUMNS.items()}
#: Coded values a planner writes into a template (for texts that explain them).
TEMPLATE_VALUES = frozenset([*CATEGORIES, *OEFFENTLICH, *IN_BETRIEB])


def template_hint() -> str:
    """Where the templates are – the fix the upload checks name for a wrong column."""
    return (
        "Spalten wie in der Vorlage benennen: Vorlage als CSV oder XLSX auf der Seite Daten "
        "(„Vorlage herunterladen“) oder mit „begegnungsatlas vorlage“."
    )


def template_table(
    kind: str, stadtteile: pd.Series | None = None, year: int | None = None
) -> pd.DataFrame:
    """The template's rows: the header, and one row per Stadtteil where rows are Stadtteile.

    Parameters
    ----------
    kind : {"facilities", "statistics", "areas"}
        Kind of upload.
    stadtteile : pandas.Series, optional
        Stadtteil names by number (e.g. ``package.stadtteile["stadtteil"]``): pre-filled
        rows for statistics and regions.
    year : int, optional
        Year pre-filled in a statistics template.

    Returns
    -------
    pandas.DataFrame
        Text columns; empty cells where the planner fills in.

    Raises
    ------
    ValueError
        For an unknown kind.
    """
    if kind not in COLUMNS:
        raise ValueError(f"Unbekannte Art {kind!r}. Erlaubt: {', '.join(COLUMNS)}.")
    columns = TEMPLATE_COLUMNS[kind]
    if kind == "facilities" or stadtteile is None:
        return pd.DataFrame(columns=columns, dtype="string")
    rows = pd.DataFrame("", index=range(len(stadtteile)), columns=columns, dtype="string")
    rows["stadtteil_nr"] = [str(nr) for nr in stadtteile.index]
    rows["stadtteil"] = [str(name) for name in stadtteile]
    if kind == "statistics":
        rows["jahr"] = "" if year is None else str(year)
    return rows


def explanations(kind: str) -> pd.DataFrame:
    """The sheet „Erläuterungen“: column, required, meaning and allowed values."""
    return pd.DataFrame(
        {
            "Spalte": list(COLUMNS[kind]),
            "Pflicht": ["ja" if required else "nein" for required, _ in COLUMNS[kind].values()],
            "Bedeutung": [meaning for _, meaning in COLUMNS[kind].values()],
        }
    )


def template_file(
    kind: str, fmt: str, stadtteile: pd.Series | None = None, year: int | None = None
) -> bytes:
    """The template as a file the upload accepts unchanged in its format.

    CSV: semicolon, UTF-8 with BOM (German Excel opens it as columns). XLSX: the sheet
    „Vorlage“ (read by the upload: the first sheet) and the sheet „Erläuterungen“.

    Parameters
    ----------
    kind : {"facilities", "statistics", "areas"}
        Kind of upload.
    fmt : {"csv", "xlsx"}
        File format.
    stadtteile : pandas.Series, optional
        Stadtteil names by number (see :func:`template_table`).
    year : int, optional
        Year pre-filled in a statistics template.

    Returns
    -------
    bytes

    Raises
    ------
    ValueError
        For an unknown kind or format.
    """
    table = template_table(kind, stadtteile, year)
    if fmt == "csv":
        text = table.to_csv(sep=";", index=False, lineterminator="\r\n")
        return text.encode("utf-8-sig")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            table.to_excel(writer, sheet_name="Vorlage", index=False)
            explanations(kind).to_excel(writer, sheet_name="Erläuterungen", index=False)
            for sheet in writer.sheets.values():
                for column in sheet.columns:
                    width = max(len(str(cell.value or "")) for cell in column)
                    sheet.column_dimensions[column[0].column_letter].width = min(60, width + 2)
        return buffer.getvalue()
    raise ValueError(f"Unbekanntes Format {fmt!r}. Erlaubt: {', '.join(FORMATS)}.")


def file_name(kind: str, fmt: str) -> str:
    """``vorlage_<kind>.<fmt>``, e.g. ``vorlage_einrichtungen.xlsx``."""
    return f"vorlage_{TEMPLATE_NAMES[kind]}.{fmt}"
