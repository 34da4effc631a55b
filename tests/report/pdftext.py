"""Text of a PDF with positions (pdfminer.six): lines, rows and overlap checks for the tests."""

from __future__ import annotations

import io
from itertools import combinations

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

Line = tuple[tuple[float, float, float, float], str]


def pages(pdf: bytes) -> list[list[Line]]:
    """Per page the text lines with their boxes ``(x0, y0, x1, y1)`` in points."""
    out = []
    for page in extract_pages(io.BytesIO(pdf), laparams=LAParams()):
        lines: list[Line] = []
        for element in page:
            if isinstance(element, LTTextContainer):
                for line in element:
                    if isinstance(line, LTTextLine) and line.get_text().strip():
                        lines.append((line.bbox, line.get_text().strip()))
        out.append(lines)
    return out


def page_text(lines: list[Line]) -> str:
    """All text of a page (lines joined by newlines)."""
    return "\n".join(text for _box, text in lines)


def overlaps(lines: list[Line], tolerance: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of text lines whose boxes overlap by more than ``tolerance`` points each way."""
    found = []
    for (a, ta), (b, tb) in combinations(lines, 2):
        dx = min(a[2], b[2]) - max(a[0], b[0])
        dy = min(a[3], b[3]) - max(a[1], b[1])
        if dx > tolerance and dy > tolerance:
            found.append((ta, tb))
    return found


def rows(lines: list[Line], tolerance: float = 2.0) -> list[str]:
    """Table rows: lines with the same baseline joined left to right by spaces."""
    ordered = sorted(lines, key=lambda item: (-item[0][1], item[0][0]))
    groups: list[list[Line]] = []
    for line in ordered:
        if groups and abs(groups[-1][0][0][1] - line[0][1]) <= tolerance:
            groups[-1].append(line)
        else:
            groups.append([line])
    return [" ".join(t for _b, t in sorted(g, key=lambda item: item[0][0])) for g in groups]
