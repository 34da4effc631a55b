"""Reading uploaded files: dispatch to the bounded reader of the claimed format, shared helpers."""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.io.uploads import hints
from geo.io.uploads.geojson import read_geojson
from geo.io.uploads.gpkg import read_gpkg
from geo.io.uploads.limits import GEO_SUFFIXES, MAX_BYTES, TABLE_SUFFIXES, check_cells, check_format
from geo.io.uploads.report import Problem, StopReadingError
from geo.io.uploads.shapefile import read_shapefile_zip
from geo.io.uploads.templates import template_hint
from geo.io.uploads.text import read_csv
from geo.io.uploads.xlsx import read_xlsx
from indicators.format import plural

__all__ = [
    "GEO_SUFFIXES",
    "MAX_BYTES",
    "TABLE_SUFFIXES",
    "canonical",
    "has_markup",
    "heading_key",
    "read_geodata",
    "read_table",
]


def require_table(name: str, what: str, errors: list[Problem]) -> None:
    """Stop reading unless ``name`` is a CSV or XLSX file (the problem goes to ``errors``).

    Parameters
    ----------
    name : str
        The uploaded file's name.
    what : str
        What the table holds, for the message ("Statistik", "Zuordnung").
    errors : list of Problem
        Problems found so far.

    Raises
    ------
    StopReadingError
        The file is not a table.
    """
    if Path(name).suffix.lower() not in (*TABLE_SUFFIXES, ".xls"):
        errors.append(
            Problem(
                f"{what} bitte als CSV oder XLSX hochladen.", "Datei als CSV oder XLSX speichern."
            )
        )
        raise StopReadingError


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
    check_cells(frame, errors)
    return frame


def read_geodata(
    name: str,
    content: bytes,
    errors: list[Problem],
    warnings: list[Problem] | None = None,
    layer: str | None = None,
    layers: list[str] | None = None,
) -> tuple[gpd.GeoDataFrame, int | str | None]:
    """GeoJSON, GeoPackage or zipped Shapefile with point geometries (any CRS).

    Each format is read by its own bounded reader (no GDAL, no PROJ): see
    :mod:`geo.io.uploads.geojson`, :mod:`geo.io.uploads.gpkg` and :mod:`geo.io.uploads.shapefile`.
    The index is the object number − 2.

    Returns
    -------
    geopandas.GeoDataFrame
        Attributes and geometries, without ``crs``.
    int, str or None
        The file's coordinate system: EPSG code, screened WKT (:mod:`geo.io.uploads.crs`) or
        None if the file gives none.
    """
    warnings = [] if warnings is None else warnings
    fmt = check_format(name, content, errors)
    if fmt == "GeoJSON":
        frame, crs = read_geojson(content, errors)
    elif fmt == "GPKG":
        frame, crs = read_gpkg(content, errors, layer, layers)
    elif fmt == "Shapefile-ZIP":
        frame, crs = read_shapefile_zip(content, errors, warnings)
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
    check_cells(frame, errors)
    return frame, crs


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def heading_key(name: object) -> str:
    """A heading as compared: lower case, umlauts spelled out, blanks and hyphens as ``_``.

    ``"Längengrad"`` → ``"laengengrad"``, ``"Stadtteil Nr"`` → ``"stadtteil_nr"``.
    """
    text = str(name).strip().lower().translate(_UMLAUTS)
    return re.sub(r"[\s\-]+", "_", text)


def canonical(
    frame: pd.DataFrame,
    aliases: dict[str, str],
    warnings: list[Problem],
    errors: list[Problem],
    unused: Collection[str] = (),
) -> pd.DataFrame:
    """Rename accepted column spellings (``Breite``, ``Träger``…) to the canonical names.

    Headings are compared by :func:`heading_key`. Two headings that mean the same column
    (``Name`` and ``name``, ``Breite`` and ``lat``, ``Gebiet`` and ``region``) are an error
    naming both (reading stops): which one holds the data is the planner's call. Columns
    in ``unused`` (e.g. columns of the package's own file that an upload does not need) are
    dropped silently; any other unknown column is named in a hint.
    """
    lookup = {heading_key(key): target for key, target in aliases.items()}
    groups: dict[str, list[str]] = {}
    for column in frame.columns:
        target = lookup.get(heading_key(column))
        if target is not None and column != "geometry":
            groups.setdefault(target, []).append(str(column))
    twice = {target: names for target, names in groups.items() if len(names) > 1}
    for target, names in twice.items():
        both = " und ".join(f"„{name[:40]}“" for name in names)
        errors.append(
            Problem(
                f"Die Spalten {both} bedeuten beide {target}.",
                hints.DUPLICATE_HEADING,
                column=target,
            )
        )
    if twice:
        raise StopReadingError
    renamed = {names[0]: target for target, names in groups.items()}
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


def has_markup(text: str) -> bool:
    """True if a text looks like HTML or script (it is shown as text anyway)."""
    return bool(re.search(r"<\s*/?\s*[a-zA-Z]|javascript:|on\w+\s*=", text))
