"""Page layout of the PDF report with reportlab's platypus: fonts, styles, frame, tables, maps.

Platypus flows text and tables into a frame: paragraphs wrap, long tables continue on the next
page with their header row repeated, and nothing is drawn into the header or footer band.
All text from data goes through :func:`esc`, so names such as ``Treff <b>Nord</b>`` print
literally instead of being read as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.figure import Figure
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from geo.io.sources import ATTRIBUTION
from maps.static import figure_bytes

PAGE = landscape(A4)
MARGIN = 1.6 * cm
FONT = "DejaVuSans"
#: Resolution of the embedded map sheets (print quality, ~1 MB per map).
MAP_DPI = 200
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
    f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
    f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}


def register_fonts() -> None:
    """Register DejaVu Sans (ships with matplotlib: umlauts, ß, „“, –, ±, ∞) once."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Oblique",
        boldItalic=f"{FONT}-BoldOblique",
    )


def esc(text: object) -> str:
    """Text from data, escaped for platypus markup (``<``, ``>``, ``&`` print literally)."""
    return escape("" if text is None else str(text))


def styles(base: float) -> dict[str, ParagraphStyle]:
    """Paragraph styles for body text of ``base`` points (leading 1.35×: no overlapping lines)."""
    register_fonts()

    def style(name: str, size: float, **kw) -> ParagraphStyle:
        kw.setdefault("leading", size * 1.35)
        return ParagraphStyle(name, fontName=kw.pop("font", FONT), fontSize=size, **kw)

    return {
        "body": style("body", base, spaceAfter=base * 0.6),
        "bullet": style("bullet", base, leftIndent=base * 1.4, bulletIndent=base * 0.3, spaceAfter=base * 0.3),
        "line": style("line", base),
        "toc": style("toc", base * 0.9, leftIndent=base * 1.4, bulletIndent=base * 0.3),
        "small": style("small", base * 0.8, textColor=colors.HexColor("#333333"), spaceAfter=base * 0.4),
        "h1": style("h1", base * 1.7, font=f"{FONT}-Bold", spaceAfter=base * 0.8, keepWithNext=1),
        "h2": style("h2", base * 1.25, font=f"{FONT}-Bold", spaceBefore=base * 0.8, spaceAfter=base * 0.5, keepWithNext=1),
        "cover_title": style("cover_title", 30, font=f"{FONT}-Bold", spaceAfter=14),
        "cover_sub": style("cover_sub", 18, spaceAfter=18),
        "cell": style("cell", base * 0.85),
        "cell_right": style("cell_right", base * 0.85, alignment=TA_RIGHT),
        "head": style("head", base * 0.85, font=f"{FONT}-Bold"),
        "head_right": style("head_right", base * 0.85, font=f"{FONT}-Bold", alignment=TA_RIGHT),
    }  # fmt: skip


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
    *,
    right: Sequence[int] = (),
    total_width: float | None = None,
) -> Table:
    """A table that breaks across pages, repeating its header row.

    Parameters
    ----------
    header : sequence of str
        Column headings (escaped here).
    rows : sequence of sequences of str
        Cell texts (escaped here); every cell wraps within its column.
    widths : sequence of float
        Relative column widths.
    st : dict
        Styles from :func:`styles`.
    right : sequence of int
        Columns aligned right (numbers).
    total_width : float, optional
        Width in points (default: the frame width).

    Returns
    -------
    reportlab.platypus.Table
    """
    total_width = total_width or PAGE[0] - 2 * MARGIN

    def cell(text: str, col: int, head: bool = False) -> Paragraph:
        name = ("head" if head else "cell") + ("_right" if col in right else "")
        return Paragraph(esc(text), st[name])

    data = [[cell(h, i, head=True) for i, h in enumerate(header)]]
    data += [[cell(v, i) for i, v in enumerate(row)] for row in rows]
    longest = [
        max(
            _longest_word(str(h), st["head"]), *(_longest_word(str(r[i]), st["cell"]) for r in rows)
        )
        for i, h in enumerate(header)
    ]
    out = Table(
        data, colWidths=column_widths(widths, longest, total_width), repeatRows=1, hAlign="LEFT"
    )
    out.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#7a8a9a")),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return out


_PADDING = 8.0  # left + right cell padding in points


