"""Downloads of the Daten page: built from one :class:`~scenarios.evaluation.Result`, cached by inputs.

Every file is cached under a key of everything it depends on – the package version (data,
facility register and uploads), the scenario's assumptions (year, target group, walking,
facilities, weights, minimum size, Bus & Bahn) and whether Bus & Bahn was computed – so the
caption never claims settings a file was not built with.
"""

from __future__ import annotations

import streamlit as st

from geo.io.gtfs import WEEKDAYS
from geo.io.package import DataPackage
from indicators.format import format_number, format_short
from report.exports import analysis_geopackage, excel_csv, result_tables, xlsx
from scenarios.evaluation import Result
from scenarios.model import Assumptions


def key(pkg: DataPackage, res: Result) -> tuple:
    """Everything a download depends on (hashable)."""
    return (pkg.version, res.assumptions, res.overlay, res.transit_before is not None)


@st.cache_data(max_entries=4, show_spinner="Tabellen werden erstellt …")
def _tables(_pkg: DataPackage, _res: Result, key: tuple) -> dict:
    return result_tables(_res, _pkg.einrichtungen, label=_pkg.year_label(_res.assumptions.year))


@st.cache_data(max_entries=4, show_spinner=False)
def _workbook(_pkg: DataPackage, _res: Result, key: tuple) -> bytes:
    return xlsx(_tables(_pkg, _res, key))


@st.cache_data(max_entries=4, show_spinner=False)
def _csv_files(_pkg: DataPackage, _res: Result, key: tuple) -> dict[str, bytes]:
    return {name: excel_csv(table) for name, table in _tables(_pkg, _res, key).items()}


@st.cache_data(max_entries=2, show_spinner="GeoPackage wird erstellt …")
def _geopackage(_pkg: DataPackage, _res: Result, key: tuple) -> bytes:
    return analysis_geopackage(_pkg, _res)


def workbook(pkg: DataPackage, res: Result) -> bytes:
    """All result tables as one XLSX (German headings, ``Erläuterungen`` sheet)."""
    return _workbook(pkg, res, key(pkg, res))


def csv_files(pkg: DataPackage, res: Result) -> dict[str, bytes]:
    """Sheet name → CSV for German Excel."""
    return _csv_files(pkg, res, key(pkg, res))


def gpkg(pkg: DataPackage, res: Result) -> bytes:
    """The GeoPackage (Stadtteile with all figures, facilities, grid cells, boundary)."""
    return _geopackage(pkg, res, key(pkg, res))


def caption(a: Assumptions, with_transit: bool, target_label: str, label: str | None = None) -> str:
    """The assumptions a download was built with, in words (``label``: a projected year)."""
    p = a.params
    parts = [
        f"Stand 31.12.{a.year}" + (f" ({label})" if label else ""),
        f"Zielgruppe {target_label}",
        f"Gehdistanz {format_number(p.max_walk_m)} m",
        f"Umwegfaktor {format_short(p.detour)}",
    ]
    if with_transit:
        t = a.transit
        day = f"am {t.day:%d.%m.%Y}" if t.day else WEEKDAYS[t.weekday]
        parts.append(
            f"Bus & Bahn: in {format_number(t.max_minutes)} min, {day} "
            f"{t.start_min // 60:02d}:{t.start_min % 60:02d}–{t.end_min // 60:02d}:"
            f"{t.end_min % 60:02d} Uhr"
        )
    return ", ".join(parts) + "."
