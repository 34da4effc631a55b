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
from geo.io.sources import ATTRIBUTION
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


_NICE_LENGTHS = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000)


def _nice_length(span_m: float, most: float = float("inf")) -> float:
    """A round scale-bar length of about a fifth of ``span_m``, at most ``most`` metres."""
    target = span_m / 5
    fitting = [v for v in _NICE_LENGTHS if v <= most] or [_NICE_LENGTHS[0]]
    return next((v for v in fitting if v >= target), fitting[-1])


def _fit(ax, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    """Show at least ``x0…x1 × y0…y1`` at an equal scale in the axes' box, centred.

    The extent grows along one axis to the box's aspect. Returns the limits set.
    """
    width_px, height_px = ax.bbox.width, ax.bbox.height
    per_px = max((x1 - x0) / width_px, (y1 - y0) / height_px)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    limits = (
        cx - per_px * width_px / 2,
        cy - per_px * height_px / 2,
        cx + per_px * width_px / 2,
        cy + per_px * height_px / 2,
    )
    ax.set_xlim(limits[0], limits[2])
    ax.set_ylim(limits[1], limits[3])
    return limits


def _furniture(ax, areas: gpd.GeoSeries, scale: float) -> list:
    """Fit the city into the map and set scale bar and north arrow where no Stadtteil is.

    The scale bar goes into the bottom-left corner, the north arrow into the top-right
    corner, each only where its box touches no Stadtteil's box (at an equal scale the map
    column leaves room beside the city, and the city's outline leaves corners free); the
    bar gets shorter to fit. Where even a short bar or the arrow does not fit, the shown
    extent grows by a strip below or above the city.
    """
    bounds = areas.bounds.to_numpy()
    cx0, cy0 = bounds[:, 0].min(), bounds[:, 1].min()
    cx1, cy1 = bounds[:, 2].max(), bounds[:, 3].max()
    pad = max(cx1 - cx0, cy1 - cy0) * 0.02
    want = [cx0 - pad, cy0 - pad, cx1 + pad, cy1 + pad]

    def free(x0: float, y0: float, x1: float, y1: float) -> bool:
        return not (
            (x0 < bounds[:, 2]) & (bounds[:, 0] < x1) & (y0 < bounds[:, 3]) & (bounds[:, 1] < y1)
        ).any()

    for _ in range(5):
        x0, y0, x1, y1 = _fit(ax, *want)
        inch = (x1 - x0) / (ax.bbox.width / ax.figure.dpi)  # data units per inch of paper
        margin, overhang = 0.1 * inch * scale, 0.25 * inch * scale  # numbers beyond the bar
        bar_h, arrow_w, arrow_h = 0.45 * inch * scale, 0.35 * inch * scale, 0.8 * inch * scale
        lengths = [v for v in reversed(_NICE_LENGTHS) if 0.4 * inch * scale <= v <= (x1 - x0) / 4]
        bx0, by0 = x0 + margin + overhang, y0 + margin
        length = next(
            (v for v in lengths if free(bx0 - overhang, by0, bx0 + v + overhang, by0 + bar_h)),
            None,
        )
        arrow = (x1 - margin - arrow_w, y1 - margin - arrow_h, x1 - margin, y1 - margin)
        if length is not None and free(*arrow):
            break
        # Strips below and above the city (a little more than needed: the scale shrinks).
        if length is None:
            want[1] = min(want[1], cy0 - 1.3 * (bar_h + 2 * margin))
        if not free(*arrow):
            want[3] = max(want[3], cy1 + 1.3 * (arrow_h + 2 * margin))
    length = length or _nice_length(x1 - x0)
    artists = _scale_bar(ax, bx0, by0, length, inch, scale)
    artists += _north_arrow(ax, x1 - margin - arrow_w / 2, y1 - margin - arrow_h, inch, scale)
    return artists


def _scale_bar(ax, x0: float, y0: float, length: float, inch: float, scale: float) -> list:
    """A two-part scale bar of ``length`` metres starting at ``(x0, y0)``.

    ``inch``: data units per inch of paper (sets bar height and type size).
    """
    bar_h = inch * 0.07 * scale
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


def _north_arrow(ax, x: float, y: float, inch: float, scale: float) -> list:
    """A north arrow whose foot is at ``(x, y)`` (data units; ``inch`` per inch of paper)."""
    size = inch * scale
    arrow = ax.add_patch(
        FancyArrow(
            x,
            y,
            0,
            size * 0.45,
            width=size * 0.06,
            head_width=size * 0.2,
            head_length=size * 0.2,
            color="black",
            zorder=10,
            length_includes_head=True,
        )
    )
    letter = ax.text(
        x,
        y + size * 0.5,
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
) -> list[tuple[int, str]]:
    """Write the area names; returns the key ``(number, name)`` of names set as numbers.

    No name overprints another, a marker (facility, site), the scale bar or the north
    arrow. A name without room inside its area stands beside it with a leader line; only
    when there is no room for that either is it replaced by a number.
    """
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
    blocked = [
        tuple(o) if isinstance(o, tuple) else tuple(o.get_window_extent(measure.renderer).extents)
        for o in obstacles
    ]
    metres_per_px = (ax.get_xlim()[1] - ax.get_xlim()[0]) / frame.width
    placements = place_labels(
        items,
        box,
        (frame.x0, frame.y0, frame.x1, frame.y1),
        obstacles=blocked,
        leader_unit=metres_per_px,
    )
    probe.remove()
    key = []
    to_data = ax.transData.inverted()
    for p in placements:
        if p.anchor is not None:  # beside its area: a thin line to the area's inner spot
            sx, sy = ax.transData.transform(p.anchor)
            ex = min(max(sx, p.box[0]), p.box[2])
            ey = min(max(sy, p.box[1]), p.box[3])
            end = to_data.transform((ex, ey))
            ax.plot(
                [p.anchor[0], end[0]], [p.anchor[1], end[1]], color="#222222",
                linewidth=0.6 * measure.fig.dpi / 100, zorder=5, gid="leader",
            )  # fmt: skip
            ax.plot(*p.anchor, marker="o", markersize=1.8, color="#222222", zorder=5)
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


def _draw_stamp(
    fig: Figure, measure: _Measure, sheet: Sheet, mx: float, my: float, scale: float
) -> float:
    """The licence stamp at the bottom, wrapped to fit beside the brand line; returns its top."""
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
    return measure.box(stamp).y1


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
    map_bottom = _draw_stamp(fig, measure, sheet, mx, my, scale) + gap

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
    # The map column keeps its size; the shown extent grows to the paper's aspect, which
    # leaves room beside the city for scale bar and north arrow.
    furniture = _furniture(ax, metric.geometry, scale)
    key = (
        _label_areas(
            ax,
            metric,
            measure,
            LABEL_SIZE * scale,
            label_priority,
            [*furniture, *_marker_boxes(ax, layers, scale)],
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
