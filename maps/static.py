"""Print-ready static maps (PNG and PDF, A4/A3 landscape) with matplotlib, fully offline.

Every sheet has a title, the map with Stadtteil labels, a legend with the class breaks, a
scale bar, a north arrow and the source and licence stamp with the Datenstand. The map is
drawn in EPSG:25832, so the scale bar measures true metres. No basemap tiles are fetched.

Layout is measured, not guessed: the stamp is wrapped to the sheet width at the bottom, the
map fills the left column above it, and title, subtitle, legend, number key and notes are
stacked in the right column by their rendered extents. Labels never overprint each other
(:mod:`maps.labels`).
"""

from __future__ import annotations

import io
from collections.abc import Collection
from dataclasses import dataclass, field

import geopandas as gpd
import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle
from matplotlib.transforms import Bbox

from geo.crs import METRIC_CRS
from geo.sources import ATTRIBUTION
from indicators.format import format_number
from maps.labels import place_labels

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
    kind : {"fill", "points", "rings", "lines", "outlines"}
        Polygons, point markers, circles of ``radius``, lines (e.g. the Elbe) or dashed
        polygon outlines (catchments cut at the river).
    size : float
        Marker size (points), ring radius in metres (rings) or line width (lines).
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


def _scale_bar(ax, xmin: float, ymin: float, width: float, height: float, scale: float) -> list:
    length = _nice_length(width)
    x0, y0 = xmin + width * 0.04, ymin + height * 0.04
    bar_h = height * 0.012
    artists = []
    for i in range(2):
        patch = ax.add_patch(
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
        artists.append(patch)
    text = (
        f"{format_number(length / 1000, 1 if length % 1000 else 0)} km"
        if length >= 1000
        else f"{length:.0f} m"
    )
    artists.append(ax.text(x0, y0 + bar_h * 1.8, "0", fontsize=8 * scale, ha="center", zorder=10))
    artists.append(
        ax.text(x0 + length, y0 + bar_h * 1.8, text, fontsize=8 * scale, ha="center", zorder=10)
    )
    return artists


def _north_arrow(ax, xmax: float, ymax: float, width: float, height: float, scale: float) -> list:
    x, y = xmax - width * 0.05, ymax - height * 0.14
    arrow = ax.add_patch(
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
    letter = ax.text(
        x,
        y + height * 0.095,
        "N",
        ha="center",
        va="bottom",
        fontsize=12 * scale,
        weight="bold",
        zorder=10,
        gid="north",
    )
    return [arrow, letter]


def render(
    areas: gpd.GeoDataFrame,
    colors: pd.Series,
    sheet: Sheet,
    *,
    layers: Collection[Layer] = (),
    labels: bool = True,
    highlight: Collection[str] = (),
    label_priority: pd.Series | None = None,
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
    label_priority : pandas.Series, optional
        Per area id: labels are placed in descending order (default: area).
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
    figure = sheet_figure(
        areas,
        colors,
        sheet,
        layers=layers,
        labels=labels,
        highlight=highlight,
        label_priority=label_priority,
    )
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


#: Gid of the artists a test (or a later step) needs to find again.
LABEL_GID, TITLE_GID, SUBTITLE_GID, LEGEND_GID, STAMP_GID = (
    "stadtteil-label",
    "title",
    "subtitle",
    "legend",
    "stamp",
)
#: Label size in points on A4 (scaled with the paper); one size for every label.
LABEL_SIZE = 6.5
_MARGIN_IN = 0.25  # outer margin of the sheet, inches (A4)
_GAP_IN = 0.12  # vertical gap between stacked blocks, inches (A4)


class _Measure:
    """Text extents with the renderer that will lay the figure out (display pixels)."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig
        self.renderer = FigureCanvasAgg(fig).get_renderer()

    def width(self, text: str, size: float, weight: str = "normal") -> float:
        prop = FontProperties(family=FONT, size=size, weight=weight)
        width, _h, _d = self.renderer.get_text_width_height_descent(text, prop, ismath=False)
        return width

    def wrap(self, text: str, size: float, max_px: float, weight: str = "normal") -> str:
        """Break ``text`` into lines no wider than ``max_px`` (words longer than a line are cut)."""
        lines: list[str] = []
        for paragraph in str(text).split("\n"):
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}" if line else word
                if self.width(trial, size, weight) <= max_px:
                    line = trial
                    continue
                if line:
                    lines.append(line)
                while self.width(word, size, weight) > max_px and len(word) > 1:
                    cut = len(word) - 1
                    while cut > 1 and self.width(word[:cut], size, weight) > max_px:
                        cut -= 1
                    lines.append(word[:cut])
                    word = word[cut:]
                line = word
            lines.append(line)
        return "\n".join(lines)

    def box(self, artist) -> Bbox:
        """Extent of an artist in figure fractions."""
        return artist.get_window_extent(self.renderer).transformed(self.fig.transFigure.inverted())


def _handle(entry: tuple, label: str, size: float):
    """Legend symbol: a patch for areas, a marker for points, a dashed line for rings."""
    color, kind, edge = (entry[0], "fill", "#555555") if len(entry) == 2 else (entry[0], *entry[2:])
    if kind == "points":
        return Line2D(
            [], [], marker="o", linestyle="", markersize=size * 0.8, markerfacecolor=color,
            markeredgecolor=edge if edge != "white" else "#555555", label=label,
        )  # fmt: skip
    if kind in ("rings", "outlines"):
        return Line2D([], [], color=color, linestyle="--", linewidth=1.2, label=label)
    if kind == "lines":
        return Line2D([], [], color=color, linewidth=3, label=label)
    return Patch(facecolor=color, edgecolor="#555555", label=label)


def _draw_layers(ax, layers: Collection[Layer], scale: float) -> list[tuple]:
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
        elif layer.kind == "outlines":
            frame.boundary.plot(
                ax=ax, color=layer.color, linewidth=1, linestyle="--", zorder=layer.zorder
            )
        elif layer.kind == "lines":
            frame.plot(ax=ax, color=layer.color, linewidth=layer.size, zorder=layer.zorder)
        else:
            raise ValueError(f"Unbekannte Ebenenart {layer.kind!r}.")
        if layer.label:
            color = layer.color if isinstance(layer.color, str) else "#777777"
            legend_extra.append((color, layer.label, layer.kind, layer.edge))
    return legend_extra


def _marker_boxes(ax, layers: Collection[Layer], scale: float) -> list[tuple]:
    """Display boxes of the point markers (labels should leave them visible)."""
    boxes = []
    for layer in layers:
        if layer.kind != "points" or layer.frame.empty:
            continue
        frame = layer.frame.to_crs(METRIC_CRS)
        pts = frame.geometry[frame.geometry.notna() & ~frame.geometry.is_empty]
        if pts.empty:
            continue
        r = (layer.size * scale) ** 0.5 / 2 * ax.figure.dpi / 72
        xy = ax.transData.transform(list(zip(pts.x, pts.y, strict=True)))
        boxes += [(x - r, y - r, x + r, y + r) for x, y in xy]
    return boxes


def _label_areas(
    ax,
    metric: gpd.GeoDataFrame,
    measure: _Measure,
    size: float,
    priority: pd.Series | None,
    obstacles: list,
    avoid: list[tuple],
) -> list[tuple[int, str]]:
    """Write the area names without overprinting; returns the key ``(number, name)``."""
    if priority is None:
        priority = metric.geometry.area
    order = priority.reindex(metric.index).fillna(-1).sort_values(ascending=False, kind="stable")
    items = [(nr, str(metric.at[nr, "stadtteil"]), metric.geometry[nr]) for nr in order.index]
    pad = 0.35 * size * measure.fig.dpi / 72  # the light box around the text
    probe = ax.text(0, 0, "", fontsize=size, ha="center", va="center")

    def box(text: str, x: float, y: float):
        probe.set_text(text)
        probe.set_position((x, y))
        extent = probe.get_window_extent(measure.renderer)
        return (extent.x0 - pad, extent.y0 - pad, extent.x1 + pad, extent.y1 + pad)

    frame = ax.bbox
    blocked = [tuple(a.get_window_extent(measure.renderer).extents) for a in obstacles]
    placements = place_labels(
        items, box, (frame.x0, frame.y0, frame.x1, frame.y1), obstacles=blocked, avoid=avoid
    )
    probe.remove()
    key = []
    for p in placements:
        ax.text(
            p.x,
            p.y,
            p.text,
            fontsize=size,
            ha="center",
            va="center",
            weight="bold" if p.number else "normal",
            linespacing=1.0,
            zorder=6,
            gid=LABEL_GID,
            # A light box instead of a stroke: stroked text becomes paths, and the PDF
            # would lose searchable names.
            bbox={"facecolor": "white", "alpha": 0.6, "edgecolor": "none", "pad": 0.35 * size},
        )
        if p.number:
            key.append((p.number, str(metric.at[p.key, "stadtteil"])))
    return key


class _Stack:
    """Blocks placed top-down in a column, each below the measured bottom of the last."""

    def __init__(
        self, fig: Figure, measure: _Measure, x0: float, top: float, max_px: float, gap: float
    ):
        self.fig, self.measure, self.x0, self.y = fig, measure, x0, top
        self.max_px, self.gap = max_px, gap
        self.drawn: list = []

    def add(self, artist) -> None:
        self.drawn.append(artist)
        self.y = self.measure.box(artist).y0 - self.gap

    def text(
        self, text: str, size: float, gid: str, weight: str = "normal", color: str = "#000000"
    ) -> None:
        self.add(
            self.fig.text(
                self.x0,
                self.y,
                self.measure.wrap(text, size, self.max_px, weight),
                fontsize=size,
                weight=weight,
                color=color,
                va="top",
                ha="left",
                linespacing=1.25,
                gid=gid,
            )
        )

    def clear(self) -> None:
        for artist in self.drawn:
            artist.remove()


def _panel(
    fig: Figure,
    measure: _Measure,
    sheet: Sheet,
    handles: list[tuple],
    key: list[tuple[int, str]],
    area: tuple[float, float, float, float],
    scale: float,
) -> None:
    """Title, subtitle, legend, number key and notes stacked top-down in ``area``.

    Each block starts below the measured bottom of the one before, so nothing overprints;
    if the stack is taller than the column, all sizes shrink step by step.
    """
    x0, bottom, x1, top = area
    max_px = (x1 - x0) * fig.bbox.width
    gap = _GAP_IN * scale / fig.get_figheight()
    factors = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5)
    for factor in factors:
        stack = _Stack(fig, measure, x0, top, max_px, gap)
        stack.text(sheet.title, 20 * scale * factor, TITLE_GID, weight="bold")
        if sheet.subtitle:
            stack.text(sheet.subtitle, 11 * scale * factor, SUBTITLE_GID, color="#333333")
        if handles:
            size = 10.5 * scale * factor
            label_px = max_px - 3.2 * size * fig.dpi / 72  # minus the colour patch and padding
            legend = fig.legend(
                handles=[
                    _handle(entry, measure.wrap(entry[1], size, label_px), size)
                    for entry in handles
                ],
                title=measure.wrap(sheet.legend_title, 11.5 * scale * factor, max_px) or None,
                loc="upper left",
                bbox_to_anchor=(x0, stack.y),
                borderaxespad=0,
                borderpad=0,
                fontsize=size,
                title_fontsize=11.5 * scale * factor,
                frameon=False,
                alignment="left",
            )
            legend.set_gid(LEGEND_GID)
            stack.add(legend)
        if key:
            lines = "\n".join(f"{number}  {name}" for number, name in key)
            stack.text("Nummern in der Karte:\n" + lines, 8.5 * scale * factor, "key")
        notes = " ".join(note for note in sheet.notes if note)
        if notes:
            stack.text(notes, 8.5 * scale * factor, "notes", color="#333333")
        if stack.y + gap >= bottom or factor == factors[-1]:
            return
        stack.clear()


def sheet_figure(
    areas: gpd.GeoDataFrame,
    colors: pd.Series,
    sheet: Sheet,
    *,
    layers: Collection[Layer] = (),
    labels: bool = True,
    highlight: Collection[str] = (),
    label_priority: pd.Series | None = None,
) -> Figure:
    """The figure of :func:`render` (for multi-page reports).

    Layout: the stamp (wrapped to the sheet width) at the bottom, the map in the left
    column above it, and in the right column title, subtitle, legend, number key and notes
    stacked by their measured extents. Labels are placed by :func:`maps.labels.place_labels`
    in the order of ``label_priority`` (default: area).
    """
    if sheet.paper not in PAPER:
        raise ValueError(f"Unbekanntes Papierformat {sheet.paper!r}: {', '.join(PAPER)}.")
    width, height = PAPER[sheet.paper]
    scale = width / PAPER["A4"][0]  # type grows with the paper
    fig = Figure(figsize=(width, height))
    fig.set_label(sheet.title)
    measure = _Measure(fig)
    mx, my = _MARGIN_IN * scale / width, _MARGIN_IN * scale / height
    gap = _GAP_IN * scale / height

    # Bottom: the licence stamp, wrapped so it fits beside the brand line.
    brand = fig.text(
        1 - mx, my, "Begegnungsatlas Magdeburg", fontsize=7 * scale, color="#333333",
        ha="right", va="bottom",
    )  # fmt: skip
    stamp_right = measure.box(brand).x0 - 0.02
    stamp_text = SOURCE_STAMP + (f". Datenstand: {sheet.datenstand}" if sheet.datenstand else "")
    stamp = fig.text(
        mx,
        my,
        measure.wrap(stamp_text, 7 * scale, (stamp_right - mx) * fig.bbox.width),
        fontsize=7 * scale,
        color="#333333",
        va="bottom",
        linespacing=1.2,
        gid=STAMP_GID,
    )
    map_bottom = measure.box(stamp).y1 + gap

    # Left column: the map.
    map_right = 0.655
    metric = areas.to_crs(METRIC_CRS)
    ax = fig.add_axes((mx, map_bottom, map_right - mx, 1 - my - map_bottom))
    ax.set_axis_off()
    fill = [colors.get(i, "#ffffff") for i in metric.index]
    metric.plot(ax=ax, color=fill, edgecolor="#555555", linewidth=0.5, zorder=1)
    marked = metric[metric.index.isin(list(highlight))]
    if len(marked):
        marked.boundary.plot(ax=ax, color="black", linewidth=2.2, zorder=4)
    legend_extra = _draw_layers(ax, layers, scale)
    xmin, ymin, xmax, ymax = metric.total_bounds
    pad = (xmax - xmin) * 0.03
    ax.set_xlim(xmin - pad, xmax + pad)
    ax.set_ylim(ymin - pad, ymax + pad)
    ax.set_aspect("equal")
    ax.apply_aspect()
    w, h = xmax - xmin + 2 * pad, ymax - ymin + 2 * pad
    furniture = _scale_bar(ax, xmin - pad, ymin - pad, w, h, scale)
    furniture += _north_arrow(ax, xmax + pad, ymax + pad, w, h, scale)
    key = (
        _label_areas(
            ax,
            metric,
            measure,
            LABEL_SIZE * scale,
            label_priority,
            furniture,
            _marker_boxes(ax, layers, scale),
        )
        if labels
        else []
    )

    # Right column: title, subtitle, legend, key, notes.
    _panel(
        fig,
        measure,
        sheet,
        [*sheet.legend, *legend_extra],
        key,
        (map_right + 0.025, map_bottom, 1 - mx, 1 - my),
        scale,
    )
    return fig
