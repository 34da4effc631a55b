"""Limits for uploaded files and the check that a file is what its name claims.

Sizes are in MB with 1 MB = 1,048,576 bytes (MiB), the convention Streamlit uses for its
upload limit, so every message, the uploader's caption and the README state the same
numbers. The same limits hold for every format (CSV, XLSX, GeoJSON, GeoPackage, Shapefile)
and every entry (page, ``validate``, ``einrichtungen import``): the file size before a byte
is read (:func:`read_upload`), rows, columns, cells with content and the length of a text
(:func:`check_cells`, and each reader before it builds values), all checked before a parser
or the worker's memory could be the limit.
"""

from __future__ import annotations

import lzma
import os
import stat
import zipfile
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from geo.io.uploads import hints
from geo.io.uploads.report import Problem, StopReadingError

MB = 1024 * 1024
#: Largest uploaded file.
MAX_BYTES = 20 * MB
#: Data rows of a table (or objects of a GIS file).
MAX_ROWS = 20_000
#: Columns of a table (or attributes of a GIS file).
MAX_COLUMNS = 100
#: Cells with content of a table (e.g. 20,000 rows × 10 columns or 2,000 × 100).
MAX_CELLS = 200_000
#: Tags of a worksheet's XML (a cell with content has 4, an empty formatted cell 1): the
#: work of parsing is bounded before it starts.
MAX_XML_TAGS = 1_000_000
#: Physical lines of a text file (blank lines and line breaks inside quoted fields included).
MAX_LINES = 2 * MAX_ROWS + 100
#: Characters of one line (or one field) of a text file.
MAX_LINE_CHARS = 10_000
#: Characters of one cell or attribute value, in every format.
MAX_TEXT_CHARS = 10_000
#: Members of a ZIP archive (Shapefile) and of an XLSX workbook.
MAX_ZIP_MEMBERS = 50
MAX_XLSX_MEMBERS = 500
#: Unpacked size of a whole archive, and of one worksheet / the shared strings of an XLSX.
MAX_UNZIPPED_BYTES = 100 * MB
MAX_SHEET_BYTES = 40 * MB
MAX_SHARED_STRINGS_BYTES = 30 * MB
#: Nesting depth of a JSON document (a GeoJSON point needs 5).
MAX_JSON_DEPTH = 32
#: At most this many problems of one kind are listed (the rest are counted).
MAX_PROBLEMS = 50

#: What reading a member of a damaged or unusual ZIP archive can raise.
ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
)

TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")
GEO_SUFFIXES = (".geojson", ".json", ".gpkg", ".zip")

_MAGIC = {
    b"PK\x03\x04": "ein ZIP-Archiv (z. B. Excel-Datei oder gepacktes Shapefile)",
    b"PK\x05\x06": "ein leeres ZIP-Archiv",
    b"SQLite format 3\x00": "eine SQLite-Datenbank (z. B. GeoPackage)",
    b"\xd0\xcf\x11\xe0": "eine alte Office-Datei (z. B. .xls)",
    b"%PDF": "ein PDF-Dokument",
    b"\x1f\x8b": "ein gzip-Archiv",
    b"\x89PNG": "ein Bild (PNG)",
    b"\xff\xd8\xff": "ein Bild (JPEG)",
}
_SUFFIX_FORMAT = {
    ".csv": "CSV",
    ".txt": "CSV",
    ".xlsx": "XLSX",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".zip": "Shapefile-ZIP",
}
_FORMAT_NAMES = {
    "CSV": "keine Textdatei (CSV)",
    "XLSX": "keine Excel-Datei (XLSX)",
    "GeoJSON": "keine GeoJSON-Datei",
    "GPKG": "keine GeoPackage-Datei",
    "Shapefile-ZIP": "kein ZIP-Archiv",
}


def format_mb(size: float) -> str:
    """A byte count as German MB text (1 MB = 1,048,576 bytes): ``20 MB``, ``20,4 MB``."""
    value = size / MB
    text = f"{value:.0f}" if value >= 100 or value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',')} MB"


