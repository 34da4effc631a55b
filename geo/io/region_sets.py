"""Region sets: named partitions of the Stadtteile (Versorgungsgebiete, Sozialregionen, …).

A region set assigns every Stadtteil to exactly one region. The checks here are strict
(a stored set must be complete, unlike a session upload that may leave Stadtteile out):
every problem is collected with the row it stands in and the fix, and the whole table is
refused if there is one – nothing is saved half.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Mapping

import pandas as pd

#: Longest region or set name (a map label and a table heading must stay readable).
MAX_NAME = 80
#: Most regions in one set (the city plans with 18 Versorgungsgebiete).
MAX_REGIONS = 40
_MARKUP = re.compile(r"[<>]|&[#a-zA-Z0-9]+;|\]\(|^\s*[#*_`>|-]|[\x00-\x1f\x7f]")


def name_problem(name: object, what: str = "Regionsname") -> str | None:
    """Why ``name`` cannot be a region (or set) name, or None if it can.

    Parameters
    ----------
    name : object
        The name as entered.
    what : str
        German noun for the message ("Regionsname", "Name der Gebietsgliederung").

    Returns
    -------
    str or None
        German reason with the fix.
    """
    text = "" if name is None or (isinstance(name, float) and pd.isna(name)) else str(name)
    text = text.strip()
    if not text:
        return f"{what} fehlt. Lösung: einen Namen eintragen, z. B. „Versorgungsgebiet 1“."
    if len(text) > MAX_NAME:
        return f"{what} ist länger als {MAX_NAME} Zeichen. Lösung: kürzen."
    if _MARKUP.search(text):
        return (
            f"{what} {text[:40]!r} enthält HTML, Markdown oder Steuerzeichen (<, >, &…;, "
            "führendes #, * oder -). Lösung: nur Buchstaben, Ziffern, Leerzeichen und . , ( ) / – "
            "verwenden."
        )
    return None


def check_region_table(
    rows: pd.DataFrame, stadtteile: Mapping[str, str] | pd.Series, *, first_row: int = 2
) -> pd.DataFrame:
    """Validate a Stadtteil → region table for a stored region set.

    Parameters
    ----------
    rows : pandas.DataFrame
        Columns ``stadtteil_nr`` (number, or a Stadtteil name) and ``region``; one row per
        Stadtteil.
    stadtteile : mapping or pandas.Series
        Name per ``stadtteil_nr`` of every Stadtteil of the package.
    first_row : int
        Row number in messages of the index value 0 (2: a file read with its index = file
        row − 2, as the upload readers do; 1: a list on the page).

    Returns
    -------
    pandas.DataFrame
        ``stadtteil_nr`` (two digits) and ``region`` (trimmed), sorted by number.

    Raises
    ------
    ValueError
        German message listing every problem with its row and fix: a Stadtteil unknown,
        twice or missing, a region name empty, too long or with markup.
    """
    names = pd.Series(stadtteile)
    for column in ("stadtteil_nr", "region"):
        if column not in rows:
            raise ValueError(
                f"Spalte {column} fehlt. Lösung: eine Tabelle mit den Spalten stadtteil_nr "
                "und region (eine Zeile je Stadtteil) verwenden."
            )
    by_name = {str(n).casefold(): nr for nr, n in names.items()}
    problems: list[str] = []
    seen: dict[str, int] = {}
    numbers, regions = [], []
    numbered = pd.api.types.is_integer_dtype(rows.index) and rows.index.is_unique
    positions = rows.index if numbered else range(len(rows))
    for position, raw_nr, raw_region in zip(
        positions, rows["stadtteil_nr"], rows["region"], strict=True
    ):
        row = first_row + int(position)
        text, nr = _stadtteil_number(raw_nr, by_name)
        if nr not in names.index:
            problems.append(
                f"Zeile {row}: Stadtteil {text[:40]!r} ist unbekannt. Lösung: Nummer (z. B. 06) "
                "oder Namen wie in stadtteile.geojson eintragen."
            )
        elif nr in seen:
            problems.append(
                f"Zeile {row}: Stadtteil {nr} {names[nr]} steht zum zweiten Mal da (zuerst in "
                f"Zeile {seen[nr]}). Lösung: jeden Stadtteil genau einer Region zuordnen, eine "
                "der Zeilen löschen."
            )
        else:
            seen[nr] = row
        problem = name_problem(raw_region)
        if problem:
            problems.append(f"Zeile {row}: {problem}")
        numbers.append(nr)
        regions.append("" if problem else str(raw_region).strip())
    problems += _set_problems(names, seen, regions)
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(f"… und {len(problems) - 20} weitere Probleme.")
        raise ValueError("Die Zuordnung wird nicht gespeichert: " + " ".join(shown))
    out = pd.DataFrame({"stadtteil_nr": numbers, "region": regions})
    return out.sort_values("stadtteil_nr", ignore_index=True)


def _stadtteil_number(raw_nr: object, by_name: Mapping[str, str]) -> tuple[str, str]:
    """The cell as written (trimmed) and the two-digit number it names (or the text)."""
    text = "" if raw_nr is None or pd.isna(raw_nr) else str(raw_nr).strip()
    if text.endswith(".0") and text[:-2].isdigit():  # a number read by a spreadsheet
        text = text[:-2]
    return text, text.zfill(2) if text.isdigit() else by_name.get(text.casefold(), text)


def _set_problems(names: pd.Series, seen: Mapping[str, int], regions: list[str]) -> list[str]:
    """Problems of the table as a whole: Stadtteile not assigned, too many regions."""
    problems = []
    missing = [nr for nr in names.index if nr not in seen]
    if missing:
        listed = ", ".join(f"{nr} {names[nr]}" for nr in missing[:10])
        more = f" und {len(missing) - 10} weitere" if len(missing) > 10 else ""
        problems.append(
            f"Nicht zugeordnet: {listed}{more}. Lösung: für jeden Stadtteil eine Zeile mit "
            "seiner Region ergänzen (jeder Stadtteil gehört in genau eine Region)."
        )
    distinct = {r for r in regions if r}
    if len(distinct) > MAX_REGIONS:
        problems.append(
            f"{len(distinct)} Regionen – höchstens {MAX_REGIONS} sind möglich. Lösung: Regionen "
            "zusammenfassen."
        )
    return problems


def _read_frame(name: str, content: bytes, aliases: dict[str, str]) -> pd.DataFrame:
    """A CSV/XLSX table with canonical headings; ValueError with every problem of the file."""
    from geo.io.uploads.files import canonical, read_table
    from geo.io.uploads.report import StopReadingError, UploadResult

    result = UploadResult("areas")
    frame = None
    with contextlib.suppress(StopReadingError):
        frame = canonical(
            read_table(name, content, result.errors, result.warnings),
            aliases,
            result.warnings,
            result.errors,
        )
    if result.errors or frame is None:
        raise ValueError(f"{name[:80]}: " + " ".join(p.text() for p in result.errors))
    return pd.DataFrame(frame)


def parse_region_file(name: str, content: bytes) -> pd.DataFrame:
    """Read a region table (CSV/XLSX) with the upload readers; runs in the sandbox worker.

    Returns
    -------
    pandas.DataFrame
        Text columns ``stadtteil_nr`` (or the name) and ``region``; index = file row − 2.

    Raises
    ------
    ValueError
        With every problem of the file (format, encoding, headings), rows named.
    """
    from geo.io.uploads.areas import AREA_ALIASES

    frame = _read_frame(name, content, AREA_ALIASES)
    if "stadtteil_nr" not in frame and "stadtteil" in frame:
        frame = frame.rename(columns={"stadtteil": "stadtteil_nr"})
    return pd.DataFrame(frame)


def read_region_file(name: str, content: bytes) -> pd.DataFrame:
    """:func:`parse_region_file` in a worker with memory and time limits (untrusted file).

    Raises
    ------
    ValueError
        On every problem of the file, also when the worker hits its limits.
    """
    from geo.io.sandbox import SandboxError, run_limited

    try:
        return run_limited(parse_region_file, name, content, what=f"Datei {name[:80]}")
    except SandboxError as error:
        raise ValueError(f"{error.problem} Lösung: {error.fix}") from None


def parse_ist_file(name: str, content: bytes) -> dict[str, float]:
    """Read Ist values (columns ``region`` and ``ist``); runs in the sandbox worker.

    Raises
    ------
    ValueError
        On a problem of the file, a missing column, a region twice or a value that is not
        a number (rows named).
    """
    from geo.io.uploads.numbers import DECIMAL, parse_column

    aliases = {"region": "region", "versorgungsgebiet": "region", "gebiet": "region", "ist": "ist"}
    frame = _read_frame(name, content, aliases)
    if "region" not in frame or "ist" not in frame:
        raise ValueError(
            f"{name[:80]}: Spalten region und ist werden gebraucht. Lösung: eine Zeile je "
            "Region mit ihrem Namen und dem heutigen Betrag."
        )
    errors: list = []
    numbers = parse_column(frame["ist"], "ist", DECIMAL, errors, allow_negative=True)
    problems = [p.text() for p in errors]
    out: dict[str, float] = {}
    for index, region, value in zip(frame.index, frame["region"], numbers, strict=True):
        key = str(region).strip()
        if key in out:
            problems.append(f"Zeile {int(index) + 2}: Region {key!r} steht zum zweiten Mal da.")
        out[key] = float(value)
    if problems:
        raise ValueError(f"{name[:80]}: " + " ".join(problems))
    return out


def read_ist_file(name: str, content: bytes) -> dict[str, float]:
    """:func:`parse_ist_file` in a worker with memory and time limits (untrusted file)."""
    from geo.io.sandbox import SandboxError, run_limited

    try:
        return run_limited(parse_ist_file, name, content, what=f"Datei {name[:80]}")
    except SandboxError as error:
        raise ValueError(f"{error.problem} Lösung: {error.fix}") from None


def mapping_from_pairs(pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """A mapping frame from ``(stadtteil_nr, region)`` pairs (stored order kept)."""
    return pd.DataFrame(list(pairs), columns=["stadtteil_nr", "region"])
