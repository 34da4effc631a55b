"""German number formatting (``1.234,5``) for the UI, maps and reports."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from indicators.registry import Indicator

#: Shown for missing (suppressed or not collected) values.
MISSING_TEXT = "keine Angabe"


def format_number(value: float | None, decimals: int = 0, missing: str = MISSING_TEXT) -> str:
    """Format a number the German way: ``-1234.5 -> "−1.234,5"``.

    Parameters
    ----------
    value : float, int or None
        Number; None/NaN give ``missing``; infinity gives ``"∞"``.
    decimals : int
        Decimal places.
    missing : str
        Text for missing values.

    Returns
    -------
    str
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    value = float(value)
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{abs(value):,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    # A typographic minus, but no "−0,0" for values that round to zero.
    negative = value < 0 and any(c not in "0,." for c in text)
    return f"−{text}" if negative else text


def format_change(value: float | None, decimals: int = 0, missing: str = MISSING_TEXT) -> str:
    """A change with its sign: ``+1.234``, ``−0,2``, ``±0`` (zero after rounding).

    Parameters
    ----------
    value : float, int or None
        The change.
    decimals : int
        Decimal places.
    missing : str
        Text for missing values.

    Returns
    -------
    str
    """
    text = format_number(value, decimals, missing)
    if text == missing or text.startswith(("−", "∞")):
        return text
    if not any(c not in "0,." for c in text):
        return f"±{text}"
    return f"+{text}"


def format_short(value: float | None, decimals: int = 2, missing: str = MISSING_TEXT) -> str:
    """:func:`format_number` without trailing zeros: ``1.3 -> "1,3"``, ``0.15 -> "0,15"``.

    Parameters
    ----------
    value : float, int or None
        Number.
    decimals : int
        Most decimal places.
    missing : str
        Text for missing values.

    Returns
    -------
    str
    """
    text = format_number(value, decimals, missing)
    if "," in text and text != missing:
        text = text.rstrip("0").rstrip(",")
    return text


def format_value(indicator: Indicator, value: float | None, with_unit: bool = True) -> str:
    """Format an indicator value with its decimals and unit (``"23,4 %"``).

    Parameters
    ----------
    indicator : Indicator
        Registry entry.
    value : float or None
        Value.
    with_unit : bool
        Append the unit (not after a missing value or ∞).

    Returns
    -------
    str
    """
    text = format_number(value, indicator.decimals)
    if with_unit and indicator.unit and text not in (MISSING_TEXT, "∞"):
        return f"{text} {indicator.unit}"
    return text


def format_coordinates(lat: float, lon: float, decimals: int = 5) -> str:
    """WGS84 position the German way: ``"52,15195° N, 11,63716° O"``.

    Parameters
    ----------
    lat, lon : float
        Latitude and longitude in degrees (south and west get ``S``/``W``).
    decimals : int
        Decimal places (5 ≈ 1 m).

    Returns
    -------
    str
    """
    north = "N" if lat >= 0 else "S"
    east = "O" if lon >= 0 else "W"
    return (
        f"{format_number(abs(lat), decimals)}° {north}, {format_number(abs(lon), decimals)}° {east}"
    )


def format_bytes(size: float) -> str:
    """A file size: ``"112 Byte"``, ``"3,4 KB"``, ``"1,2 MB"`` (1 KB = 1.024 Byte).

    Parameters
    ----------
    size : float
        Bytes.

    Returns
    -------
    str
    """
    if size < 1024:
        return f"{format_number(size)} Byte"
    if size < 1024**2:
        return f"{format_short(size / 1024, 1)} KB"
    if size < 1024**3:
        return f"{format_short(size / 1024**2, 1)} MB"
    return f"{format_short(size / 1024**3, 1)} GB"


#: The one time zone every time a planner reads is shown in.
BERLIN = ZoneInfo("Europe/Berlin")


def format_datetime(moment: datetime | str, with_time: bool = True) -> str:
    """A date (and time) the German way, in German time: ``"01.12.2026, 19:14"``.

    Parameters
    ----------
    moment : datetime.datetime or str
        A datetime or an ISO text (``"2026-12-01T18:14:03+00:00"``). Times are stored in
        UTC; one without a zone is taken as UTC. Shown in Europe/Berlin (CET/CEST).
    with_time : bool
        Append hours and minutes.

    Returns
    -------
    str
        The text, or ``"–"`` for an empty or unreadable value.
    """
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment.strip())
        except ValueError:
            return "–"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(BERLIN)
    return moment.strftime("%d.%m.%Y, %H:%M" if with_time else "%d.%m.%Y")


def plural(count: float, one: str, many: str) -> str:
    """``one`` for exactly 1, else ``many`` (German: "1 Änderung", "0 Änderungen").

    Parameters
    ----------
    count : float
        How many.
    one, many : str
        Singular and plural form.

    Returns
    -------
    str
    """
    return one if count == 1 else many


def count_text(count: float, one: str, many: str) -> str:
    """The count with its noun: ``count_text(1, "Änderung", "Änderungen") -> "1 Änderung"``."""
    return f"{format_number(count)} {plural(count, one, many)}"
