"""Print maps: paper size, formats, text in the PDF, offline rendering."""

from __future__ import annotations

import io
import re

import geopandas as gpd
import pandas as pd
import pypdf
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox
from PIL import Image

from indicators.registry import INDICATORS
from indicators.table import indicator_table
from maps.builders import classify_indicator
from maps.sheets import indicator_sheet
from maps.static import (
    LABEL_GID,
    LEGEND_GID,
    SOURCE_STAMP,
    STAMP_GID,
    SUBTITLE_GID,
    TITLE_GID,
    Sheet,
    figure_bytes,
    render,
    sheet_figure,
)
from tests.report.pdftext import pages
from tests.synthetic import X0, Y0


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
    lines = [text for _box, text in pages(figure_bytes(_sheet(synthetic), "pdf"))[0]]
    text = " ".join(lines)
    for expected in [
        "Anteil 65+",
        "keine Angabe",
        "OpenStreetMap",
        "Zensus 2022",
        "KISS-MD",
        "Fahrplandaten NASA GmbH/MVB",
        "Datenstand",
    ]:
        assert expected in text, expected
    # Whole text lines: "N" of the north arrow is not the "N" in "Nord".
    for label in ["Mitte", "Nord", "Ost", "N"]:
        assert label in lines, label
    assert re.search(r"\b(500 m|1 km)\b", text)  # scale bar: the synthetic city is 2 km wide


def test_png_size_at_resolution(synthetic):
    png = figure_bytes(_sheet(synthetic), "png", dpi=100)
    image = Image.open(io.BytesIO(png))
    assert image.size == (1169, 827)
    assert image.format == "PNG"


def test_print_png_is_300_dpi(synthetic):
    from ui.printing import PRINT_DPI

    image = Image.open(io.BytesIO(figure_bytes(_sheet(synthetic), "png", dpi=PRINT_DPI)))
    assert PRINT_DPI == 300
    assert image.size == (3507, 2481)  # A4 landscape at 300 dpi
    assert round(image.info["dpi"][0]) == 300  # printers read the resolution from the file


def test_text_from_data_is_printed_literally(synthetic):
    areas = synthetic.stadtteile.copy()
    areas.loc["01", "stadtteil"] = "$\\alpha$ <script>x</script>"

    pdf = render(areas, pd.Series("#ffffff", index=areas.index), Sheet("Titel $x$"), fmt="pdf")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "$\\alpha$" in text  # no math rendering, no crash
    assert "<script>x</script>" in text  # printed as text, nothing executes in a PDF
    assert "Titel $x$" in text
    assert SOURCE_STAMP[:20] in text


def test_unknown_paper_and_format(synthetic):
    colors = pd.Series("#ffffff", index=synthetic.stadtteile.index)
    with pytest.raises(ValueError, match="Papierformat"):
        render(synthetic.stadtteile, colors, Sheet("x", paper="A0"))
    with pytest.raises(ValueError, match="Format"):
        render(synthetic.stadtteile, colors, Sheet("x"), fmt="gif")


# --- Layout: nothing overprints ------------------------------------------------------------


