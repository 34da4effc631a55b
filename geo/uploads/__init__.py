"""Files planners upload: facilities, Stadtteil statistics and Stadtteil → region tables.

Every reader collects *all* problems (row, column, what is wrong, how to fix it) instead of
stopping at the first, and returns data only when there is none: invalid input is never
partly applied. Files are read defensively: size limits, zip archives checked (size, member
count, paths), common encodings and separators, no ``eval`` or pickle of user data.
"""

from __future__ import annotations

from geo.uploads.areas import validate_areas
from geo.uploads.facilities import validate_facilities
from geo.uploads.files import MAX_BYTES
from geo.uploads.report import Problem, UploadResult
from geo.uploads.statistics import KISS_TABLES, validate_statistics

__all__ = [
    "KINDS",
    "KISS_TABLES",
    "MAX_BYTES",
    "Problem",
    "UploadResult",
    "validate",
    "validate_areas",
    "validate_facilities",
    "validate_statistics",
]

KINDS = {
    "facilities": "Einrichtungen",
    "statistics": "Stadtteilstatistik",
    "areas": "Stadtteil → Region",
}


def validate(
    kind: str, name: str, content: bytes, package, replace_facilities: bool = False
) -> UploadResult:
    """Validate an upload of any kind against a data package (CLI and pages).

    Parameters
    ----------
    kind : {"facilities", "statistics", "areas"}
        What the file holds.
    name : str
        File name.
    content : bytes
        File content.
    package : geo.package.DataPackage
        The package to validate against.
    replace_facilities : bool
        Facilities will replace the package's list (their ids may then repeat its ids).

    Returns
    -------
    UploadResult
    """
    if kind == "facilities":
        return validate_facilities(
            name,
            content,
            package.stadtteile,
            package.stadtgrenze,
            set() if replace_facilities else set(package.einrichtungen["id"]),
        )
    if kind == "statistics":
        return validate_statistics(name, content, package.stadtteile)
    if kind == "areas":
        return validate_areas(name, content, package.stadtteile)
    raise ValueError(f"Unbekannte Art {kind!r}. Erlaubt: {', '.join(KINDS)}.")
