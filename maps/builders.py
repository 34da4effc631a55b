"""Complete maps for the pages: indicator choropleth and facility map."""

from __future__ import annotations

from collections.abc import Collection

import folium
import geopandas as gpd
import pandas as pd

from geo.analysis.barrier import Barrier
from geo.crs import to_wgs84
from geo.facilities import CATEGORIES
from indicators.format import format_value
from indicators.registry import INDICATORS, Indicator
from maps.base import LabelOrder, add_labels, add_legend, base_map
from maps.classify import Classes, classify
from maps.layers import (
    CATEGORY_STYLE,
    add_barrier,
    add_choropleth,
    add_facilities,
    barrier_legend,
)


def bounds_lonlat(areas: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """``(west, south, east, north)`` of a layer in degrees.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Any CRS.

    Returns
    -------
    tuple of float
    """
    west, south, east, north = to_wgs84(areas).total_bounds
    return float(west), float(south), float(east), float(north)


def palette_for(indicator: Indicator) -> str:
    """Warm palette where a higher value means more need, cool otherwise."""
    return "YlOrRd" if indicator.higher_means_need else "YlGnBu"


def classify_indicator(
    values: pd.Series, indicator: Indicator, k: int = 5, method: str = "quantile"
) -> Classes:
    """Classes for an indicator column with its palette and decimals.

    Parameters
    ----------
    values : pandas.Series
        Indicator values per area.
    indicator : Indicator
        Registry entry.
    k : int
        Number of classes.
    method : str
        Classification method (see :data:`maps.classify.METHODS`).

    Returns
    -------
    Classes
    """
    return classify(
        values,
        k=k,
        method=method,
        palette=palette_for(indicator),
        decimals=indicator.decimals,
        infinite_label="∞ (keine Begegnungsstätte)",
    )


def area_map(
    areas: gpd.GeoDataFrame,
    colors: pd.Series,
    tooltip: pd.DataFrame,
    legend_title: str,
    legend: list[tuple[str, str]],
    *,
    note: str | None = None,
    highlight: Collection[str] = (),
    labels: bool = True,
    label_order: LabelOrder | None = None,
    facilities: gpd.GeoDataFrame | None = None,
    basemap: bool = True,
    large: bool = False,
    layer_name: str = "Stadtteile",
    barrier: Barrier | None = None,
) -> folium.Map:
    """Areas filled with given colours, with tooltip, legend and optional facility markers.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Area polygons.
    colors : pandas.Series
        Fill colour per area id.
    tooltip : pandas.DataFrame
        Tooltip rows per area id (German labels as columns, preformatted text).
    legend_title : str
        Legend heading.
    legend : list of (colour, label)
        Legend entries.
    note : str, optional
        Small print in the legend (method, approximations).
    highlight : collection of str
        Area ids to outline.
    labels : bool
        Write the area names.
    label_order : maps.base.LabelOrder, optional
        Order in which the names are placed and which must be shown (default: by area,
        all).
    facilities : geopandas.GeoDataFrame, optional
        Meeting places to draw on top.
    basemap : bool
        Show the OpenStreetMap basemap.
    large : bool
        Larger type (presentation mode).
    layer_name : str
        Name of the area layer.
    barrier : geo.analysis.barrier.Barrier, optional
        Draw the Elbe and its crossings as a switchable layer.

    Returns
    -------
    folium.Map
    """
    m = base_map(bounds_lonlat(areas), basemap=basemap, large=large)
    add_choropleth(m, areas, colors, tooltip, name=layer_name, highlight=highlight)
    if labels:
        add_labels(m, areas, order=label_order)
    add_barrier(m, barrier)
    if facilities is not None:
        add_facilities(m, facilities, name="Begegnungsstätten", show_precision=False)
    add_legend(m, legend_title, [*legend, *barrier_legend(barrier)], note)
    return m


def indicator_map(
    areas: gpd.GeoDataFrame,
    table: pd.DataFrame,
    indicator: Indicator,
    classes: Classes,
    *,
    title: str | None = None,
    **options: object,
) -> folium.Map:
    """Choropleth of one indicator per area.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Area polygons indexed like ``table``.
    table : pandas.DataFrame
        Indicator table (``stadtteil`` plus indicator columns).
    indicator : Indicator
        The indicator to map.
    classes : Classes
        Its classification.
    title : str, optional
        Legend title (defaults to the indicator label with unit).
    **options
        Passed to :func:`area_map` (``facilities``, ``basemap``, ``labels``, ``large``,
        ``highlight``, ``note``).

    Returns
    -------
    folium.Map
    """
    tooltip = pd.DataFrame(
        {
            "Stadtteil": table["stadtteil"].astype(str),
            indicator.label: [format_value(indicator, v) for v in table[indicator.id]],
        },
        index=table.index,
    )
    if "senioren_65plus" in table and indicator.id != "senioren_65plus":
        seniors = INDICATORS["senioren_65plus"]
        tooltip[seniors.label] = [format_value(seniors, v) for v in table["senioren_65plus"]]
    return area_map(
        areas,
        classes.fill_colors(),
        tooltip,
        title or indicator.label_with_unit,
        classes.legend(),
        layer_name=indicator.label,
        **options,
    )


def facility_map(
    areas: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    *,
    basemap: bool = True,
    labels: bool = True,
    label_order: LabelOrder | None = None,
    large: bool = False,
    show_precision: bool = True,
) -> folium.Map:
    """Facilities by category over light Stadtteil outlines.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Stadtteil polygons.
    facilities : geopandas.GeoDataFrame
        Facilities to draw (rows without position are skipped).
    basemap : bool
        Show the OpenStreetMap basemap.
    labels : bool
        Write the Stadtteil names.
    label_order : maps.base.LabelOrder, optional
        Order in which the names are placed and which must be shown (default: by area,
        all).
    large : bool
        Larger type (presentation mode).
    show_precision : bool
        Draw accuracy circles (``Lage ± r m``).

    Returns
    -------
    folium.Map
    """
    m = base_map(bounds_lonlat(areas), basemap=basemap, large=large)
    add_choropleth(
        m,
        areas,
        pd.Series("#ffffff", index=areas.index),
        pd.DataFrame({"Stadtteil": areas["stadtteil"].astype(str)}, index=areas.index),
        fill_opacity=0.15,
    )
    if labels:
        add_labels(m, areas, order=label_order)
    add_facilities(m, facilities, show_precision=show_precision)
    present = [c for c in CATEGORIES if c in set(facilities["kategorie"])]
    entries = [(CATEGORY_STYLE[c][0], CATEGORIES[c]) for c in present]
    note = "Gestrichelter Rand: Betrieb unklar; blass: geschlossen. " + (
        "Kreise: ungefähre Lage (± Radius)." if show_precision else ""
    )
    add_legend(m, "Einrichtungen", entries, note.strip())
    return m
