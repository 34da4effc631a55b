r"""Reading an uploaded CSV/TXT table: encoding, bounds, delimiter and rows, all linear.

Nothing here is quadratic in the input: the delimiter is chosen by counting candidates
outside quotes in the first lines (``csv.Sniffer`` is quadratic in the line length and holds
the GIL), and rows come from the C ``csv`` reader with a field size limit. Line ends may be
``\r\n``, ``\n`` or a lone ``\r`` (Excel's "CSV (Macintosh)"); Excel's first line
``sep=;`` names the delimiter. A data row that is one field under a header of several, but
splits into exactly the header's fields at another delimiter (a comma-separated body under
a semicolon header), is an error naming the row – never a name without position.
"""

from __future__ import annotations

import csv
import io
import re

import pandas as pd

from geo.io.uploads import hints
from geo.io.uploads.limits import MAX_LINE_CHARS, MAX_LINES, MAX_ROWS, capped, format_count
from geo.io.uploads.report import Problem, StopReadingError
from geo.io.uploads.table import build_frame, too_many_rows

DELIMITERS = (";", ",", "\t", "|")
_QUOTED = re.compile(r'"[^"]*"')
#: Excel's first line naming the delimiter: ``sep=;`` (also quoted).
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)
_NAMES = {";": "Semikolon", ",": "Komma", "\t": "Tabulator", "|": "senkrechter Strich"}


def decode_text(content: bytes, warnings: list[Problem], errors: list[Problem]) -> str:
    """Text of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    A file whose lines are partly UTF-8 and partly not (e.g. rows pasted from another
    export) is read line by line and the lines that are not UTF-8 are named.
    """
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            errors.append(
                Problem(
                    "Die Datei beginnt wie UTF-16 (Unicode-Text), ist aber nicht lesbar.",
                    "Als „CSV UTF-8“ speichern.",
                )
            )
            raise StopReadingError from None
    if b"\x00" in content:
        errors.append(
            Problem(
                "Die Datei enthält Binärdaten (Null-Bytes) und ist keine CSV-Datei.",
                "Als CSV (Text) speichern.",
            )
        )
        raise StopReadingError
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = content.split(b"\n")
    texts: list[str] = []
    bad: list[tuple[int, int]] = []  # (line number, first offending byte)
    utf8_non_ascii = 0
    for number, line in enumerate(lines, start=1):
        try:
            texts.append(line.decode("utf-8"))
            utf8_non_ascii += not line.isascii()
        except UnicodeDecodeError as error:
            texts.append(line.decode("cp1252", errors="replace"))
            bad.append((number, line[error.start]))
    if not utf8_non_ascii:
        warnings.append(
            Problem(
                "Die Datei ist nicht UTF-8-kodiert; sie wurde als Windows-1252 (Excel) gelesen.",
                "Umlaute prüfen; künftig als „CSV UTF-8“ speichern.",
            )
        )
    else:
        shown = ", ".join(str(n) for n, _ in bad[:10]) + (" …" if len(bad) > 10 else "")
        number, byte = bad[0]
        warnings.append(
            Problem(
                f"Gemischte Zeichenkodierung: {format_count(len(bad))} Zeile(n) sind nicht "
                f"UTF-8-kodiert (Zeile {shown}; z. B. Byte 0x{byte:02X} in Zeile {number}). "
                "Diese Zeilen wurden als Windows-1252 gelesen, die übrigen als UTF-8.",
                "Umlaute in diesen Zeilen prüfen; die Datei einheitlich als „CSV UTF-8“ speichern.",
                number,
            )
        )
    return "\n".join(texts)


