r"""Untrusted text made safe to show: control characters become visible escapes.

A file name or a cell can carry terminal escape sequences (``ESC[2J`` clears the screen,
``ESC]52`` writes the clipboard), bidirectional overrides that reorder what a reader sees, or
lone surrogates that cannot be printed. :func:`escape_controls` turns every such character
into a visible ``\u001b`` / ``\u202e`` escape, keeping line breaks and tabs where wanted; the
command line passes all its text output through it, and messages quote untrusted values
with it.
"""

from __future__ import annotations

import re

#: C0 controls (except tab and line feed), DEL, C1 controls, bidirectional overrides and
#: isolates, zero-width and line/paragraph separators, lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_UNSAFE_IN_LINE = re.compile(_UNSAFE.pattern[:-1] + "\t\n]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"  # also a valid escape inside a JSON string


def escape_controls(text: str, *, keep_lines: bool = True) -> str:
    r"""``text`` with every control or invisible formatting character as a visible escape.

    Parameters
    ----------
    text : str
        Any text (file names, cell values, messages quoting them).
    keep_lines : bool
        Keep line feeds and tabs (multi-line output); False escapes them too (one line).

    Returns
    -------
    str
        Printable text: a real ESC in ``"a<ESC>[31mb"`` becomes ``"a\u001b[31mb"``.
    """
    return (_UNSAFE if keep_lines else _UNSAFE_IN_LINE).sub(_escape, text)


def quoted(text: str, limit: int = 60) -> str:
    """An untrusted value for a German message: ``„…“``, shortened, controls escaped."""
    short = text if len(text) <= limit else text[:limit] + "…"
    return f"„{escape_controls(short, keep_lines=False)}“"


#: How a spreadsheet formula starts (Excel, LibreOffice): such text cells get an apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse_formula(value: object) -> object:
    """A text that cannot run as a spreadsheet formula (``'=1+1``); other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value
