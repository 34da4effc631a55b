"""Print maps: paper size, formats, text in the PDF, offline rendering."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from PIL import Image

from indicators.registry import INDICATORS
from indicators.table import indicator_table
from maps.builders import classify_indicator
from maps.sheets import indicator_sheet
from maps.static import SOURCE_STAMP, Sheet, figure_bytes, render


def _sheet(synthetic, paper="A4"):
    table = indicator_table(synthetic, 2025)
    ind = INDICATORS["anteil_65plus"]
    return indicator_sheet(
        synthetic, table, ind, classify_indicator(table[ind.id], ind), 2025, paper=paper
    )


@pytest.mark.parametrize(("paper", "points"), [("A4", (842, 595)), ("A3", (1191, 842))])
def test_pdf_is_one_landscape_page_of_the_paper_size(synthetic, paper, points):
    pdf = pypdf.PdfReader(io.BytesIO(figure_bytes(_sheet(synthetic, paper), "pdf")))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points


def test_pdf_text_has_title_legend_labels_and_licence(synthetic):
    text = (
        pypdf.PdfReader(io.BytesIO(figure_bytes(_sheet(synthetic), "pdf"))).pages[0].extract_text()
    )
    for expected in [
        "Anteil 65+",
        "Mitte",
        "Nord",
        "keine Angabe",
        "N",
        "OpenStreetMap",
        "Zensus 2022",
        "KISS-MD",
        "Datenstand",
    ]:
        assert expected in text, expected
    assert re.search(r"\b500 m\b", text)  # scale bar: the synthetic city is 2 km wide


def test_png_size_at_resolution(synthetic):
    png = figure_bytes(_sheet(synthetic), "png", dpi=100)
    image = Image.open(io.BytesIO(png))
    assert image.size == (1169, 827)
    assert image.format == "PNG"


def test_text_from_data_is_printed_literally(synthetic):
    areas = synthetic.stadtteile.copy()
    areas.loc["01", "stadtteil"] = "$\\alpha$ <script>x</script>"
    import pandas as pd

    pdf = render(areas, pd.Series("#ffffff", index=areas.index), Sheet("Titel $x$"), fmt="pdf")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "$\\alpha$" in text  # no math rendering, no crash
    assert "<script>x</script>" in text  # printed as text, nothing executes in a PDF
    assert "Titel $x$" in text
    assert SOURCE_STAMP[:20] in text


def test_unknown_paper_and_format(synthetic):
    import pandas as pd

    colors = pd.Series("#ffffff", index=synthetic.stadtteile.index)
    with pytest.raises(ValueError, match="Papierformat"):
        render(synthetic.stadtteile, colors, Sheet("x", paper="A0"))
    with pytest.raises(ValueError, match="Format"):
        render(synthetic.stadtteile, colors, Sheet("x"), fmt="gif")
