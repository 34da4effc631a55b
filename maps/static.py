"""Print-ready static maps (PNG and PDF, A4/A3 landscape) with matplotlib, fully offline.

Every sheet has a title, the map with Stadtteil labels, a legend with the class breaks, a
scale bar, a north arrow and the source and licence stamp with the Datenstand. The map is
drawn in EPSG:25832, so the scale bar measures true metres. No basemap tiles are fetched.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Collection
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrow, Patch, Rectangle

from geo.crs import METRIC_CRS
from geo.sources import ATTRIBUTION
from indicators.format import format_number

#: Paper sizes in inches (landscape).
PAPER = {"A4": (11.69, 8.27), "A3": (16.54, 11.69)}
#: Stamp required by the licences, printed on every sheet.
SOURCE_STAMP = f"Quellen: {ATTRIBUTION}"
FONT = "DejaVu Sans"  # ships with matplotlib: umlauts everywhere, no system fonts needed

# Figures are built with the object API (no pyplot state), so rendering is thread-safe.
matplotlib.rcParams.update(
    {
        "font.family": FONT,
        "pdf.fonttype": 42,  # embed TrueType: text stays selectable and searchable in the PDF
        "ps.fonttype": 42,
        # Names from data are printed literally: "$x$" must never become math (or an error).
        "text.parse_math": False,
    }
)


@dataclass(frozen=True)
class Layer:
    """Something to draw on the map.

    Attributes
    ----------
    frame : geopandas.GeoDataFrame
        Geometries (any CRS; reprojected to EPSG:25832).
    color : str or pandas.Series
        Fill colour, or one per row.
    kind : {"fill", "points", "rings"}
        Polygons, point markers or circles of ``radius``.
    size : float
        Marker size (points) or ring radius in metres (rings).
    edge : str
        Edge colour.
    label : str
        Legend entry ("" = none).
    zorder : int
        Drawing order.
    """

    frame: gpd.GeoDataFrame
    color: str | pd.Series = "#0072B2"
    kind: str = "fill"
    size: float = 40.0
    edge: str = "white"
    label: str = ""
    zorder: int = 3


@dataclass(frozen=True)
class Sheet:
    """One printed map.

    Attributes
    ----------
    title : str
        Large heading.
    subtitle : str
        Second line (year, assumptions).
    legend_title : str
        Heading of the legend.
    legend : list of (colour, label)
        Class breaks or categories.
    datenstand : str
        Shown in the stamp (e.g. "Statistik 31.12.2025, Einrichtungen Stand 2026").
    notes : tuple of str
        Small print (approximations, method).
    paper : {"A4", "A3"}
        Paper size (landscape).
    """

    title: str
    subtitle: str = ""
    legend_title: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)
    datenstand: str = ""
    notes: tuple[str, ...] = ()
    paper: str = "A4"


def _nice_length(span_m: float) -> float:
    """A round scale-bar length of about a fifth of the map width."""
    target = span_m / 5
    for value in (100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000):
        if value >= target:
            return value
    return 50000


def _scale_bar(ax, xmin: float, ymin: float, width: float, height: float, scale: float) -> None:
    length = _nice_length(width)
    x0, y0 = xmin + width * 0.04, ymin + height * 0.04
    bar_h = height * 0.012
    for i in range(2):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / 2, y0),
                length / 2,
                bar_h,
                facecolor="black" if i == 0 else "white",
                edgecolor="black",
                lw=0.8,
                zorder=10,
            )
        )
    text = (
        f"{format_number(length / 1000, 1 if length % 1000 else 0)} km"
        if length >= 1000
        else f"{length:.0f} m"
    )
    ax.text(x0, y0 + bar_h * 1.8, "0", fontsize=8 * scale, ha="center", zorder=10)
    ax.text(x0 + length, y0 + bar_h * 1.8, text, fontsize=8 * scale, ha="center", zorder=10)


def _north_arrow(ax, xmax: float, ymax: float, width: float, height: float, scale: float) -> None:
    x, y = xmax - width * 0.05, ymax - height * 0.14
    ax.add_patch(
        FancyArrow(
            x,
            y,
            0,
            height * 0.08,
            width=width * 0.012,
            head_width=width * 0.035,
            head_length=height * 0.035,
            color="black",
            zorder=10,
            length_includes_head=True,
        )
    )
    ax.text(
        x,
        y + height * 0.095,
        "N",
        ha="center",
        va="bottom",
        fontsize=12 * scale,
        weight="bold",
        zorder=10,
    )


def render(
    areas: gpd.GeoDataFrame,
    colors: pd.Series,
    sheet: Sheet,
    *,
    layers: Collection[Layer] = (),
    labels: bool = True,
    highlight: Collection[str] = (),
    fmt: str = "png",
    dpi: int = 200,
) -> bytes:
    """Render a map sheet to PNG or PDF bytes.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Area polygons with a ``stadtteil`` name column (any CRS).
    colors : pandas.Series
        Fill colour per area id (areas without a colour are drawn white).
    sheet : Sheet
        Title, legend, notes, paper size.
    layers : collection of Layer
        Extra layers (grid cells, facilities, catchments) drawn over the areas.
    labels : bool
        Write area names.
    highlight : collection of str
        Area ids with a thick outline.
    fmt : {"png", "pdf"}
        Output format.
    dpi : int
        Resolution of PNG output.

    Returns
    -------
    bytes
        The image or one-page PDF.

    Raises
    ------
    ValueError
        On an unknown paper size or format.
    """
    figure = sheet_figure(areas, colors, sheet, layers=layers, labels=labels, highlight=highlight)
    return figure_bytes(figure, fmt, dpi)


def figure_bytes(figure: Figure, fmt: str = "png", dpi: int = 200) -> bytes:
    """Serialise a figure to PNG or PDF bytes."""
    if fmt not in ("png", "pdf"):
        raise ValueError(f"Unbekanntes Format {fmt!r}: 'png' oder 'pdf'.")
    buffer = io.BytesIO()
    metadata = {
        "Title": figure.get_label() or "Begegnungsatlas Magdeburg",
        "Creator": "Begegnungsatlas",
    }
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata if fmt == "pdf" else None)
    return buffer.getvalue()


def sheet_figure(
    areas: gpd.GeoDataFrame,
    colors: pd.Series,
    sheet: Sheet,
    *,
    layers: Collection[Layer] = (),
    labels: bool = True,
    highlight: Collection[str] = (),
) -> Figure:
    """The figure of :func:`render` (for multi-page reports)."""
    if sheet.paper not in PAPER:
        raise ValueError(f"Unbekanntes Papierformat {sheet.paper!r}: {', '.join(PAPER)}.")
    width, height = PAPER[sheet.paper]
    scale = width / PAPER["A4"][0]  # type grows with the paper
    fig = Figure(figsize=(width, height))
    fig.set_label(sheet.title)
    metric = areas.to_crs(METRIC_CRS)
    ax = fig.add_axes((0.02, 0.09, 0.64, 0.80))
    ax.set_axis_off()
    fill = [colors.get(i, "#ffffff") for i in metric.index]
    metric.plot(ax=ax, color=fill, edgecolor="#555555", linewidth=0.5, zorder=1)
    marked = metric[metric.index.isin(list(highlight))]
    if len(marked):
        marked.boundary.plot(ax=ax, color="black", linewidth=2.2, zorder=4)
    legend_extra = []
    for layer in layers:
        frame = layer.frame.to_crs(METRIC_CRS)
        if frame.empty:
            continue
        if layer.kind == "fill":
            frame.plot(ax=ax, color=layer.color, linewidth=0, zorder=layer.zorder)
        elif layer.kind == "points":
            frame.plot(
                ax=ax,
                color=layer.color,
                markersize=layer.size * scale,
                edgecolor=layer.edge,
                linewidth=0.8,
                zorder=layer.zorder,
            )
        elif layer.kind == "rings":
            frame.buffer(layer.size).boundary.plot(
                ax=ax, color=layer.color, linewidth=1, linestyle="--", zorder=layer.zorder
            )
        else:
            raise ValueError(f"Unbekannte Ebenenart {layer.kind!r}.")
        if layer.label:
            legend_extra.append(
                (layer.color if isinstance(layer.color, str) else "#777777", layer.label)
            )
    if labels:
        for point, name in zip(metric.representative_point(), metric["stadtteil"], strict=True):
            ax.text(
                point.x,
                point.y,
                str(name),
                fontsize=5.5 * scale,
                ha="center",
                va="center",
                zorder=6,
                # A light box instead of a stroke: stroked text becomes paths, and the PDF
                # would lose searchable names.
                bbox={"facecolor": "white", "alpha": 0.55, "edgecolor": "none", "pad": 0.4},
            )
    xmin, ymin, xmax, ymax = metric.total_bounds
    pad = (xmax - xmin) * 0.03
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    w, h = xmax - xmin + 2 * pad, ymax - ymin + 2 * pad
    _scale_bar(ax, xmin - pad, ymin - pad, w, h, scale)
    _north_arrow(ax, xmax + pad, ymax + pad, w, h, scale)

    # Right panel: title, legend, notes.
    fig.text(0.68, 0.93, sheet.title, fontsize=20 * scale, weight="bold", va="top", wrap=True)
    if sheet.subtitle:
        fig.text(
            0.68, 0.86, sheet.subtitle, fontsize=11 * scale, va="top", color="#333333", wrap=True
        )
    handles = [
        Patch(facecolor=c, edgecolor="#555555", label=label)
        for c, label in [*sheet.legend, *legend_extra]
    ]
    if handles:
        fig.legend(
            handles=handles,
            title=sheet.legend_title,
            loc="upper left",
            bbox_to_anchor=(0.68, 0.80),
            fontsize=11 * scale,
            title_fontsize=12 * scale,
            frameon=False,
            alignment="left",
        )
    notes = "\n".join(line for note in sheet.notes for line in textwrap.wrap(note, 62))
    if notes:
        fig.text(0.68, 0.30, notes, fontsize=8.5 * scale, va="top", color="#333333")
    stamp = SOURCE_STAMP + (f". Datenstand: {sheet.datenstand}" if sheet.datenstand else "")
    fig.text(0.02, 0.035, stamp, fontsize=7 * scale, color="#333333", wrap=True)
    fig.text(
        0.98, 0.035, "Begegnungsatlas Magdeburg", fontsize=7 * scale, color="#333333", ha="right"
    )
    return fig
