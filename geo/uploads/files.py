"""Reading uploaded files: dispatch to the bounded reader of the claimed format, shared helpers."""

from __future__ import annotations

import re
from collections.abc import Collection

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.readers import MISSING_MARKERS
from geo.uploads.geojson import read_geojson
from geo.uploads.gpkg import read_gpkg
from geo.uploads.limits import GEO_SUFFIXES, MAX_BYTES, TABLE_SUFFIXES, capped, check_format
from geo.uploads.report import Problem, StopReadingError
from geo.uploads.shapefile import read_shapefile_zip
from geo.uploads.templates import template_hint
from geo.uploads.text import read_csv
from geo.uploads.xlsx import read_xlsx
from indicators.format import plural

__all__ = [
    "GEO_SUFFIXES",
    "MAX_BYTES",
    "TABLE_SUFFIXES",
    "canonical",
    "has_markup",
    "parse_numbers",
    "read_geodata",
    "read_table",
]


def read_table(
    name: str, content: bytes, errors: list[Problem], warnings: list[Problem]
) -> pd.DataFrame:
    """A CSV or XLSX file as text columns (raises the internal stop on fatal problems).

    The format is checked by suffix and content first; the frame's index is the file row − 2.
    """
    fmt = check_format(name, content, errors)
    if fmt not in ("CSV", "XLSX"):
        errors.append(
            Problem(
                f"Eine Tabelle wird erwartet, die Datei ist aber eine {fmt}-Datei.",
                "Die Tabelle als CSV oder XLSX hochladen.",
            )
        )
        raise StopReadingError
    frame = read_xlsx(content, errors) if fmt == "XLSX" else read_csv(content, errors, warnings)
    if frame.empty:
        errors.append(
            Problem(
                "Die Tabelle hat keine Datenzeilen.",
                "Mindestens eine Zeile unter der Kopfzeile eintragen.",
            )
        )
        raise StopReadingError
    return frame


def read_geodata(
    name: str,
    content: bytes,
    errors: list[Problem],
    warnings: list[Problem] | None = None,
    layer: str | None = None,
    layers: list[str] | None = None,
) -> gpd.GeoDataFrame:
    """GeoJSON, GeoPackage or zipped Shapefile with point geometries (any CRS).

    Each format is read by its own bounded reader (no GDAL): see :mod:`geo.uploads.geojson`,
    :mod:`geo.uploads.gpkg` and :mod:`geo.uploads.shapefile`. The index is the object
    number − 2.
    """
    warnings = [] if warnings is None else warnings
    fmt = check_format(name, content, errors)
    if fmt == "GeoJSON":
        frame = read_geojson(content, errors)
    elif fmt == "GPKG":
        frame = read_gpkg(content, errors, layer, layers)
    elif fmt == "Shapefile-ZIP":
        frame = read_shapefile_zip(content, errors, warnings)
    else:
        errors.append(
            Problem(
                f"Geodaten werden erwartet, die Datei ist aber eine {fmt}-Datei.",
                "GeoJSON, GeoPackage oder ZIP mit Shapefile hochladen.",
            )
        )
        raise StopReadingError
    if frame.empty:
        errors.append(
            Problem(
                "Die Datei enthält keine Objekte.", "Objekte einzeichnen oder andere Datei wählen."
            )
        )
        raise StopReadingError
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def canonical(
    frame: pd.DataFrame,
    aliases: dict[str, str],
    warnings: list[Problem],
    unused: Collection[str] = (),
) -> pd.DataFrame:
    """Rename accepted column spellings (``Breite``, ``Träger``…) to the canonical names.

    Columns in ``unused`` (e.g. columns of the package's own file that an upload does not
    need) are dropped silently; any other unknown column is named in a hint.
    """
    renamed = {}
    for column in frame.columns:
        key = str(column).strip().lower().replace(" ", "_").replace("-", "_")
        if key in aliases and aliases[key] not in renamed.values():
            renamed[column] = aliases[key]
    out = frame.rename(columns=renamed)
    unknown = [c for c in frame.columns if c not in renamed and c != "geometry" and c not in unused]
    if unknown:
        warnings.append(
            Problem(
                f"{plural(len(unknown), 'Unbekannte Spalte wird', 'Unbekannte Spalten werden')} "
                f"ignoriert: {', '.join(map(str, unknown[:10]))}.",
                template_hint(),
            )
        )
    return out


_DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+,\d+$")


def parse_numbers(
    values: pd.Series,
    column: str,
    errors: list[Problem],
    row_offset: int = 2,
    allow_negative: bool = False,
) -> pd.Series:
    """Numbers with decimal point or German decimal comma; suppressed markers become NaN.

    A column written the German way (some value has a decimal comma) reads dots as
    thousands separators (``1.234,5``); otherwise a dot is the decimal point. Every cell that
    is not a number is reported with its row.
    """
    text = values.astype("string").str.strip().fillna("")
    missing = text.isin(MISSING_MARKERS)
    german_column = text.str.contains(r"\d,\d", regex=True).any()
    german = text.str.match(_DECIMAL_COMMA) & german_column
    normalised = text.where(
        ~german, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    numbers = pd.to_numeric(normalised.where(~missing), errors="coerce").astype("float64")
    values_np, missing_np = numbers.to_numpy(), missing.to_numpy(dtype=bool)
    rows = [int(i) + row_offset for i in values.index]
    problems = [
        Problem(
            f"Keine Zahl: {text.iloc[pos][:40]!r}.",
            "Zahl eintragen (Dezimalkomma oder -punkt); nicht veröffentlicht: leer oder '.'.",
            rows[pos],
            column,
        )
        for pos in np.flatnonzero(np.isnan(values_np) & ~missing_np)
    ]
    problems += [
        Problem(
            f"Keine endliche Zahl: {text.iloc[pos][:40]!r}.",
            "Eine gewöhnliche Zahl eintragen.",
            rows[pos],
            column,
        )
        for pos in np.flatnonzero(np.isinf(values_np))
    ]
    if not allow_negative:
        problems += [
            Problem(
                f"Negativer Wert {text.iloc[pos][:40]}.",
                "Anzahlen und Flächen sind nie negativ.",
                rows[pos],
                column,
            )
            for pos in np.flatnonzero(np.isfinite(values_np) & (values_np < 0))
        ]
    capped(errors, problems)
    return numbers


def has_markup(text: str) -> bool:
    """True if a text looks like HTML or script (it is shown as text anyway)."""
    return bool(re.search(r"<\s*/?\s*[a-zA-Z]|javascript:|on\w+\s*=", text))
