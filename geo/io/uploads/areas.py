"""Validating a Stadtteil → region table (Versorgungsgebiete, Sozialregionen, …)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.io.uploads.files import canonical, read_table, require_table
from geo.io.uploads.limits import MAX_PROBLEMS, capped
from geo.io.uploads.report import Problem, StopReadingError, UploadResult

AREA_ALIASES = {
    "stadtteil_nr": "stadtteil_nr", "nr": "stadtteil_nr", "stadtteilnummer": "stadtteil_nr",
    "stadtteil": "stadtteil",
    "region": "region", "versorgungsgebiet": "region", "sozialregion": "region", "gebiet": "region",
    "region_id": "region_id",
}  # fmt: skip


def validate_areas(name: str, content: bytes, stadtteile: gpd.GeoDataFrame) -> UploadResult:
    """Validate a Stadtteil → region table (e.g. Versorgungsgebiete, Sozialregionen).

    Columns: ``stadtteil_nr`` (or ``stadtteil`` by name) and ``region``.

    Returns
    -------
    UploadResult
        ``data``: ``stadtteil_nr`` → ``region``.
    """
    result = UploadResult("areas")
    errors, warnings = result.errors, result.warnings
    try:
        frame = _read_area_table(name, content, errors, warnings)
    except StopReadingError:
        return result
    if "region" not in frame:
        errors.append(
            Problem(
                "Spalte region fehlt.",
                "Spalte region (Name des Gebiets) ergänzen.",
                column="region",
            )
        )
        return result
    nr = _stadtteil_numbers(frame, stadtteile, errors)
    if nr is None:
        return result
    region = frame["region"].astype("string").str.strip().fillna("")
    rows = frame.index.to_numpy(dtype=np.int64) + 2
    capped(errors, _row_problems(nr, region, rows, stadtteile))
    for value in sorted(set(nr[nr.duplicated()]))[:MAX_PROBLEMS]:
        errors.append(
            Problem(
                f"Stadtteil {value} ist mehreren Regionen zugeordnet.",
                "Jeden Stadtteil genau einmal zuordnen.",
                column="stadtteil_nr",
            )
        )
    missing = sorted(set(stadtteile.index) - set(nr))
    if missing:
        warnings.append(
            Problem(
                f"Nicht zugeordnet (fehlen in Regionen): {', '.join(missing)}.",
                "Bei Bedarf ergänzen.",
            )
        )
    if errors:
        return result
    result.data = pd.DataFrame({"stadtteil_nr": nr.to_numpy(), "region": region.to_numpy()})
    return result


def _read_area_table(
    name: str, content: bytes, errors: list[Problem], warnings: list[Problem]
) -> pd.DataFrame:
    """The file as text columns under their canonical names (CSV or XLSX only).

    Raises :class:`StopReadingError` (with the problem in ``errors``) when it cannot be read.
    """
    require_table(name, "Zuordnung", errors)
    return canonical(read_table(name, content, errors, warnings), AREA_ALIASES, warnings, errors)


def _stadtteil_numbers(
    frame: pd.DataFrame, stadtteile: gpd.GeoDataFrame, errors: list[Problem]
) -> pd.Series | None:
    """Two-digit numbers from ``stadtteil_nr``, else by name from ``stadtteil`` ("?" unknown).

    ``None`` (with the problem in ``errors``) when the table has neither column.
    """
    if "stadtteil_nr" in frame:
        nr = frame["stadtteil_nr"].astype("string").str.strip().fillna("")
        return nr.where(~nr.str.fullmatch(r"\d"), "0" + nr)
    if "stadtteil" in frame:
        by_name = {str(n).casefold(): i for i, n in stadtteile["stadtteil"].items()}
        return (
            frame["stadtteil"].astype("string").str.strip().str.casefold().map(by_name).fillna("?")
        )
    errors.append(
        Problem("Spalte stadtteil_nr (oder stadtteil) fehlt.", "Spalte stadtteil_nr ergänzen.")
    )
    return None


def _row_problems(
    nr: pd.Series, region: pd.Series, rows: np.ndarray, stadtteile: gpd.GeoDataFrame
) -> list[Problem]:
    """Unknown Stadtteile and missing regions, by row."""
    problems = [
        Problem(
            f"Unbekannter Stadtteil {nr.iloc[pos][:40]!r}.",
            "Nummer oder Name wie in stadtteile.geojson.",
            int(rows[pos]),
            "stadtteil_nr",
        )
        for pos in np.flatnonzero(~nr.isin(list(stadtteile.index)).to_numpy(dtype=bool))
    ]
    problems += [
        Problem(
            "Region fehlt.",
            "Jedem Stadtteil eine Region geben oder die Zeile löschen.",
            int(rows[pos]),
            "region",
        )
        for pos in np.flatnonzero((region == "").to_numpy(dtype=bool))
    ]
    return sorted(problems, key=lambda p: p.row or 0)