def format_count(value: int) -> str:
    """An integer with German thousands dots: ``20.000``."""
    return f"{value:,}".replace(",", ".")


def _lead(content: bytes) -> bytes:
    """The first bytes without BOM and leading white space (for text formats)."""
    head = content[:4096]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :].replace(b"\x00", b"")
            break
    return head.lstrip()


def sniff(content: bytes) -> str | None:
    """What the content really is, by its magic bytes (None: text or unknown)."""
    for magic, what in _MAGIC.items():
        if content.startswith(magic):
            return what
    lead = _lead(content)
    if lead.startswith(b"<"):
        if b"OGRVRTDataSource" in content[:65536]:
            return "eine GDAL-VRT-Beschreibung (XML), die auf andere Dateien verweist"
        return "ein XML- oder HTML-Dokument"
    if lead.startswith((b"{", b"[")):
        return "ein JSON-Dokument"
    return None


def _looks_like_text(content: bytes) -> bool:
    return b"\x00" not in content[:4096]


def check_format(name: str, content: bytes, errors: list[Problem]) -> str:
    """The upload's format, checked by file suffix *and* content (allow-list).

    Returns one of ``"CSV"``, ``"XLSX"``, ``"GeoJSON"``, ``"GPKG"``, ``"Shapefile-ZIP"``;
    anything else (a suffix we do not read, or content of another format behind the
    suffix) is a problem and stops reading.
    """
    if len(content) == 0:
        errors.append(Problem("Die Datei ist leer.", "Eine Datei mit Inhalt hochladen."))
        raise StopReadingError
    if len(content) > MAX_BYTES:
        errors.append(
            Problem(
                f"Die Datei ist zu groß ({format_mb(len(content))}, erlaubt {format_mb(MAX_BYTES)}).",
                "Die Datei verkleinern oder aufteilen.",
            )
        )
        raise StopReadingError
    suffix = Path(name).suffix.lower()
    if suffix == ".xls":
        errors.append(
            Problem(
                "Das alte Excel-Format .xls wird nicht gelesen.", "Als .xlsx oder CSV speichern."
            )
        )
        raise StopReadingError
    fmt = _SUFFIX_FORMAT.get(suffix)
    if fmt is None:
        errors.append(
            Problem(
                f"Dateityp {suffix or '(ohne Endung)'} wird nicht unterstützt.",
                "CSV, XLSX, GeoJSON, GeoPackage oder ZIP (Shapefile) hochladen.",
            )
        )
        raise StopReadingError
    found = sniff(content)
    expected = {
        "CSV": found is None,
        "XLSX": content.startswith(b"PK\x03\x04"),
        "Shapefile-ZIP": content.startswith((b"PK\x03\x04", b"PK\x05\x06")),
        "GPKG": content.startswith(b"SQLite format 3\x00"),
        "GeoJSON": _lead(content).startswith(b"{"),
    }[fmt]
    if not expected:
        errors.append(
            Problem(
                f"Die Datei heißt {suffix}, ist aber {_FORMAT_NAMES[fmt]}: sie enthält "
                f"{found or ('Text' if _looks_like_text(content) else 'unbekannte Binärdaten')}.",
                f"Die Datei im richtigen Format speichern oder die passende Endung verwenden "
                f"({', '.join(s for s, f in _SUFFIX_FORMAT.items() if f == fmt)}).",
            )
        )
        raise StopReadingError
    return fmt


def capped(problems: list[Problem], new: list[Problem], what: str = "Probleme") -> None:
    """Append at most :data:`MAX_PROBLEMS` of ``new`` and count the rest."""
    problems.extend(new[:MAX_PROBLEMS])
    if len(new) > MAX_PROBLEMS:
        problems.append(
            Problem(
                f"… und {format_count(len(new) - MAX_PROBLEMS)} weitere {what} dieser Art.",
                "Die ersten Fälle korrigieren und erneut prüfen.",
                column=new[0].column,
            )
        )