def _extents(fig, gid: str) -> list:
    """Window extents (display pixels) of the artists with ``gid``, after a full draw."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    return [a.get_window_extent(renderer) for a in fig.findobj(lambda a: a.get_gid() == gid)]


def _disjoint(a, b) -> bool:
    return a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0


def _on_sheet(box, fig) -> bool:
    return (
        fig.bbox.x0 <= box.x0 <= box.x1 <= fig.bbox.x1
        and fig.bbox.y0 <= box.y0 <= box.y1 <= fig.bbox.y1
    )


def _crowded(n: int = 8, size: float = 150.0) -> gpd.GeoDataFrame:
    """``n`` × ``n`` small squares with long names: not every name can fit."""
    cells = [
        (f"{i:02d}", f"Langer Stadtteilname Nummer {i}", shapely.box(x, y, x + size, y + size))
        for i, (x, y) in enumerate(
            ((X0 + c * size, Y0 + r * size) for r in range(n) for c in range(n)), start=1
        )
    ]
    frame = gpd.GeoDataFrame(
        {"stadtteil": [c[1] for c in cells]},
        geometry=[c[2] for c in cells],
        index=pd.Index([c[0] for c in cells], name="stadtteil_nr"),
        crs=25832,
    )
    return frame


@pytest.mark.parametrize("paper", ["A4", "A3"])
def test_stadtteil_labels_never_overlap_and_the_rest_are_numbered(paper):
    areas = _crowded()
    fig = sheet_figure(areas, pd.Series("#ffffff", index=areas.index), Sheet("T", paper=paper))
    boxes = _extents(fig, LABEL_GID)
    texts = [a.get_text() for a in fig.findobj(lambda a: a.get_gid() == LABEL_GID)]
    assert len(boxes) == len(texts) > 0
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert _disjoint(a, b), (a, b)
    numbers = [t for t in texts if t.isdigit()]
    assert numbers  # the crowded grid cannot hold every name
    key = next(a.get_text() for a in fig.findobj(lambda a: a.get_gid() == "key"))
    for number in numbers:
        assert re.search(rf"^{number} Langer Stadtteilname", key, re.M), number
    named = {t.replace("\n", " ") for t in texts if not t.isdigit()}
    assert len(named) + len(numbers) == len(areas)  # every area: its name or a number


def test_long_title_and_subtitle_are_stacked_not_overprinted(synthetic):
    sheet = Sheet(
        title="Fußläufige Versorgung mit Begegnungsstätten für ältere Menschen in allen Stadtteilen",
        subtitle="Ältere Menschen (65+), 31.12.2025; dick umrandet: die fünf am stärksten "
        "unterversorgten Stadtteile mit einem sehr langen Zusatz, der umbrechen muss",
        legend_title="Klasse",
        legend=[("#ff0000", "sehr hoch"), ("#00ff00", "gering")],
        notes=("Eine Anmerkung, die ebenfalls mehrere Zeilen lang ist. " * 4,),
        datenstand="Statistik 31.12.2025; Zensus 2022; Einrichtungen 2011–2026",
    )
    fig = sheet_figure(
        synthetic.stadtteile, pd.Series("#ffffff", index=synthetic.stadtteile.index), sheet
    )
    (title,), (subtitle,), (legend,) = (
        _extents(fig, TITLE_GID),
        _extents(fig, SUBTITLE_GID),
        _extents(fig, LEGEND_GID),
    )
    assert title.y0 >= subtitle.y1  # title above the subtitle, no overlap
    assert subtitle.y0 >= legend.y1
    assert "\n" in next(a.get_text() for a in fig.findobj(lambda a: a.get_gid() == TITLE_GID))
    for box in (title, subtitle, legend):
        assert _on_sheet(box, fig)


def test_legend_is_beside_the_city_and_the_stamp_fits(synthetic):
    fig = _sheet(synthetic)
    (legend,) = _extents(fig, LEGEND_GID)
    (stamp,) = _extents(fig, STAMP_GID)
    ax = fig.axes[0]
    xmin, ymin, xmax, ymax = synthetic.stadtteile.total_bounds
    (x0, y0), (x1, y1) = ax.transData.transform([(xmin, ymin), (xmax, ymax)])
    city = Bbox.from_extents(x0, y0, x1, y1)
    assert _disjoint(legend, city)
    assert _disjoint(legend, ax.get_window_extent())
    assert _on_sheet(stamp, fig)
    assert _disjoint(stamp, ax.get_window_extent())
    assert "Fahrplandaten NASA GmbH/MVB" in next(
        a.get_text() for a in fig.findobj(lambda a: a.get_gid() == STAMP_GID)
    ).replace("\n", " ")


@pytest.mark.real_data
def test_real_map_labels_do_not_overlap(real):
    from maps.sheets import residents

    areas = real.stadtteile
    fig = sheet_figure(
        areas,
        pd.Series("#ffffff", index=areas.index),
        Sheet("Unterversorgung mit Begegnungsstätten", "Ältere Menschen (65+), 31.12.2025"),
        label_priority=residents(real, max(real.years)),
    )
    boxes = _extents(fig, LABEL_GID)
    assert len(boxes) >= 35  # nearly every one of the 40 Stadtteile gets its name or number
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert _disjoint(a, b)


# --- Furniture never covers a Stadtteil; labels never cover a marker -------------------


def _polygon_boxes(fig, areas) -> list:
    ax = fig.axes[0]
    boxes = []
    for geom in areas.to_crs(25832).geometry:
        x0, y0, x1, y1 = geom.bounds
        (a, b), (c, d) = ax.transData.transform([(x0, y0), (x1, y1)])
        boxes.append(Bbox.from_extents(a, b, c, d))
    return boxes


def _furniture_boxes(fig) -> list:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    north = [a for a in ax.texts if a.get_gid() == "north"]
    bars = [p for p in ax.patches if p.get_zorder() == 10]  # scale bar and arrow
    numbers = [t for t in ax.texts if t.get_zorder() == 10 and t.get_gid() != "north"]
    return [a.get_window_extent(renderer) for a in [*north, *bars, *numbers]]


def _print_sheets(pkg):
    """Every print map the app offers, for ``pkg`` (with a scenario for the scenario sheet)."""
    from maps.sheets import (
        coverage_sheet,
        scenario_sheet,
        underserved_sheet,
        walk_time_sheet,
    )
    from scenarios.evaluation import compute
    from scenarios.model import Assumptions, NewSite, Overlay, Scenario

    year = max(pkg.years)
    res = compute(pkg, Scenario(assumptions=Assumptions(year=year, min_people=100)), draws=0)
    before = res.before
    label = before.target.label
    table = indicator_table(pkg, year)
    ind = INDICATORS["anteil_65plus"]
    center = pkg.stadtteile.to_crs(25832).geometry.union_all().representative_point()
    site = NewSite("Neu", *gpd.GeoSeries([center], crs=25832).to_crs(4326).iloc[0].coords[0])
    ev = compute(
        pkg,
        Scenario(
            assumptions=Assumptions(year=year, min_people=100), overlay=Overlay(added=(site,))
        ),
        draws=0,
    )
    return {
        "indikator": indicator_sheet(pkg, table, ind, classify_indicator(table[ind.id], ind), year),
        "unterversorgung": underserved_sheet(pkg, res.ranking_before, before.sites, label, year),
        "versorgung": coverage_sheet(
            pkg, before.coverage, before.sites, before.params, label, year
        ),
        "gehzeit": walk_time_sheet(pkg, before.cells, before.sites, before.params, label, year),
        "szenario": scenario_sheet(
            pkg,
            ev.before.cells,
            ev.after.cells,
            ev.after.sites,
            pkg.einrichtungen.iloc[:0],
            ev.after.params,
            "Szenario",
            year,
        ),
    }


def _check_sheet(fig, areas) -> None:
    furniture = _furniture_boxes(fig)
    assert len(furniture) >= 4  # two bar halves, two numbers, arrow, "N"
    for box in furniture:
        assert _on_sheet(box, fig)
        for area in _polygon_boxes(fig, areas):
            assert _disjoint(box, area), (box, area)
    labels = _extents(fig, LABEL_GID)
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert _disjoint(a, b)


def test_furniture_never_covers_a_stadtteil_on_any_print_map(synthetic):
    for fig in _print_sheets(synthetic).values():
        _check_sheet(fig, synthetic.stadtteile)


@pytest.mark.real_data
def test_real_print_maps_keep_scale_bar_and_arrow_off_the_city(real):
    for fig in _print_sheets(real).values():
        _check_sheet(fig, real.stadtteile)
