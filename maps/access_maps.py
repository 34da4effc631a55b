"""Maps of the accessibility analysis: walking time on the 100 m grid, under-served classes."""

from __future__ import annotations

import itertools

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.analysis.access_kernel import WalkParams
from geo.crs import ZENSUS_CRS, to_wgs84
from indicators.composite import CLASS_LABELS, CLASS_NOTE, shared_rank_text
from indicators.format import format_number, format_short
from maps.base import LabelOrder, add_labels, add_legend, base_map, esc
from maps.builders import area_map, bounds_lonlat
from maps.classify import MISSING_COLOR
from maps.layers import (
    STADTTEIL_CLASS,
    add_barrier,
    add_facilities,
    add_reach,
    barrier_legend,
)

#: Upper bounds (minutes) of the walking-time classes; the last class is open.
TIME_BREAKS_MIN = (5, 10, 15, 20, 30)
#: ColorBrewer YlOrRd, 6 classes: short walk light, long walk dark.
TIME_COLORS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")
#: Under-served classes 1 (sehr hoch) … 4 (gering): ColorBrewer Reds, darkest = most need.
CLASS_COLORS = ("#cb181d", "#fb6a4a", "#fcae91", "#fee5d9")


def time_class_labels() -> list[str]:
    """Legend labels of the walking-time classes."""
    inner = [f"{lo}–{hi} min" for lo, hi in itertools.pairwise(TIME_BREAKS_MIN)]
    return [f"bis {TIME_BREAKS_MIN[0]} min", *inner, f"über {TIME_BREAKS_MIN[-1]} min"]


def time_colors(minutes: np.ndarray) -> np.ndarray:
    """Class colour per walking time (NaN/inf beyond the last class)."""
    idx = np.searchsorted(np.asarray(TIME_BREAKS_MIN, dtype=float), minutes, side="left")
    return np.asarray(TIME_COLORS)[np.clip(idx, 0, len(TIME_COLORS) - 1)]


def cell_squares(cells: pd.DataFrame) -> gpd.GeoSeries:
    """The 100 m squares of grid cells (from their EPSG:3035 bounds) in WGS84.

    Parameters
    ----------
    cells : pandas.DataFrame
        Cells with ``xmin``, ``ymin``, ``xmax``, ``ymax`` in EPSG:3035.

    Returns
    -------
    geopandas.GeoSeries
        Polygons in EPSG:4326 (coordinates rounded to 1e-5°), same index.
    """
    boxes = shapely.box(cells["xmin"], cells["ymin"], cells["xmax"], cells["ymax"])
    wgs = gpd.GeoSeries(boxes, index=cells.index, crs=ZENSUS_CRS).to_crs(4326)
    # 5 decimals of a degree ≈ 1 m: plenty for 100 m cells, and half the map payload.
    return gpd.GeoSeries(shapely.set_precision(wgs.values, 1e-5), index=wgs.index, crs=wgs.crs)


def add_cells(
    m: folium.Map,
    squares: gpd.GeoSeries,
    fills: np.ndarray,
    tooltip: dict[str, list[str]],
    name: str,
) -> None:
    """Grid cells as filled squares with a tooltip table (labels → text per cell, escaped).

    Parameters
    ----------
    m : folium.Map
        Target map.
    squares : geopandas.GeoSeries
        Cell squares in WGS84 (:func:`cell_squares`).
    fills : numpy.ndarray
        Fill colour per cell.
    tooltip : dict of str to list of str
        Tooltip rows: label → one text per cell.
    name : str
        Layer name.
    """
    labels = list(tooltip)
    features = [
        {
            "type": "Feature",
            "properties": {
                "fill": fill,
                **{f"f{k}": esc(tooltip[label][i]) for k, label in enumerate(labels)},
            },
            "geometry": shapely.geometry.mapping(square),
        }
        for i, (fill, square) in enumerate(zip(fills, squares, strict=True))
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=name,
        style_function=lambda f: {
            "fillColor": f["properties"]["fill"],
            "fillOpacity": 0.8,
            "stroke": False,
            "className": "ba-cell",
        },
        tooltip=folium.GeoJsonTooltip(
            fields=[f"f{k}" for k in range(len(labels))],
            aliases=[esc(label) for label in labels],
            sticky=True,
        ),
    ).add_to(m)


