"""Files planners upload: facilities, Stadtteil statistics and Stadtteil → region tables.

Every reader collects *all* problems (row, column, what is wrong, how to fix it) instead of
stopping at the first, and returns data only when there is none: invalid input is never
partly applied. Files are read defensively: size limits, zip archives checked (size, member
count, paths), common encodings and separators, no ``eval`` or pickle of user data.
"""

from __future__ import annotations

import pandas as pd

from geo.io.package import observed_statistik
from geo.io.sandbox import Limits, SandboxError, run_limited
from geo.io.uploads.areas import validate_areas
from geo.io.uploads.facilities import (
    FacilityDraft,
    place_facilities,
    read_facilities,
    validate_facilities,
)
from geo.io.uploads.limits import MAX_BYTES, MB, format_mb
from geo.io.uploads.report import Problem, UploadResult
from geo.io.uploads.statistics import KISS_TABLES, validate_statistics

__all__ = [
    "KINDS",
    "KISS_TABLES",
    "LIMITS",
    "MAX_BYTES",
    "Problem",
    "UploadResult",
    "format_mb",
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
#: Resources of the worker that reads one upload. The bounds checked before parsing keep
#: every valid or hostile file far below them; they stop what the bounds did not foresee.
#: CPU time is the tight bound; the wall-clock limit leaves room for a busy machine.
LIMITS = Limits(memory_mb=400, cpu_seconds=4, wall_seconds=10.0, max_output_bytes=64 * MB)


def validate(
    kind: str,
    name: str,
    content: bytes,
    package,
    replace_facilities: bool = False,
    layer: str | None = None,
    *,
    limits: Limits = LIMITS,
) -> UploadResult:
    """Validate an upload of any kind against a data package (CLI and pages).

    The file is read and checked in a separate worker process with memory, CPU-time, wall-time
    and output limits (:func:`geo.io.sandbox.run_limited`), so no file can freeze or exhaust
    the server. Every failure, also of the worker, comes back as a German problem. The worker
    never calls PROJ: facility coordinates come back as written, with the file's EPSG code or
    screened definition, and are placed here (:func:`geo.io.uploads.facilities.place_facilities`).

    Parameters
    ----------
    kind : {"facilities", "statistics", "areas"}
        What the file holds.
    name : str
        File name (its suffix is the format the file claims).
    content : bytes
        File content.
    package : geo.io.package.DataPackage
        The package to validate against.
    replace_facilities : bool
        Facilities will replace the package's list (their ids may then repeat its ids).
    layer : str, optional
        Layer of a GeoPackage with several layers (see ``UploadResult.layers``).
    limits : geo.io.sandbox.Limits
        Resources of the worker.

    Returns
    -------
    UploadResult
    """
    if kind not in KINDS:
        raise ValueError(f"Unbekannte Art {kind!r}. Erlaubt: {', '.join(KINDS)}.")
    result = UploadResult(kind)
    if len(content) > MAX_BYTES:  # do not even copy it to a worker
        result.errors.append(
            Problem(
                f"Die Datei ist zu groß ({format_mb(len(content))}, erlaubt {format_mb(MAX_BYTES)}).",
                "Die Datei verkleinern oder aufteilen.",
            )
        )
        return result
    existing = frozenset() if replace_facilities else frozenset(package.einrichtungen["id"])
    stadtteile = pd.DataFrame(package.stadtteile.drop(columns="geometry"))  # no geometry, no CRS
    try:
        answer = run_limited(
            _validate_in_worker,
            kind,
            name,
            content,
            stadtteile,
            existing,
            observed_statistik(package),  # an uploaded forecast replaces the Modellrechnung
            layer,
            what=f"Datei {name[:80]}",
            limits=limits,
            reply_types=(UploadResult, Problem, FacilityDraft),
        )
    except SandboxError as error:
        result.errors.append(Problem(error.problem, error.fix))
        return result
    except ValueError as error:  # a German message of a reader that escaped its report
        result.errors.append(Problem(str(error), "Die Datei prüfen und erneut hochladen."))
        return result
    if isinstance(answer, FacilityDraft):  # coordinates are placed here, never in the worker
        return place_facilities(answer, package.stadtteile, package.stadtgrenze)
    return answer


def _validate_in_worker(
    kind: str,
    name: str,
    content: bytes,
    stadtteile: pd.DataFrame,
    existing_ids: frozenset[str],
    statistik: pd.DataFrame,
    layer: str | None,
) -> UploadResult | FacilityDraft:
    """Runs in the sandbox worker: read and check one file (no PROJ, no coordinates placed)."""
    if kind == "facilities":
        return read_facilities(name, content, existing_ids, layer)
    if kind == "statistics":
        return validate_statistics(name, content, stadtteile, statistik)
    return validate_areas(name, content, stadtteile)
