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


def measures_pdf(
    measures, status: dict, stadtteil_checks, facility_checks, caption: str, printed: date
) -> bytes:
    """The measures report: every measure with its status and what the data says now.

    Parameters
    ----------
    measures : pandas.DataFrame
        The package's and the planners' own measures (:func:`geo.io.measures.with_own`).
    status : dict
        Newest :class:`register.planning.StatusEntry` per measure id.
    stadtteil_checks, facility_checks : pandas.DataFrame
        :func:`scenarios.measures.stadtteil_checks` and ``facility_checks``.
    caption : str
        The assumptions the figures rest on (year, target group, walking threshold).
    printed : datetime.date
        Print date.

    Returns
    -------
    bytes
    """
    from report.planning_exports import facility_check_display, stadtteil_check_display

    st = styles(10)
    doc = ReportDocument("Maßnahmen der Stadt – Stand der Daten", printed)
    story = [
        Paragraph("Maßnahmen der Stadt und was die Daten dazu sagen", st["h1"]),
        Paragraph(
            esc(
                "Die Maßnahmen sind der Plan der Stadt (Infrastrukturplanung für ältere Menschen), "
                "kein Ergebnis dieser Auswertung; sie werden hier nicht gereiht. Neben jeder "
                "Maßnahme, die Stadtteile oder Einrichtungen nennt, steht, was die Daten heute "
                f"zeigen. {caption}"
            ),
            st["body"],
        ),
    ]
    by_stadtteil = stadtteil_check_display(stadtteil_checks)
    by_facility = facility_check_display(facility_checks)
    for measure in measures.itertuples():
        entry = status.get(measure.id)
        story.append(Paragraph(esc(f"Maßnahme {measure.id}"), st["h2"]))
        story.append(Paragraph(esc(measure.massnahme), st["body"]))
        facts = [
            f"Verantwortlich: {measure.verantwortlich or '–'}",
            f"Zeithorizont: {measure.zeithorizont or '–'}",
            f"Quelle: {measure.quelle}",
        ]
        if entry is not None:
            facts.append(
                f"Status: {entry.status} ({entry.when}, {entry.author})"
                + (f" – {entry.note}" if entry.note else "")
                + (f"; Szenario „{entry.scenario}“" if entry.scenario else "")
            )
        else:
            facts.append("Status: noch nicht erfasst")
        story.append(Paragraph(esc(" · ".join(facts)), st["small"]))
        for shown in (by_stadtteil, by_facility):
            if shown.empty:
                continue
            rows = shown[shown["Maßnahme"] == measure.id].drop(columns="Maßnahme")
            if rows.empty:
                continue
            story.append(
                table(
                    list(rows.columns),
                    rows.values.tolist(),
                    [1.6] + [1] * (len(rows.columns) - 1),
                    st,
                )
            )
            story.append(Spacer(1, 6))
    return doc.build(story, "Maßnahmen der Stadt")


def profiles_pdf(set_name: str, profiles, caption: str, printed: date) -> bytes:
    """Steckbriefe: one page per region of a set, all regions in one report.

    Each page is shrunk to fit when a region has many facilities or long data gaps, so a
    region never runs onto a second page.

    Parameters
    ----------
    set_name : str
        Name of the region set.
    profiles : list of indicators.region_profile.RegionProfile
        :func:`scenarios.planning.profiles`.
    caption : str
        The assumptions the figures rest on.
    printed : datetime.date
        Print date.

    Returns
    -------
    bytes
    """
    from reportlab.platypus import KeepInFrame, PageBreak
    from reportlab.platypus import Table as Grid

    from report.planning_exports import profile_tables

    st = styles(8.5)
    doc = ReportDocument(f"Steckbriefe – {set_name}", printed)
    story: list = []
    half = (doc.frame_width - 12) / 2
    for number, profile in enumerate(profiles):
        if number:
            story.append(PageBreak())
        tables = profile_tables(profile)
        left = [
            Paragraph("Versorgung und Rang", st["h2"]),
            _table(tables["Versorgung"], st, half, [1]),
            Paragraph("Bevölkerung", st["h2"]),
            _table(tables["Bevölkerung"], st, half, [1, 2]),
        ]
        right = [
            Paragraph("Entwicklung 65+", st["h2"]),
            _table(tables["Entwicklung 65+"], st, half, [1, 2]),
            Paragraph("Einrichtungen", st["h2"]),
            _table(tables["Einrichtungen"], st, half, [2, 3]),
        ]
        grid = Grid([[left, right]], colWidths=[half + 6, half + 6], hAlign="LEFT")
        grid.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        notes = [caption]
        if profile.unpublished:
            notes.append(
                "Altersgruppen nicht veröffentlicht (in den Summen nicht enthalten): "
                + ", ".join(profile.unpublished)
                + "."
            )
        content = [
            Paragraph(esc(f"{profile.region} ({set_name})"), st["h1"]),
            Paragraph(esc("Stadtteile: " + ", ".join(profile.stadtteile)), st["small"]),
            Paragraph("Handlungsbedarf (aus den Daten, Regeln im README)", st["h2"]),
            *(Paragraph(esc(n), st["bullet"], bulletText="•") for n in profile.needs),
            grid,
            Spacer(1, 4),
            *(Paragraph(esc(n), st["small"]) for n in notes),
        ]
        story.append(KeepInFrame(doc.frame_width, doc.frame_height - 2, content, mode="shrink"))
    return doc.build(story, f"Steckbriefe {set_name}")


def _table(frame, st, width: float, right: list[int]):
    if frame.empty:  # e.g. a region whose only Stadtteil publishes no 65+
        return Paragraph("Keine veröffentlichten Werte.", st["small"])
    return table(
        list(frame.columns),
        frame.values.tolist(),
        [1.6] + [1] * (len(frame.columns) - 1),
        st,
        right=right,
        total_width=width,
    )
