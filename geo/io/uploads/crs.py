"""Coordinate systems of uploaded files: EPSG codes only, screened before PROJ sees them.

PROJ reads what a CRS definition names: ``+nadgrids=/some/file`` or ``+init=file:…`` inside
``EXTENSION["PROJ4", …]``, ``PARAMETERFILE[…]`` of a WKT2 operation, a ``pipeline`` – and
then opens that path (FIFOs and devices included). So an upload's definition (a ``.prj``, a
GeoPackage ``srs`` row, a GeoJSON ``crs`` name) is used only to *identify* an EPSG code,
never to drive a transformation:

1. in the worker that parses the upload, the definition is only *screened*, without PROJ
   (:func:`screen`): only WKT that starts like a CRS and contains none of
   :data:`FORBIDDEN` (case-insensitive) passes; a GeoJSON ``crs`` must be an EPSG code;
2. back in the calling process, PROJ identifies the EPSG code of a screened WKT
   (``to_epsg``, confidence ≥ 70 %; :func:`identify`);
3. the CRS is rebuilt from that code (:func:`epsg`), so only PROJ's own database describes
   what happens to the coordinates.

The worker itself never calls PROJ (PROJ would open its database there): the readers return
the EPSG code or the screened text, and :func:`geo.io.uploads.facilities.place_facilities`
transforms the points afterwards. A definition that fails any step is refused with a German
message.
"""

from __future__ import annotations

import re

from pyproj import CRS
from pyproj.exceptions import CRSError

from geo.io.uploads import hints

#: Words that make PROJ read files or build operations; never in a plain CRS definition.
FORBIDDEN = (
    "extension", "proj4", "+proj", "proj=", "grids", "init=", "parameterfile", "pipeline",
    "boundcrs", "abridgedtransformation", "coordinateoperation", "concatenatedoperation",
    "file:", "http:", "https:", "@",
)  # fmt: skip
#: How a CRS definition in WKT (1 or 2, also ESRI's dialect) starts.
_WKT_START = re.compile(
    r"\s*(PROJCS|GEOGCS|GEOCCS|COMPD_CS|PROJCRS|GEOGCRS|GEODCRS|GEOGRAPHICCRS|PROJECTEDCRS|"
    r"GEODETICCRS|COMPOUNDCRS)\s*\[",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Longest definition looked at (a CRS in WKT needs a few kB).
MAX_DEFINITION_CHARS = 20_000
#: Smallest confidence of PROJ's identification.
MIN_CONFIDENCE = 70


class CRSRefusedError(ValueError):
    """A coordinate system the upload checks do not accept (German message, see ``fix``)."""

    def __init__(self, message: str, fix: str = hints.CRS) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix


def epsg(code: object) -> CRS:
    """The CRS of an EPSG code from PROJ's own database.

    Raises
    ------
    CRSRefusedError
        If ``code`` is not a known EPSG code.
    """
    try:
        number = int(str(code).strip())
    except ValueError:
        raise CRSRefusedError(f"EPSG-Code {str(code)[:20]!r} ist keine Zahl.") from None
    if not 1024 <= number <= 999_999:
        raise CRSRefusedError(f"EPSG:{number} gibt es nicht.")
    try:
        return CRS.from_epsg(number)
    except CRSError:
        raise CRSRefusedError(f"EPSG:{number} ist ein unbekanntes Koordinatensystem.") from None


def screen(text: str, where: str) -> str:
    """A WKT definition of an upload, checked without PROJ; returned stripped.

    Parameters
    ----------
    text : str
        The definition (``.prj`` content, GeoPackage ``definition``).
    where : str
        Where it comes from, for messages (``"der .prj-Datei"``).

    Raises
    ------
    CRSRefusedError
        Empty, too long, control characters, a forbidden element, or not WKT of a CRS.
    """
    text = text.strip()
    if not text:
        raise CRSRefusedError(f"Das Koordinatensystem in {where} ist leer.")
    if len(text) > MAX_DEFINITION_CHARS or _CONTROL.search(text):
        raise CRSRefusedError(f"Das Koordinatensystem in {where} ist keine gültige Beschreibung.")
    lowered = text.lower()
    found = next((word for word in FORBIDDEN if word in lowered), None)
    if found is not None:
        start = lowered.index(found)
        shown = text[start : start + len(found)].strip("+=:")
        raise CRSRefusedError(
            f"Das Koordinatensystem in {where} enthält „{shown}“ (Verweise auf Dateien oder "
            "Rechenvorschriften werden aus Sicherheitsgründen nicht gelesen)."
        )
    if not _WKT_START.match(text):
        raise CRSRefusedError(f"Das Koordinatensystem in {where} ist keine WKT-Beschreibung.")
    return text


def identify(source: int | str, where: str) -> CRS:
    """The EPSG CRS of an EPSG code or of a definition :func:`screen` let pass.

    Raises
    ------
    CRSRefusedError
        Unknown code, or no EPSG code identified for the definition.
    """
    if not isinstance(source, str):
        return epsg(source)
    text = screen(source, where)  # again: this function may be called with any text
    try:
        code = CRS.from_wkt(text).to_epsg(min_confidence=MIN_CONFIDENCE)
    except CRSError:
        raise CRSRefusedError(f"Das Koordinatensystem in {where} ist unbekannt.") from None
    if code is None:
        raise CRSRefusedError(
            f"Das Koordinatensystem in {where} entspricht keinem EPSG-Code (z. B. ein eigenes "
            "System)."
        )
    return epsg(code)


def from_definition(text: str, where: str) -> CRS:
    """:func:`screen` and :func:`identify` in one step (for callers outside the worker)."""
    return identify(screen(text, where), where)
