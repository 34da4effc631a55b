"""What a planner must never read: paths, library messages, English UI words, raw codes.

One list for the AppTest scan (every page's elements, both modes) and the browser scan
(every page's visible text and its maps' text, both modes, two screen sizes). The expander
„Über diese Installation“ on the Daten page is the one place for paths and environment
variables (for the administration); callers leave it out.
"""

from __future__ import annotations

import re

from geo.io.uploads.templates import TEMPLATE_COLUMNS, TEMPLATE_VALUES

#: Patterns that never belong in a planner's text (name → regular expression).
FORBIDDEN = {
    "Pfad": r"(?:^|[\s(„\"'`])/(?:[\w.-]+/)+[\w.-]*",
    "Windows-Pfad": r"\b[A-Z]:\\",
    "Datenbankdatei": r"\.sqlite\b",
    "Python": r"\bTraceback\b|\.py\b|\bException\b|\bError\b|\bself\b",
    "Leerwert": r"\b(?:None|nan|NaN|NaT|inf|null|undefined|True|False)\b|<NA>|\[object",
    "Geometriemeldung": r"\b(?:Hole lies|Self-intersection|shell|Ring Self|Too few points)\b",
    # English UI words (not loanwords German uses, such as "Upload").
    "Englisch": r"\b(?:Select all|Deselect|empty|Browse files|Drag and drop|Loading|"
    r"Running|Clear all|No options|No results|Choose|Please|Press Enter|per file|Limit \d|"
    r"Download|Show|Search|selected|Submit|Cancel|Close|Warning|Note|Stop|wheelchair|"
    r"Stadtteile? Nr)\b",
    "Hash": r"\b[0-9a-f]{12}\b",
}
#: snake_case identifiers are codes, not words – except the column names and coded values
#: of the upload templates, which a planner needs to fill in a file.
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ALLOWED_IDENTIFIERS = TEMPLATE_VALUES | {
    c for columns in TEMPLATE_COLUMNS.values() for c in columns
}
_PATTERNS = {name: re.compile(pattern) for name, pattern in FORBIDDEN.items()}


def problems(text: str) -> list[str]:
    """Every forbidden piece of ``text`` as ``"Art: Fundstelle"`` (empty if clean).

    Parameters
    ----------
    text : str
        What a planner reads.

    Returns
    -------
    list of str
    """
    found = []
    for name, pattern in _PATTERNS.items():
        for match in pattern.finditer(text):
            found.append(f"{name}: {_context(text, match)}")
    for match in IDENTIFIER.finditer(text):
        if match.group(0) not in ALLOWED_IDENTIFIERS:
            found.append(f"Code: {_context(text, match)}")
    return found


def _context(text: str, match: re.Match) -> str:
    start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
    return f"„{match.group(0).strip()}“ in …{text[start:end]}…".replace("\n", " ")