def too_many_cells(count: int, row: int | None = None) -> Problem:
    """The problem of a file with more than :data:`MAX_CELLS` cells with content."""
    return Problem(
        f"Zu viele Zellen mit Inhalt ({format_count(count)}, erlaubt "
        f"{format_count(MAX_CELLS)}, z. B. 20.000 Zeilen × 10 Spalten).",
        hints.SPLIT,
        row,
    )


def check_cells(frame: pd.DataFrame, errors: list[Problem], row_offset: int = 2) -> None:
    """Cells with content and text length of a parsed text frame (every format).

    Records the problems and stops reading: more than :data:`MAX_CELLS` cells with content,
    or a text longer than :data:`MAX_TEXT_CHARS` characters (each such cell is named).
    """
    columns = [c for c in frame.columns if c != "geometry"]
    if not columns or frame.empty:
        return
    lengths = np.column_stack(
        [frame[c].astype("string").str.len().fillna(0).to_numpy(dtype=np.int64) for c in columns]
    )
    cells = int(np.count_nonzero(lengths))
    if cells > MAX_CELLS:
        errors.append(too_many_cells(cells))
        raise StopReadingError
    rows, where = np.nonzero(lengths > MAX_TEXT_CHARS)
    if len(rows):
        index = frame.index.to_numpy(dtype=np.int64) + row_offset
        capped(
            errors,
            [
                Problem(
                    f"Der Text ist {format_count(int(lengths[r, c]))} Zeichen lang (erlaubt "
                    f"{format_count(MAX_TEXT_CHARS)}).",
                    hints.LONG_TEXT,
                    int(index[r]),
                    str(columns[c]),
                )
                for r, c in zip(rows, where, strict=True)
            ],
        )
        raise StopReadingError


def read_upload(path: Path) -> bytes:
    """The bytes of a file to validate or import; a file over :data:`MAX_BYTES` is not read.

    The size is checked on the open file before reading, and at most ``MAX_BYTES + 1``
    bytes are read, so neither a huge file nor one that grows meanwhile costs memory.

    Raises
    ------
    ValueError
        German message naming the file (not found, a folder, too large, not readable).
    """
    name = path.name[:80]
    try:
        # O_NONBLOCK: a FIFO or device must not block the open; only regular files are read.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ValueError(
                    f"{name}: ist keine gewöhnliche Datei. Lösung: den Pfad einer Datei angeben."
                )
            if info.st_size > MAX_BYTES:
                raise ValueError(
                    f"{name}: Die Datei ist zu groß ({format_mb(info.st_size)}, erlaubt "
                    f"{format_mb(MAX_BYTES)}). Lösung: {hints.SMALLER_FILE}"
                )
            content = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ValueError(f"Datei nicht gefunden: {name}. Lösung: Pfad prüfen.") from None
    except IsADirectoryError:
        raise ValueError(
            f"{name}: ist ein Ordner, keine Datei. Lösung: den Pfad einer Datei angeben."
        ) from None
    except OSError as error:
        raise ValueError(
            f"{name}: Die Datei kann nicht gelesen werden ({_os_reason(error)}). Lösung: "
            "Dateirechte prüfen."
        ) from None
    if len(content) > MAX_BYTES:
        raise ValueError(
            f"{name}: Die Datei ist zu groß (mehr als {format_mb(MAX_BYTES)}). Lösung: "
            f"{hints.SMALLER_FILE}"
        )
    return content


def _os_reason(error: OSError) -> str:
    import errno

    return {
        errno.EACCES: "keine Berechtigung",
        errno.EPERM: "keine Berechtigung",
        errno.ENOENT: "nicht gefunden",
        errno.EIO: "Lesefehler des Datenträgers",
    }.get(error.errno or 0, "Lesefehler")
