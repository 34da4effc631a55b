"""German number formatting (``1.234,5``) for the UI, maps and reports."""

from __future__ import annotations

import math

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