def transit_time_map(
    areas: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame,
    squares: gpd.GeoSeries,
    minutes: np.ndarray,
    walk_minutes: np.ndarray,
    sites: gpd.GeoDataFrame,
    stops: gpd.GeoDataFrame,
    note: str,
    *,
    basemap: bool = True,
    labels: bool = True,
    label_order: LabelOrder | None = None,
    large: bool = False,
) -> folium.Map:
    """Median door-to-door minutes by walking and tram/bus from every populated cell.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Stadtteil polygons (outlines).
    cells : geopandas.GeoDataFrame
        Cells with ``nachfrage``.
    squares : geopandas.GeoSeries
        Cell squares in WGS84.
    minutes, walk_minutes : numpy.ndarray
        Median minutes with Bus & Bahn, and walking only.
    sites : geopandas.GeoDataFrame
        Meeting places.
    stops : geopandas.GeoDataFrame
        Stops of the timetable (small grey dots).
    note : str
        Legend note (assumptions, day and window).
    basemap, labels, large : bool
        Basemap, names, larger type.
    label_order : maps.base.LabelOrder, optional
        Order in which the names are placed and which must be shown (default: by area,
        all).

    Returns
    -------
    folium.Map
    """
    m = base_map(bounds_lonlat(areas), basemap=basemap, large=large)
    add_cells(
        m,
        squares.reindex(cells.index),
        np.where(cells["nachfrage"].isna(), MISSING_COLOR, time_colors(minutes)),
        {
            "Bus & Bahn (Median)": [
                f"{format_number(t)} min" if np.isfinite(t) else "nicht erreichbar" for t in minutes
            ],
            "nur zu Fuß": [
                f"{format_number(t)} min" if np.isfinite(t) else "–" for t in walk_minutes
            ],
        },
        "Reisezeit mit Bus & Bahn",
    )
    add_outlines(m, areas)
    if labels:
        add_labels(m, areas, order=label_order)
    # One GeoJSON layer instead of a marker per stop: a much smaller page.
    points = [{"type": "Point", "coordinates": [round(p.x, 5), round(p.y, 5)]} for p in to_wgs84(stops).geometry]  # fmt: skip
    folium.GeoJson(
        {"type": "GeometryCollection", "geometries": points},
        name="Haltestellen",
        marker=folium.CircleMarker(
            radius=2, color="#555", weight=1, fill=True, fill_opacity=0.8, interactive=False
        ),
    ).add_to(m)
    add_facilities(m, sites, name="Begegnungsstätten", show_precision=False)
    entries = list(zip(TIME_COLORS, time_class_labels(), strict=True))
    entries.append((MISSING_COLOR, "Zahl nicht veröffentlicht"))
    add_legend(m, "Reisezeit zur nächsten Einrichtung (zu Fuß + Bus & Bahn)", entries, note)
    return m


def add_outlines(m: folium.Map, areas: gpd.GeoDataFrame) -> None:
    """Stadtteil boundaries as thin lines that do not catch the mouse."""
    wgs = to_wgs84(areas)
    features = [
        {"type": "Feature", "properties": {"area_id": esc(i)}, "geometry": g.__geo_interface__}
        for i, g in zip(wgs.index, wgs.geometry, strict=True)
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name="Stadtteilgrenzen",
        style_function=lambda f: {
            "fill": False,
            "color": "#333",
            "weight": 1.2,
            "className": f"{STADTTEIL_CLASS} ba-area-{f['properties']['area_id']}",
        },
        interactive=False,
    ).add_to(m)