def _longest_word(text: str, style: ParagraphStyle) -> float:
    words = text.split() or [""]
    return max(pdfmetrics.stringWidth(w, style.fontName, style.fontSize) for w in words)


def column_widths(weights: Sequence[float], longest: Sequence[float], total: float) -> list[float]:
    """Column widths in proportion to ``weights``, but never narrower than the longest word.

    Words are never broken inside (a header like "Begegnungsstätten" stays whole): columns
    that would be too narrow get their minimum, the others share the rest by weight.
    """
    minimum = [w + _PADDING for w in longest]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(weights)) if i not in fixed]
        rest = total - sum(fixed.values())
        share = sum(weights[i] for i in free) or 1.0
        widths = {i: rest * weights[i] / share for i in free}
        short = [i for i in free if widths[i] < minimum[i]]
        if not short or len(fixed) == len(weights):
            break
        fixed.update({i: minimum[i] for i in short})
    return [fixed.get(i, widths.get(i, 0.0)) for i in range(len(weights))]


def map_image(figure: Figure, max_width: float, max_height: float) -> Image:
    """A map sheet as a PNG image, as large as fits (aspect kept)."""
    png = figure_bytes(figure, "png", dpi=MAP_DPI)
    fig_w, fig_h = figure.get_size_inches()
    factor = min(max_width / fig_w, max_height / fig_h)
    return Image(io.BytesIO(png), width=fig_w * factor, height=fig_h * factor)


class _NumberedCanvas(pdfcanvas.Canvas):
    """Draws "Seite n von N" once the total page count is known."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#333333"))
            self.drawRightString(
                PAGE[0] - MARGIN, PAGE[1] - MARGIN * 0.6, f"Seite {self._pageNumber} von {total}"
            )
            super().showPage()
        super().save()


class ReportDocument:
    """A4 landscape document with header (title, page) and footer (attribution, print date).

    Parameters
    ----------
    title : str
        Shown in the header of every page (escaped).
    printed : datetime.date
        Print date for the footer (``02.12.2026``).
    """

    def __init__(self, title: str, printed: date) -> None:
        register_fonts()
        self.title = title
        footer_style = ParagraphStyle("footer", fontName=FONT, fontSize=7, leading=9)
        self._date = f"Gedruckt am {printed.strftime('%d.%m.%Y')}"
        date_width = pdfmetrics.stringWidth(self._date, FONT, 7) + 12
        self._footer = Paragraph(f"Quellen: {esc(ATTRIBUTION)}", footer_style)
        self._footer_width = PAGE[0] - 2 * MARGIN - date_width
        _w, self._footer_height = self._footer.wrap(self._footer_width, PAGE[1])
        self.bottom = MARGIN * 0.6 + self._footer_height + 0.5 * cm
        self.top = PAGE[1] - MARGIN * 0.6 - 0.7 * cm
        self.frame_width = PAGE[0] - 2 * MARGIN
        self.frame_height = self.top - self.bottom

    def _decorate(self, canvas: pdfcanvas.Canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.drawString(MARGIN, PAGE[1] - MARGIN * 0.6, self.title)
        canvas.setStrokeColor(colors.HexColor("#bbbbbb"))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, self.top + 0.25 * cm, PAGE[0] - MARGIN, self.top + 0.25 * cm)
        canvas.line(MARGIN, self.bottom - 0.25 * cm, PAGE[0] - MARGIN, self.bottom - 0.25 * cm)
        self._footer.drawOn(canvas, MARGIN, MARGIN * 0.6)
        canvas.setFont(FONT, 7)
        canvas.drawRightString(PAGE[0] - MARGIN, MARGIN * 0.6, self._date)
        canvas.restoreState()

    def build(self, story: list[Flowable], metadata_title: str) -> bytes:
        """Lay out ``story`` and return the PDF bytes."""
        buffer = io.BytesIO()
        doc = BaseDocTemplate(
            buffer,
            pagesize=PAGE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=PAGE[1] - self.top,
            bottomMargin=self.bottom,
            title=metadata_title,
            author="Begegnungsatlas Magdeburg",
            creator="Begegnungsatlas",
            invariant=1,
        )
        frame = Frame(
            MARGIN, self.bottom, self.frame_width, self.frame_height, id="body",
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        )  # fmt: skip
        doc.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])
        doc.build(story, canvasmaker=_NumberedCanvas)
        return buffer.getvalue()
