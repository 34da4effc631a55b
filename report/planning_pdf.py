"""PDF pages of planning by region.

The allocation prints its formula in words and symbols beside the table, so a council
member can recompute any region by hand.
"""

from __future__ import annotations

from datetime import date

from reportlab.platypus import Paragraph, Spacer

from report.layout import ReportDocument, esc, styles, table
from report.planning_exports import allocation_display


def allocation_pdf(
    set_name: str,
    rule,
    allocation,
    formula: list[str],
    notes: list[str],
    printed: date,
) -> bytes:
    """The Verteilungsschlüssel as a PDF (A4 landscape).

    Parameters
    ----------
    set_name : str
        Name of the region set (printed literally).
    rule : indicators.allocation.AllocationRule
        The rule.
    allocation : indicators.allocation.Allocation
        Its result.
    formula : list of str
        :func:`indicators.allocation.formula_lines`.
    notes : list of str
        Data notes (unpublished values, the source of the Ist).
    printed : datetime.date
        Print date for the footer.

    Returns
    -------
    bytes
    """
    st = styles(10)
    doc = ReportDocument(f"Verteilungsschlüssel – {set_name}", printed)
    story = [
        Paragraph(esc(f"Verteilungsschlüssel: {set_name}"), st["h1"]),
        Paragraph("So wird gerechnet", st["h2"]),
        *(Paragraph(esc(line), st["body"]) for line in formula),
        Paragraph("Ergebnis je Region", st["h2"]),
    ]
    shown = allocation_display(allocation, rule)
    story.append(
        table(
            list(shown.columns),
            shown.values.tolist(),
            [2.2] + [1] * (len(shown.columns) - 1),
            st,
            right=list(range(1, len(shown.columns))),
        )
    )
    if notes:
        story += [Spacer(1, 8), Paragraph("Hinweise zu den Daten", st["h2"])]
        story += [Paragraph(esc(n), st["small"]) for n in notes]
    return doc.build(story, f"Verteilungsschlüssel {set_name}")