def walk_time_map(
    areas: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame,
    squares: gpd.GeoSeries,
    sites: gpd.GeoDataFrame,
    params: WalkParams,
    noun: str,
    *,
    basemap: bool = True,
    labels: bool = True,
    label_order: LabelOrder | None = None,
    large: bool = False,
    rings: bool = True,
    show_precision: bool = False,
) -> folium.Map:
    """Walking time from every populated 100 m cell to the nearest meeting place.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Stadtteil polygons (outlines).
    cells : geopandas.GeoDataFrame
        Cells with ``nachfrage``, ``gehweg_m``, ``gehzeit_min``, ``gehweg_min_m``,
        ``gehweg_max_m`` (see :func:`geo.analysis.access_adapter.analyse`).
    squares : geopandas.GeoSeries
        The cells' squares in WGS84 (:func:`cell_squares`), same index.
    sites : geopandas.GeoDataFrame
        Located meeting places.
    params : WalkParams
        Threshold (for the catchment rings), detour and pace (for the legend).
    noun : str
        Target group in the tooltip ("Älteren (65+)").
    basemap, labels, large : bool
        Basemap, Stadtteil names, larger type.
    label_order : maps.base.LabelOrder, optional
        Order in which the names are placed and which must be shown (default: by area,
        all).
    rings : bool
        Draw the walking catchment (threshold) around each site.
    show_precision : bool
        Draw each site's position uncertainty.

    Returns
    -------
    folium.Map
    """
    m = base_map(bounds_lonlat(areas), basemap=basemap, large=large)
    colors = time_colors(cells["gehzeit_min"].to_numpy())
    add_cells(
        m,
        squares.reindex(cells.index),
        np.where(cells["nachfrage"].isna(), MISSING_COLOR, colors),
        _walk_time_tooltips(cells, noun),
        "Gehzeit im 100-m-Gitter",
    )
    add_outlines(m, areas)
    if labels:
        add_labels(m, areas, order=label_order)
    if rings and len(sites):
        _add_catchments(m, sites, params)
    add_barrier(m, params.barrier)
    add_facilities(m, sites, name="Begegnungsstätten", show_precision=show_precision)
    _add_walk_time_legend(m, params)
    return m


def _walk_time_tooltips(cells: gpd.GeoDataFrame, noun: str) -> dict[str, list[str]]:
    """Tooltip lines of the walking-time cells: way and time, its range, the people."""
    reachable = np.isfinite(cells["gehweg_m"].to_numpy())
    return {
        "Gehweg": [
            f"≈ {format_number(w)} m ({format_number(t)} min)" if ok else "keine Einrichtung"
            for w, t, ok in zip(cells["gehweg_m"], cells["gehzeit_min"], reachable, strict=True)
        ],
        "Spanne (Lage ± r)": [
            f"{format_number(lo)}–{format_number(hi)} m" if ok else "–"
            for lo, hi, ok in zip(
                cells["gehweg_min_m"], cells["gehweg_max_m"], reachable, strict=True
            )
        ],
        noun: [f"ca. {format_number(p, 1)}" for p in cells["nachfrage"]],
    }


def _add_catchments(m: folium.Map, sites: gpd.GeoDataFrame, params: WalkParams) -> None:
    """The walking catchment of each site: outlines over the bridges, or plain circles."""
    if params.barrier is not None:
        add_reach(m, sites, params)
        return
    group = folium.FeatureGroup(name="Einzugsbereiche")
    for point in to_wgs84(sites).geometry:
        folium.Circle(
            [point.y, point.x],
            radius=params.max_straight_m,
            color="#0072B2",
            weight=2,
            fill=False,
            dash_array="6 4",
            interactive=False,
        ).add_to(group)
    group.add_to(m)


def _add_walk_time_legend(m: folium.Map, params: WalkParams) -> None:
    """Legend of the walking-time map: the time classes and how the way is measured."""
    entries = list(zip(TIME_COLORS, time_class_labels(), strict=True))
    entries.append((MISSING_COLOR, "Zahl nicht veröffentlicht"))
    note = (
        f"Gehweg = {params.label} (Umwegfaktor {format_short(params.detour)}), Gehtempo "
        f"{format_short(params.speed_mps)} m/s. {'Umrisse' if params.barrier else 'Kreise'}: "
        f"{format_number(params.max_walk_m)} m Gehweg (≈ {format_number(params.max_straight_m)} m "
        "Luftlinie). Einrichtungslagen ungefähr."
    )
    entries += barrier_legend(params.barrier)
    add_legend(m, "Gehzeit zur nächsten Einrichtung", entries, note)


