"""Region sets: named partitions of the Stadtteile (Versorgungsgebiete, Sozialregionen, …).

A region set assigns every Stadtteil to exactly one region. The checks here are strict
(a stored set must be complete, unlike a session upload that may leave Stadtteile out):
every problem is collected with the row it stands in and the fix, and the whole table is
refused if there is one – nothing is saved half.
"""

from __future__ import annotations

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
        Row number of the first data row in messages (2: the line after a CSV header).

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
    for offset, (raw_nr, raw_region) in enumerate(
        zip(rows["stadtteil_nr"], rows["region"], strict=True)
    ):
        row = first_row + offset
        text = "" if raw_nr is None or pd.isna(raw_nr) else str(raw_nr).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # a number read by a spreadsheet
            text = text[:-2]
        nr = text.zfill(2) if text.isdigit() else by_name.get(text.casefold(), text)
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
    if problems:
        shown = problems[:20]
        if len(problems) > 20:
            shown.append(f"… und {len(problems) - 20} weitere Probleme.")
        raise ValueError("Die Zuordnung wird nicht gespeichert: " + " ".join(shown))
    out = pd.DataFrame({"stadtteil_nr": numbers, "region": regions})
    return out.sort_values("stadtteil_nr", ignore_index=True)


def mapping_from_pairs(pairs: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """A mapping frame from ``(stadtteil_nr, region)`` pairs (stored order kept)."""
    return pd.DataFrame(list(pairs), columns=["stadtteil_nr", "region"])
