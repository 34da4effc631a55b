"""One number parser for every upload format and the register CLI.

``4.710`` is 4710 to a German reader and 4.71 to an English one; ``4,710`` the other way
round. A value that allows both readings is never guessed from the value alone:

* a **count** (people, households, years, row numbers) is an integer, so a separator before
  exactly three digits is a thousands separator (``4.710`` and ``4,710`` → 4710);
* otherwise the **column** decides: unambiguous values elsewhere in it (``52,13`` or
  ``1.234,5`` written the German way, ``52.13`` or ``1,234.5`` the English way) fix the
  convention for the ambiguous ones;
* otherwise the **plausible range** of the column decides when only one reading of all its
  ambiguous values lies in it (latitude ``52.123`` cannot be 52,123);
* what stays ambiguous is refused, cell by cell, with a German message naming both readings.

Numbers that arrive *typed* – an XLSX number cell, a JSON number, a SQLite REAL, a dBASE
numeric field – always use a decimal point and no grouping; the readers pass them through
:func:`typed`, so ``12.345`` from such a source is never taken for 12345.

Unambiguous values are read as written: ``1.234.567`` (German thousands), ``1,234,567``
(English thousands), ``1.234,5``, ``1,234.5``, ``4,71``, ``4.71``, ``1 234`` (space as thousands
separator), ``1,5e3``, a leading ``+`` and the minus sign ``−``. Empty cells, ``.``, ``-`` and
``–`` are missing values (suppressed, never 0). Infinity, NaN and literals longer than
:data:`MAX_NUMBER_CHARS` characters are refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.io.plausibility import german
from geo.io.readers import MISSING_MARKERS
from geo.io.uploads import hints
from geo.io.uploads.limits import capped
from geo.io.uploads.report import Problem

#: Longest number literal (characters): a coordinate with 15 decimals needs 20.
MAX_NUMBER_CHARS = 40


@dataclass(frozen=True)
class NumberKind:
    """What a column holds, for deciding ambiguous separators.

    Attributes
    ----------
    integer : bool
        A count: ``4.710`` can only be 4710.
    low, high : float
        Plausible range; when one reading of every ambiguous value lies in it and the other
        does not, that reading is taken.
    """

    integer: bool = False
    low: float = -math.inf
    high: float = math.inf


#: People, households, facilities, row numbers.
COUNT = NumberKind(integer=True)
#: Calendar years.
YEAR = NumberKind(integer=True)
#: WGS84 degrees.
LATITUDE = NumberKind(low=-90.0, high=90.0)
LONGITUDE = NumberKind(low=-180.0, high=180.0)
#: ETRS89 / UTM 32N metres (any place in zone 32 north of the equator).
EASTING = NumberKind(low=100_000.0, high=900_000.0)
NORTHING = NumberKind(low=0.0, high=9_400_000.0)
#: Radius of an approximate position (m).
RADIUS = NumberKind(low=0.0, high=5_000.0)
#: A decimal measure without a known range.
DECIMAL = NumberKind()

_SPACES = " \u00a0\u202f\u2009"
_INT = re.compile(r"[+-]?\d+")
_DOT_GROUPS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
_COMMA_GROUPS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+")
_GERMAN = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+,\d+")
_ENGLISH = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+\.\d+")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
_DECIMAL_POINT = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)")
_SPACE_GROUPS = re.compile(rf"[+-]?\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?")
_SCIENTIFIC = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)[eE][+-]?\d+")
_NUMERIC_LOOKING = re.compile(rf"[\d.,eE+\-{_SPACES}]+")
_INFINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "∞", "-∞"}


@dataclass(frozen=True)
class _Reading:
    """How one cell reads: a value, two candidate values, or a problem."""

    kind: str  # "missing", "value", "ambiguous", "long", "infinite", "invalid"
    value: float = math.nan
    convention: str = ""  # "de" or "en" for values that show a convention
    separator: str = ""  # ambiguous: "." or ","
    thousands: float = math.nan  # ambiguous: the thousands reading
    decimal: float = math.nan  # ambiguous: the decimal reading


def _read(text: str) -> _Reading:
    """Classify one stripped cell text."""
    if text in MISSING_MARKERS:
        return _Reading("missing")
    text = text.replace("\u2212", "-")
    if len(text) > MAX_NUMBER_CHARS:
        return _Reading("long" if _NUMERIC_LOOKING.fullmatch(text) else "invalid")
    if text.lower() in _INFINITE:
        return _Reading("infinite")
    if _INT.fullmatch(text):
        return _Reading("value", float(int(text)))
    for pattern, separator in ((_DOT_GROUPS, "."), (_COMMA_GROUPS, ",")):
        if pattern.fullmatch(text):
            whole = float(int(text.replace(separator, "")))
            if text.count(separator) > 1:  # 1.234.567: only thousands separators
                return _Reading("value", whole, "de" if separator == "." else "en")
            decimal = float(text.replace(",", "."))
            return _Reading("ambiguous", separator=separator, thousands=whole, decimal=decimal)
    if _GERMAN.fullmatch(text):
        return _Reading("value", float(text.replace(".", "").replace(",", ".")), "de")
    if _ENGLISH.fullmatch(text):
        return _Reading("value", float(text.replace(",", "")), "en")
    if _DECIMAL_COMMA.fullmatch(text):
        return _Reading("value", float(text.replace(",", ".")), "de")
    if _DECIMAL_POINT.fullmatch(text):
        return _Reading("value", float(text), "en")
    if _SPACE_GROUPS.fullmatch(text):
        plain = re.sub(f"[{_SPACES}]", "", text)
        return _Reading("value", float(plain.replace(",", ".")))
    if _SCIENTIFIC.fullmatch(text):
        value = float(text.replace(",", "."))
        return _Reading("value", value) if math.isfinite(value) else _Reading("infinite")
    return _Reading("invalid")


def typed(text: str) -> str:
    """A typed number's text, written so that :func:`parse_column` cannot mistake it.

    XLSX number cells, JSON and SQLite numbers and dBASE numeric fields always use a decimal
    point and never group thousands, so ``12.345`` from them becomes ``12.3450``.
    """
    return f"{text}0" if _DOT_GROUPS.fullmatch(text) and text.count(".") == 1 else text


def _decide(readings: list[_Reading], kind: NumberKind) -> str | None:
    """The convention (``"de"``/``"en"``) for the ambiguous readings of a column, or None.

    ``"de"``: a dot separates thousands and a comma decimals; ``"en"`` the other way round.
    """
    if kind.integer:
        return "thousands"
    conventions = {r.convention for r in readings if r.convention}
    if len(conventions) == 1:
        return conventions.pop()
    ambiguous = [r for r in readings if r.kind == "ambiguous"]
    fitting = [
        convention
        for convention in ("de", "en")
        if all(kind.low <= _value(r, convention) <= kind.high for r in ambiguous)
    ]
    return fitting[0] if len(fitting) == 1 else None


def _value(reading: _Reading, convention: str) -> float:
    """The value of an ambiguous reading under a convention (or ``"thousands"``)."""
    if convention == "thousands":
        return reading.thousands
    thousands_dot = convention == "de"
    return reading.thousands if (reading.separator == ".") == thousands_dot else reading.decimal


def _problem(text: str, reading: _Reading) -> tuple[str, str]:
    """German message and fix for a cell that is not a usable number."""
    shown = repr(text[:40])
    if reading.kind == "long":
        return f"Die Zahl {text[:12]!r}… hat {len(text)} Zeichen – keine sinnvolle Angabe.", (
            hints.LONG_NUMBER
        )
    if reading.kind == "infinite":
        return f"Keine endliche Zahl: {shown}.", hints.INFINITE_NUMBER
    if reading.kind == "ambiguous":
        point = "Tausenderpunkt" if reading.separator == "." else "Tausenderkomma"
        decimal = "Dezimalpunkt" if reading.separator == "." else "Dezimalkomma"
        return (
            f"Mehrdeutige Zahl {shown}: {german(reading.thousands)} (mit {point}) oder "
            f"{german(reading.decimal)} (mit {decimal}); die übrigen Werte der Spalte "
            "entscheiden es nicht.",
            hints.AMBIGUOUS_NUMBER,
        )
    return f"Keine Zahl: {shown}.", hints.NUMBER


def parse_column(
    values: pd.Series,
    column: str,
    kind: NumberKind,
    errors: list[Problem],
    row_offset: int = 2,
    allow_negative: bool = False,
) -> pd.Series:
    """A column of number texts as floats (missing: NaN); every problem with its row.

    Parameters
    ----------
    values : pandas.Series
        Cell texts; the index + ``row_offset`` is the row a planner sees.
    column : str
        Column name for messages.
    kind : NumberKind
        What the column holds (decides ambiguous separators).
    errors : list of Problem
        Receives the problems (at most :data:`geo.io.uploads.limits.MAX_PROBLEMS` of a kind).
    row_offset : int
        Row of index 0.
    allow_negative : bool
        Accept negative values (coordinates).

    Returns
    -------
    pandas.Series
        float64, NaN where the cell is missing or not a usable number.
    """
    text = values.astype("string").str.strip().fillna("")
    cache: dict[str, _Reading] = {}
    readings = [cache.get(t) or cache.setdefault(t, _read(t)) for t in text.tolist()]
    convention = (
        _decide(list(cache.values()), kind)
        if any(r.kind == "ambiguous" for r in cache.values())
        else None
    )
    out = np.full(len(readings), np.nan)
    problems: list[Problem] = []
    rows = values.index.to_numpy(dtype=np.int64) + row_offset
    for pos, (cell, reading) in enumerate(zip(text.tolist(), readings, strict=True)):
        if reading.kind == "value":
            out[pos] = reading.value
        elif reading.kind == "ambiguous" and convention is not None:
            out[pos] = _value(reading, convention)
        elif reading.kind != "missing":
            message, fix = _problem(cell, reading)
            problems.append(Problem(message, fix, int(rows[pos]), column))
    if not allow_negative:
        problems += [
            Problem(
                f"Negativer Wert {text.iloc[pos][:40]}.",
                "Anzahlen und Flächen sind nie negativ.",
                int(rows[pos]),
                column,
            )
            for pos in np.flatnonzero(np.isfinite(out) & (out < 0))
        ]
    capped(errors, sorted(problems, key=lambda p: p.row or 0))
    return pd.Series(out, index=values.index, dtype="float64")


def parse_value(value: object, kind: NumberKind, label: str) -> float | None:
    """One number typed by a planner (register form, CLI option); None if empty.

    The same rules as :func:`parse_column` for a column of one value: a count reads
    ``4.710`` as 4710, a coordinate ``52.123`` by its range, and what stays ambiguous is
    refused.

    Raises
    ------
    ValueError
        German message starting with ``label``, with the fix.
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"{label}: Keine endliche Zahl. Lösung: {hints.INFINITE_NUMBER}")
        return number
    errors: list[Problem] = []
    number = parse_column(pd.Series([str(value)]), label, kind, errors, allow_negative=True)
    if errors:
        raise ValueError(f"{label}: {errors[0].message} Lösung: {errors[0].fix}")
    return None if math.isnan(number.iloc[0]) else float(number.iloc[0])


def parse_count(value: object, label: str, low: int = 0, high: int | None = None) -> int:
    """A whole number typed by a planner (``--rows``, ``soll``, ``undo NR``).

    Raises
    ------
    ValueError
        German message starting with ``label``: not a number, not whole, out of range.
    """
    bounds = f"von {low:,} bis {high:,}".replace(",", ".") if high is not None else f"ab {low}"
    refusal = ValueError(
        f"{label}: {str(value)[:40]!r} ist keine ganze Zahl {bounds}. Lösung: eine ganze Zahl "
        f"{bounds} angeben."
    )
    try:
        number = parse_value(value, COUNT, label)
    except ValueError:
        raise refusal from None
    if number is None:
        raise ValueError(f"{label}: Es fehlt eine Zahl. Lösung: eine ganze Zahl angeben.")
    if not number.is_integer() or number < low or (high is not None and number > high):
        raise refusal
    return int(number)