def class_styling(
    areas: gpd.GeoDataFrame, ranking: pd.DataFrame, top: int = 5, selected: str | None = None
) -> dict:
    """Colours, tooltips, outlined areas and legend of the under-served classes.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Polygons.
    ranking : pandas.DataFrame
        Output of :func:`indicators.composite.underserved`.
    top : int
        How many of the most under-served areas to outline.
    selected : str, optional
        Also outline this area.

    Returns
    -------
    dict
        ``colors``, ``tooltip``, ``highlight``, ``legend_title``, ``legend``, ``note``.
    """
    klasse = ranking["klasse"].reindex(areas.index)
    colors = pd.Series(
        [CLASS_COLORS[int(k) - 1] if pd.notna(k) else MISSING_COLOR for k in klasse],
        index=areas.index,
    )
    r = ranking.reindex(areas.index)
    tooltip = pd.DataFrame(
        {
            "Stadtteil": areas["stadtteil"].astype(str),
            "Rang": [
                f"{shared_rank_text(a, b)} ({format_number(lo)}–{format_number(hi)})"
                if pd.notna(v)
                else "nicht gerankt"
                for v, a, b, lo, hi in zip(
                    r["rang"],
                    r["rang_von"],
                    r["rang_bis"],
                    r["rang_p05"],
                    r["rang_p95"],
                    strict=True,
                )
            ],
            "Unterversorgung": [t or g for t, g in zip(r["klasse_text"], r["grund"], strict=True)],
            "Index": [format_number(v, 1, missing="–") for v in r["index"]],
        },
        index=areas.index,
    )
    ranked = ranking[ranking["gerankt"]].sort_values("rang")
    marked = set(ranked.index[:top]) | ({selected} if selected else set())
    legend = list(zip(CLASS_COLORS, CLASS_LABELS, strict=True))
    if (~ranking["gerankt"]).any():
        legend.append((MISSING_COLOR, "nicht gerankt"))
    return {
        "colors": colors,
        "tooltip": tooltip,
        "highlight": marked,
        "legend_title": "Unterversorgung (Klasse)",
        "legend": legend,
        "note": f"Dick umrandet: die {top} am stärksten unterversorgten Stadtteile. {CLASS_NOTE}.",
    }


def class_map(
    areas: gpd.GeoDataFrame,
    ranking: pd.DataFrame,
    *,
    top: int = 5,
    selected: str | None = None,
    sites: gpd.GeoDataFrame | None = None,
    basemap: bool = True,
    labels: bool = True,
    label_order: LabelOrder | None = None,
    large: bool = False,
) -> folium.Map:
    """Under-served classes per Stadtteil; the ``top`` ranks are outlined.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Stadtteil polygons.
    ranking : pandas.DataFrame
        Output of :func:`indicators.composite.underserved`.
    top : int
        How many of the most under-served Stadtteile to outline.
    selected : str, optional
        Also outline this Stadtteil.
    sites : geopandas.GeoDataFrame, optional
        Meeting places to show.
    basemap, labels, large : bool
        Basemap, names, larger type.
    label_order : maps.base.LabelOrder, optional
        Order in which the names are placed and which must be shown (default: by area,
        all).

    Returns
    -------
    folium.Map
    """
    style = class_styling(areas, ranking, top, selected)
    return area_map(
        areas,
        style["colors"],
        style["tooltip"],
        style["legend_title"],
        style["legend"],
        note=style["note"],
        highlight=style["highlight"],
        labels=labels,
        label_order=label_order,
        facilities=sites,
        basemap=basemap,
        large=large,
        layer_name="Unterversorgung",
    )