def normalise_newlines(text: str) -> str:
    r"""``\r\n`` and a lone ``\r`` (old Mac line ends) as ``\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def check_lines(text: str, errors: list[Problem]) -> list[str]:
    """The physical lines, after checking their number and length (before any parsing)."""
    count = max(text.count("\n"), text.count("\r"))
    if count > MAX_LINES:
        errors.append(
            Problem(
                f"Zu viele Zeilen ({format_count(count)}; erlaubt sind "
                f"{format_count(MAX_ROWS)} Datenzeilen).",
                "Die Datei aufteilen oder nicht benötigte Zeilen löschen.",
            )
        )
        raise StopReadingError
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            errors.append(
                Problem(
                    f"Die Zeile ist {format_count(len(line))} Zeichen lang (erlaubt "
                    f"{format_count(MAX_LINE_CHARS)}) – keine Tabelle oder ein beschädigter Wert.",
                    "Eine CSV-Tabelle mit einer Zeile je Einrichtung bzw. Stadtteil hochladen.",
                    number,
                )
            )
            raise StopReadingError
    return lines


def choose_delimiter(lines: list[str]) -> str:
    """The delimiter of a CSV, chosen from the first lines in linear time.

    Counts ``;`` ``,`` tab and ``|`` outside quoted text in the first 20 non-blank lines.
    A candidate must appear in the header; among those, the one whose count in the data lines
    equals its count in the header most often wins, then the one that appears more often.
    """
    sample = [_QUOTED.sub("", line) for line in lines[:200] if line.strip()][:20]
    if not sample:
        return ","
    best, best_key = ",", (0, 0, 0)
    for rank, delimiter in enumerate(DELIMITERS):
        in_header = sample[0].count(delimiter)
        if not in_header:
            continue
        consistent = sum(line.count(delimiter) == in_header for line in sample[1:])
        key = (consistent, in_header, -rank)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def declared_delimiter(lines: list[str], errors: list[Problem]) -> str | None:
    """The delimiter named by Excel's ``sep=`` first line, or None without such a line."""
    first = next((line for line in lines if line.strip()), "")
    match = _SEP_LINE.match(first)
    if not match:
        return None
    if match.group(1) not in DELIMITERS:
        errors.append(
            Problem(
                f"Die erste Zeile nennt das Trennzeichen {match.group(1)!r}; gelesen werden "
                "Semikolon, Komma, Tabulator und senkrechter Strich.",
                hints.DELIMITER,
                1,
            )
        )
        raise StopReadingError
    return match.group(1)


def read_csv(content: bytes, errors: list[Problem], warnings: list[Problem]) -> pd.DataFrame:
    """A CSV/TXT upload as a text frame (index = file row − 2).

    Raises the internal stop after recording the problems.
    """
    text = normalise_newlines(decode_text(content, warnings, errors))
    lines = check_lines(text, errors)
    declared = declared_delimiter(lines, errors)
    delimiter = declared or choose_delimiter(lines)
    csv.field_size_limit(MAX_LINE_CHARS)  # this runs in the worker process only
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    skip_sep_line = declared is not None
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        for row in reader:
            if not any(value.strip() for value in row):
                continue  # blank lines and rows of delimiters only
            if skip_sep_line:
                skip_sep_line = False
                continue
            if header is None:
                header = row
                continue
            if len(rows) >= MAX_ROWS:
                too_many_rows(errors, reader.line_num)
            rows.append(row)
            numbers.append(reader.line_num)
    except csv.Error as error:
        errors.append(
            Problem(
                f"Die CSV-Datei ist ab hier nicht lesbar ({_csv_reason(error)}).",
                'Anführungszeichen prüfen: jeder mit " begonnene Wert muss mit " enden.',
                reader.line_num,
            )
        )
        raise StopReadingError from None
    if header is None:
        errors.append(
            Problem(
                "Die Datei enthält keine Tabelle (nur leere Zeilen).",
                "Eine Tabelle mit Kopfzeile hochladen.",
            )
        )
        raise StopReadingError
    _check_mixed_delimiters(header, rows, numbers, delimiter, errors)
    return build_frame(header, rows, numbers, errors, spreadsheet=False)


def _check_mixed_delimiters(
    header: list[str], rows: list[list[str]], numbers: list[int], delimiter: str, errors
) -> None:
    """Rows written with another delimiter than the header (one field that splits evenly)."""
    width = len([h for h in header if h.strip()])
    if width < 2:
        return
    problems = []
    for row, number in zip(rows, numbers, strict=True):
        if len([v for v in row if v.strip()]) != 1 or not row[0].strip():
            continue
        for other in DELIMITERS:
            if other != delimiter and len(_QUOTED.sub("", row[0]).split(other)) == width:
                problems.append(
                    Problem(
                        f"Die Zeile ist durch {_NAMES[other]} getrennt, die Kopfzeile durch "
                        f"{_NAMES[delimiter]} – die Werte landen sonst alle in der ersten "
                        "Spalte.",
                        hints.DELIMITER,
                        number,
                    )
                )
                break
    capped(errors, problems)
    if problems:
        raise StopReadingError


def _csv_reason(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return (
            f"ein Wert ist länger als {format_count(MAX_LINE_CHARS)} Zeichen – vermutlich "
            "fehlt ein schließendes Anführungszeichen"
        )
    if "unexpected end of data" in text:
        return 'ein mit " begonnener Wert endet nicht vor dem Dateiende'
    if "expected after" in text:
        return "nach einem schließenden Anführungszeichen folgt kein Trennzeichen"
    return "unerwartetes Zeichen"
