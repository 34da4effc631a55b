"""The "Lösung" texts of the upload checks that several readers share, in one place.

Every :class:`geo.io.uploads.report.Problem` carries a fix; the fixes for the rules that apply to
every format (numbers, headings, coordinates, limits, coordinate systems) live here, so one
wording serves CSV, XLSX, GeoJSON, GeoPackage, Shapefile and the register CLI, and a pointer
(e.g. to a downloadable template) can be added to all of them at once.
"""

from __future__ import annotations

from geo.facilities import GEO_RANGE_FIX, LATITUDE_FIX, LONGITUDE_FIX

#: A number cell that is not a number.
NUMBER = "Zahl eintragen (Dezimalkomma oder -punkt); nicht veröffentlicht: leer oder '.'."
#: A number whose separators allow two readings.
AMBIGUOUS_NUMBER = (
    "Dezimalzahlen mit Komma und ohne Tausenderpunkt schreiben (z. B. 4,71), ganze Zahlen "
    "ohne Trennzeichen (z. B. 4710)."
)
#: A number literal far longer than any real value.
LONG_NUMBER = "Eine gewöhnliche Zahl eintragen (höchstens 40 Zeichen)."
#: Infinity, NaN and the like.
INFINITE_NUMBER = "Eine gewöhnliche Zahl eintragen."
#: Two headings that mean the same column.
DUPLICATE_HEADING = "Eine der beiden Spalten löschen oder umbenennen; jede Angabe nur einmal."
#: A coordinate outside the range of its system.
#: (the facility rules' own wording, :mod:`geo.facilities`).
LATITUDE = LATITUDE_FIX
LONGITUDE = LONGITUDE_FIX
GEO_RANGE = GEO_RANGE_FIX
#: A table or GIS file beyond the size limits.
SPLIT = "Nicht benötigte Spalten löschen oder die Datei aufteilen."
LONG_TEXT = "Den Text kürzen (höchstens 10.000 Zeichen je Feld) oder die Spalte löschen."
SMALLER_FILE = "Die Datei verkleinern oder aufteilen."
#: A coordinate system that is not a plain EPSG code.
CRS = (
    "Im GIS nach EPSG:25832 (ETRS89 / UTM 32N) oder EPSG:4326 (WGS84) umprojizieren und neu "
    "exportieren."
)
#: A mix of separators in a CSV.
DELIMITER = "Die Datei mit einem einheitlichen Trennzeichen speichern (in Excel: „CSV UTF-8“)."
