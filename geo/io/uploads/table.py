"""Turning parsed rows of a table (CSV or XLSX) into a text DataFrame, with bounds.

Both readers hand over the header and the data rows as lists of text plus the row number of
each in the file; this module checks the shape (columns without a header, rows with more
values than the header, too many rows or columns) and builds the frame. The frame's index is
the file row number − 2, so ``index + 2`` is the row a planner sees in Excel (row 1 = header).
"""

from __future__ import annotations

import pandas as pd

from geo.io.uploads.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    capped,
    format_count,
    too_many_cells,
)
from geo.io.uploads.report import Problem, StopReadingError


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def too_many_rows(errors: list[Problem], row: int | None = None) -> None:
    """Record the row limit problem and stop reading."""
    errors.append(
        Problem(
            f"Zu viele Zeilen: mehr als {format_count(MAX_ROWS)} Datenzeilen.",
            "Die Datei aufteilen oder nicht benötigte Zeilen löschen.",
            row,
        )
    )
    raise StopReadingError


def build_frame(
    header: list[str],
    rows: list[list[str]],
    numbers: list[int],
    errors: list[Problem],
    *,
    spreadsheet: bool,
) -> pd.DataFrame:
    """A text frame from a header and data rows (all problems collected, then stop).

    Parameters
    ----------
    header : list of str
        Cells of the header row (trailing empty cells allowed).
    rows : list of list of str
        Data rows (any length).
    numbers : list of int
        Row number in the file of each data row.
    errors : list of Problem
        Receives the problems.
    spreadsheet : bool
        Name columns by letter (XLSX) instead of by position (CSV).

    Returns
    -------
    pandas.DataFrame
        Text columns named after the header, index = file row − 2.
    """
    header = [h.strip() for h in header]
    width = max([len(header), *(len(r) for r in rows)]) if rows else len(header)
    used = _used_columns(rows, width, errors)
    problems = _unnamed_columns(header, rows, numbers, used, spreadsheet=spreadsheet)
    if not spreadsheet:
        problems += _extra_fields(header, rows, numbers)
    capped(errors, problems)
    if problems:
        raise StopReadingError
    keep = [pos for pos, name in enumerate(header) if name]
    if len(keep) > MAX_COLUMNS:
        errors.append(
            Problem(
                f"Zu viele Spalten ({format_count(len(keep))}, erlaubt {MAX_COLUMNS}).",
                "Nicht benötigte Spalten löschen.",
            )
        )
        raise StopReadingError
    if len(rows) > MAX_ROWS:
        too_many_rows(errors)
    names = [header[pos] for pos in keep]
    dup = sorted({name for name in names if names.count(name) > 1})
    if dup:
        errors.append(
            Problem(
                f"Spalte(n) mehrfach vorhanden: {', '.join(n[:40] for n in dup[:10])}.",
                "Jede Spaltenüberschrift nur einmal verwenden.",
            )
        )
        raise StopReadingError
    columns = {header[pos]: [r[pos] if pos < len(r) else "" for r in rows] for pos in keep}
    index = pd.Index([n - 2 for n in numbers], dtype="int64")
    return pd.DataFrame(columns, index=index, columns=names, dtype=str)


def _used_columns(rows: list[list[str]], width: int, errors: list[Problem]) -> list[bool]:
    """Whether each column holds a value; stops reading beyond :data:`MAX_CELLS` values."""
    used = [False] * width
    cells = 0
    for row in rows:
        for pos, value in enumerate(row):
            if value.strip():
                used[pos] = True
                cells += 1
    if cells > MAX_CELLS:
        errors.append(too_many_cells(cells))
        raise StopReadingError
    return used


def _unnamed_columns(
    header: list[str],
    rows: list[list[str]],
    numbers: list[int],
    used: list[bool],
    *,
    spreadsheet: bool,
) -> list[Problem]:
    """Columns with values but without a header.

    Fine when empty everywhere (Excel's trailing columns); a CSV value beyond the header
    is reported by :func:`_extra_fields` instead.
    """
    problems: list[Problem] = []
    for pos in range(len(used)):
        name = header[pos] if pos < len(header) else ""
        if name or not used[pos]:
            continue
        first = next(
            n for r, n in zip(rows, numbers, strict=True) if pos < len(r) and r[pos].strip()
        )
        if spreadsheet or pos < len(header):
            where = f"Spalte {column_letter(pos)}" if spreadsheet else f"Spalte {pos + 1}"
            problems.append(
                Problem(
                    f"{where} hat keine Überschrift, enthält aber Werte (z. B. in Zeile {first}).",
                    "Eine Überschrift in Zeile 1 eintragen oder die Spalte löschen.",
                    first,
                )
            )
    return problems


def _extra_fields(header: list[str], rows: list[list[str]], numbers: list[int]) -> list[Problem]:
    """CSV rows with a value beyond the header: a field too many in that row."""
    problems = []
    for row, number in zip(rows, numbers, strict=True):
        extra = [v for v in row[len(header) :] if v.strip()]
        if extra:
            problems.append(
                Problem(
                    f"Die Zeile hat {len(row)} Felder, die Kopfzeile {len(header)} "
                    f"(überzähliger Wert {extra[0][:40]!r}).",
                    "Trennzeichen innerhalb eines Werts in Anführungszeichen setzen oder den "
                    "überzähligen Wert löschen.",
                    number,
                )
            )
    return problems
