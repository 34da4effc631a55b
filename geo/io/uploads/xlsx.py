"""Reading the first sheet of an uploaded XLSX workbook, streaming and bounded.

openpyxl pads every row to the sheet's declared dimension (one stray cell in column XFD makes
16,384 columns per row) and builds all rows before any limit can be checked. This reader
streams the sheet XML with expat instead: cells beyond :data:`MAX_COLUMNS` are never stored
(only reported if they hold a value), reading stops after :data:`MAX_ROWS` data rows, and
DTDs/entities are refused (no entity expansion, no external references). Member sizes of
the archive are checked before anything is unpacked.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import re
import zipfile
from datetime import datetime, timedelta
from xml.parsers import expat

import pandas as pd

from geo.io.uploads.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS_BYTES,
    MAX_SHEET_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_XLSX_MEMBERS,
    MAX_XML_TAGS,
    ZIP_READ_ERRORS,
    capped,
    format_count,
    format_mb,
)
from geo.io.uploads.numbers import typed
from geo.io.uploads.report import Problem, StopReadingError
from geo.io.uploads.table import build_frame, column_letter, too_many_rows

_SMALL_PART_BYTES = 5 * 1024 * 1024  # workbook.xml, relationships, styles
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
#: Built-in number formats that show a date or time.
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)}
_FIX_RESAVE = "In Excel öffnen und als .xlsx (Excel-Arbeitsmappe) neu speichern."


class _StopParsingError(Exception):
    """Internal: stop parsing the sheet."""


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]  # expat with namespace_separator=" ": "uri local"


def _parser(namespaces: bool = True) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ") if namespaces else expat.ParserCreate()

    def refuse(*_args: object) -> None:
        raise _StopParsingError("dtd")

    # No document type declarations, entities or external references: nothing to expand.
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    return parser


def _parse(source, parser: expat.XMLParserType) -> None:
    """Feed bytes, a binary stream or an iterable of byte chunks to ``parser``."""
    if isinstance(source, bytes):
        parser.Parse(source, True)
        return
    chunks = iter(lambda: source.read(65536), b"") if hasattr(source, "read") else source
    for chunk in chunks:
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


class _Workbook:
    """The parts of the archive we need, located through the package relationships."""

    def __init__(self, content: bytes, errors: list[Problem]) -> None:
        self.errors = errors
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(content))
            members = self.archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            self._fail("Die Excel-Datei ist beschädigt (kein gültiges ZIP-Archiv).", _FIX_RESAVE)
        if len(members) > MAX_XLSX_MEMBERS:
            self._fail(
                f"Die Excel-Datei enthält zu viele Teile ({format_count(len(members))}).",
                _FIX_RESAVE,
            )
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNZIPPED_BYTES:
            self._fail(
                f"Die Excel-Datei ist entpackt zu groß ({format_mb(unpacked)}, erlaubt "
                f"{format_mb(MAX_UNZIPPED_BYTES)}).",
                "Nur die benötigte Tabelle in einer neuen Arbeitsmappe speichern.",
            )
        self.members = {m.filename: m for m in members}
        for required in ("[Content_Types].xml", "xl/workbook.xml"):
            if required not in self.members:
                self._fail(
                    f"Die Datei ist keine Excel-Arbeitsmappe ({required} fehlt).", _FIX_RESAVE
                )

    def _fail(self, message: str, fix: str) -> None:
        self.errors.append(Problem(message, fix))
        raise StopReadingError

    def read_small(self, name: str) -> bytes:
        info = self.members.get(name)
        if info is None:
            return b""
        if info.file_size > _SMALL_PART_BYTES:
            self._fail(f"Der Teil {name} der Excel-Datei ist zu groß.", _FIX_RESAVE)
        return self._read(info)

    def _read(self, info: zipfile.ZipInfo) -> bytes:
        try:
            return self.archive.read(info)
        except ZIP_READ_ERRORS:
            self._fail(f"Der Teil {info.filename} der Excel-Datei ist beschädigt.", _FIX_RESAVE)
        raise AssertionError  # unreachable

    def open_member(self, name: str, limit: int, what: str) -> io.BufferedIOBase:
        info = self.members[name]
        if info.file_size > limit:
            self._fail(
                f"{what} ist entpackt zu groß ({format_mb(info.file_size)}, erlaubt "
                f"{format_mb(limit)}).",
                "Nur die benötigten Zeilen und Spalten in einer neuen Arbeitsmappe speichern.",
            )
        try:
            return self.archive.open(info)
        except ZIP_READ_ERRORS:
            self._fail(f"Der Teil {name} der Excel-Datei ist beschädigt.", _FIX_RESAVE)
        raise AssertionError  # unreachable

    def xml(self, name: str, start) -> None:
        """Parse a small part with a start-element callback ``start(local, attrs)``."""
        data = self.read_small(name)
        if not data:
            return
        parser = _parser()
        parser.StartElementHandler = lambda tag, attrs: start(_local(tag), attrs)
        self.parse(parser, data, name)

    def parse(self, parser: expat.XMLParserType, source, name: str) -> None:
        try:
            _parse(source, parser)
        except _StopParsingError as stop:
            if str(stop) == "dtd":
                self._fail(
                    f"Der Teil {name} der Excel-Datei enthält eine DTD oder Entitäten "
                    "(in Excel-Dateien nicht vorgesehen).",
                    _FIX_RESAVE,
                )
            raise
        except expat.ExpatError as error:
            self._fail(
                f"Der Teil {name} der Excel-Datei ist beschädigt (XML-Fehler in Zeile "
                f"{error.lineno}).",
                _FIX_RESAVE,
            )
        except ZIP_READ_ERRORS:
            self._fail(f"Der Teil {name} der Excel-Datei ist beschädigt.", _FIX_RESAVE)

    def resolve(self, rels_of: str, target: str) -> str:
        base = posixpath.dirname(rels_of)
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        return posixpath.normpath(path)


def _first_sheet(book: _Workbook) -> tuple[str, str | None, bool]:
    """Path of the first worksheet, of the shared strings (if any), and the 1904 flag."""
    sheets: list[str] = []
    date1904 = [False]

    def workbook(tag: str, attrs: dict) -> None:
        if tag == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
            if rid:
                sheets.append(rid)
        elif tag == "workbookPr":
            date1904[0] = attrs.get("date1904", "0") in ("1", "true")

    book.xml("xl/workbook.xml", workbook)
    targets: dict[str, tuple[str, str]] = {}

    def relationships(tag: str, attrs: dict) -> None:
        if tag == "Relationship" and "Id" in attrs and "Target" in attrs:
            if attrs.get("TargetMode") == "External":
                return  # never follow links outside the archive
            targets[attrs["Id"]] = (attrs["Target"], attrs.get("Type", ""))

    book.xml("xl/_rels/workbook.xml.rels", relationships)
    if not sheets or sheets[0] not in targets:
        book._fail("Die Excel-Datei enthält kein Tabellenblatt.", _FIX_RESAVE)
    sheet = book.resolve("xl/workbook.xml", targets[sheets[0]][0])
    if sheet not in book.members:
        book._fail("Das erste Tabellenblatt fehlt in der Excel-Datei.", _FIX_RESAVE)
    shared = next(
        (
            book.resolve("xl/workbook.xml", target)
            for target, kind in targets.values()
            if kind.endswith("/sharedStrings")
        ),
        "xl/sharedStrings.xml",
    )
    return sheet, shared if shared in book.members else None, date1904[0]


def _shared_strings(book: _Workbook, name: str | None) -> list[str]:
    if name is None:
        return []
    what = "Die Liste der Texte der Excel-Datei"
    with book.open_member(name, MAX_SHARED_STRINGS_BYTES, what) as src:
        # Count first (C speed): more texts than cells can never be needed.
        count = 0
        try:
            while chunk := src.read(1 << 20):
                count += chunk.count(b"<si>") + chunk.count(b"<si ")
        except ZIP_READ_ERRORS:
            book._fail(f"Der Teil {name} der Excel-Datei ist beschädigt.", _FIX_RESAVE)
    if count > MAX_CELLS:
        book._fail(
            f"Die Excel-Datei enthält zu viele verschiedene Texte ({format_count(count)}, "
            f"erlaubt {format_count(MAX_CELLS)}).",
            "Nur die benötigten Zeilen und Spalten in einer neuen Arbeitsmappe speichern.",
        )
    strings: list[str] = []
    parts: list[str] = []
    state = {"in_t": False, "skip": 0}
    parser = _parser(namespaces=False)

    def start(tag: str, _attrs: dict) -> None:
        tag = tag.rpartition(":")[2]
        if tag == "si":
            parts.clear()
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] += 1  # phonetic guides are not cell text
        elif tag == "t" and not state["skip"]:
            state["in_t"] = True

    def end(tag: str) -> None:
        tag = tag.rpartition(":")[2]
        if tag == "t":
            state["in_t"] = False
        elif tag in ("rPh", "phoneticPr"):
            state["skip"] -= 1
        elif tag == "si":
            strings.append("".join(parts))
            if len(strings) > MAX_CELLS:
                raise _StopParsingError("strings")

    def text(data: str) -> None:
        if state["in_t"]:
            parts.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        with book.open_member(name, MAX_SHARED_STRINGS_BYTES, what) as src:
            book.parse(parser, src, name)
    except _StopParsingError:
        book._fail(
            f"Die Excel-Datei enthält zu viele verschiedene Texte (mehr als "
            f"{format_count(MAX_CELLS)}).",
            "Nur die benötigten Zeilen und Spalten in einer neuen Arbeitsmappe speichern.",
        )
    return strings


def _date_styles(book: _Workbook) -> set[int]:
    """Indices of cell styles that show numbers as dates."""
    custom: dict[int, str] = {}
    styles: list[int] = []
    depth = {"cellXfs": False}

    def start(tag: str, attrs: dict) -> None:
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                custom[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            depth["cellXfs"] = True
        elif tag == "xf" and depth["cellXfs"]:
            try:
                styles.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                styles.append(0)

    book.xml("xl/styles.xml", start)

    def is_date(fmt: int) -> bool:
        if fmt in custom:
            code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", custom[fmt]).lower()
            return bool(re.search(r"[dmyhs]", code)) and "general" not in code
        return fmt in _DATE_FORMAT_IDS

    return {pos for pos, fmt in enumerate(styles) if is_date(fmt)}


def _excel_date(serial: str, date1904: bool) -> str | None:
    try:
        days = float(serial)
    except ValueError:
        return None
    if not 0 <= days < 2_958_466:  # up to 31.12.9999
        return None
    base = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    moment = base + timedelta(days=days)
    if moment.hour == moment.minute == moment.second == 0:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _count_tags(book: _Workbook, sheet: str) -> tuple[int, int, int, int]:
    """Size, tags, rows and cells of the sheet XML, counted at C speed before parsing."""
    size = tags = rows = cells = 0
    try:
        with book.open_member(sheet, MAX_UNZIPPED_BYTES, "Das erste Tabellenblatt") as source:
            rest = b""
            while True:
                chunk = source.read(1 << 20)
                size += len(chunk)
                data = rest + chunk
                # Split just before a "<": no counted pattern straddles two pieces.
                cut = data.rfind(b"<") if chunk else len(data)
                part, rest = (data[:cut], data[cut:]) if cut > 0 else (b"", data)
                tags += part.count(b"<")
                rows += part.count(b"<row")
                cells += part.count(b"<c ") + part.count(b"<c>")
                if not chunk:
                    break
    except ZIP_READ_ERRORS:
        book._fail(f"Der Teil {sheet} der Excel-Datei ist beschädigt.", _FIX_RESAVE)
    return size, tags, rows, cells


class _SheetReader:
    """expat callbacks collecting at most MAX_COLUMNS columns and MAX_ROWS data rows.

    The number of elements is bounded before parsing (:data:`MAX_XML_TAGS`); reading stops
    after :data:`MAX_CELLS` cells with content, :data:`MAX_ROWS` data rows or at the first
    value right of column :data:`MAX_COLUMNS`.
    """

    def __init__(self, strings: list[str], dates: set[int], date1904: bool) -> None:
        self.strings, self.dates, self.date1904 = strings, dates, date1904
        self.rows: list[list[str]] = []
        self.numbers: list[int] = []
        self.problems: list[Problem] = []
        self.outside: tuple[str, str] | None = None  # first (cell, value) beyond the cap
        self.stop: str | None = None  # "rows", "cells", "elements" or "outside"
        self.row_number = 0
        self.row: dict[int, str] = {}
        self.last_column: int | None = -1
        self.last_ref = ""
        self.ref, self.kind, self.style = "", "n", None
        self.value: str | None = None
        self.formula = False
        self.text: list[str] | None = None
        self.in_is = False
        self.cells = 0

    def start(self, tag: str, attrs: dict) -> None:
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            self.ref = attrs.get("r", "")
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.value, self.formula = None, False
        elif tag == "v":
            self.text = []
        elif tag == "f":
            self.formula = True
        elif tag == "is":
            self.in_is = True
            self.value = ""
        elif tag == "t" and self.in_is:
            self.text = []
        elif tag == "rPh":
            self.in_is = False  # phonetic guide inside an inline string: not cell text
        elif tag == "row":
            try:
                self.row_number = int(attrs.get("r", self.row_number + 1))
            except ValueError:
                self.row_number += 1
            self.row = {}
            self.last_column, self.last_ref = -1, ""

    def characters(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, tag: str) -> None:
        if ":" in tag:
            tag = tag.rpartition(":")[2]
        if tag == "c":
            self._cell()
        elif tag == "v" and self.text is not None:
            self.value = "".join(self.text)
            self.text = None
        elif tag == "t" and self.in_is and self.text is not None:
            self.value = (self.value or "") + "".join(self.text)
            self.text = None
        elif tag == "is":
            self.in_is = False
        elif tag == "row":
            self._row()

    def _cell(self) -> None:
        if self.value is None and not self.formula:
            # Formatting only: remember where we are, compute the column only if needed.
            self.last_ref, self.last_column = self.ref, None
            return
        column = self._column()
        ref = self.ref or f"{column_letter(column)}{self.row_number}"
        value = self._value(ref)
        if value is None or value == "":
            return
        if column >= MAX_COLUMNS:
            self.outside = (ref, value)
            self.stop = "outside"
            raise _StopParsingError("outside")
        self.cells += 1
        if self.cells > MAX_CELLS:
            self.stop = "cells"
            raise _StopParsingError("cells")
        self.row[column] = value

    def _column(self) -> int:
        """0-based column of the current cell (from ``r`` or following the previous cell)."""
        match = _CELL_REF.match(self.ref)
        if match:
            column = 0
            for letter in match.group(1):
                column = column * 26 + ord(letter) - 64
            column -= 1
        else:
            if self.last_column is None:
                previous = _CELL_REF.match(self.last_ref)
                self.last_column = -1
                if previous:
                    self.last_column = 0
                    for letter in previous.group(1):
                        self.last_column = self.last_column * 26 + ord(letter) - 64
                    self.last_column -= 1
            column = self.last_column + 1
        self.last_ref, self.last_column = self.ref, column
        return column

    def _value(self, ref: str) -> str | None:
        raw, kind = self.value, self.kind
        column = ref.rstrip("0123456789")
        if raw is None:
            if self.formula:
                self.problems.append(
                    Problem(
                        f"Formel ohne gespeicherten Wert in Zelle {ref} – in Excel öffnen und "
                        "speichern.",
                        "Die Datei in Excel öffnen und speichern (dann sind die Ergebnisse der "
                        "Formeln gespeichert) oder Werte statt Formeln einfügen.",
                        self.row_number,
                        column,
                    )
                )
            return None
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                self.problems.append(
                    Problem(
                        f"Zelle {ref} verweist auf einen fehlenden Text (Datei beschädigt).",
                        _FIX_RESAVE,
                        self.row_number,
                        column,
                    )
                )
                return None
        if kind == "e":
            self.problems.append(
                Problem(
                    f"Zelle {ref} enthält den Excel-Fehlerwert {raw[:20]}.",
                    "Die Formel in Excel korrigieren oder einen Wert eintragen.",
                    self.row_number,
                    column,
                )
            )
            return None
        if kind == "b":
            return "WAHR" if raw.strip() in ("1", "true") else "FALSCH"
        if kind == "n" and self.style is not None and self.dates:
            try:
                style = int(self.style)
            except ValueError:
                style = -1
            if style in self.dates:
                return _excel_date(raw, self.date1904) or raw
        return typed(raw) if kind == "n" else raw

    def _row(self) -> None:
        if not self.row:
            return
        if len(self.rows) > MAX_ROWS:  # header + MAX_ROWS data rows are allowed
            self.stop = "rows"
            raise _StopParsingError("rows")
        width = max(self.row) + 1
        values = [""] * width
        for column, value in self.row.items():
            values[column] = value
        self.rows.append(values)
        self.numbers.append(self.row_number)


def read_xlsx(content: bytes, errors: list[Problem]) -> pd.DataFrame:
    """The first sheet of an XLSX upload as a text frame (index = file row − 2).

    Raises the internal stop after recording the problems.
    """
    book = _Workbook(content, errors)
    sheet, shared, date1904 = _first_sheet(book)
    size, tags, rows, cells = _count_tags(book, sheet)
    if tags > MAX_XML_TAGS or size > MAX_SHEET_BYTES:
        errors.append(
            Problem(
                f"Das erste Tabellenblatt ist zu groß: {format_count(rows)} Zeilen und "
                f"{format_count(cells)} Zellen (auch leere, nur formatierte), entpackt "
                f"{format_mb(size)}; erlaubt sind {format_count(MAX_ROWS)} Datenzeilen, "
                f"{format_count(MAX_CELLS)} Zellen mit Inhalt und {format_mb(MAX_SHEET_BYTES)}.",
                "Nur die benötigten Zeilen und Spalten in eine neue Arbeitsmappe kopieren "
                "(Formatierung leerer Zeilen und Spalten entfernen).",
            )
        )
        raise StopReadingError
    reader = _SheetReader(_shared_strings(book, shared), _date_styles(book), date1904)
    parser = _parser(namespaces=False)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.characters
    parser.buffer_text = True
    try:
        with book.open_member(sheet, MAX_SHEET_BYTES, "Das erste Tabellenblatt") as source:
            book.parse(parser, source, sheet)
    except _StopParsingError:
        pass
    if reader.stop == "rows":
        too_many_rows(errors, reader.row_number)
    if reader.stop == "cells":
        errors.append(
            Problem(
                f"Das erste Tabellenblatt enthält zu viele Zellen (mehr als "
                f"{format_count(MAX_CELLS)} mit Inhalt).",
                "Nur die benötigten Zeilen und Spalten in einer neuen Arbeitsmappe speichern.",
                reader.row_number,
            )
        )
        raise StopReadingError
    if reader.outside:
        ref, value = reader.outside
        errors.append(
            Problem(
                f"Zelle {ref} liegt außerhalb der ersten {MAX_COLUMNS} Spalten und enthält "
                f"{value[:40]!r}.",
                f"Die Tabelle auf höchstens {MAX_COLUMNS} Spalten beschränken; Zellen rechts "
                "davon leeren (Strg+Ende zeigt die letzte benutzte Zelle).",
                int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ") or 0) or None,
            )
        )
    capped(errors, reader.problems)
    if errors:
        raise StopReadingError
    if not reader.rows:
        errors.append(
            Problem("Das erste Tabellenblatt ist leer.", "Die Daten auf das erste Blatt legen.")
        )
        raise StopReadingError
    header, *rows = reader.rows
    return build_frame(header, rows, reader.numbers[1:], errors, spreadsheet=True)
