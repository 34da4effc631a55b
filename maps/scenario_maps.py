"""Before/after map of a scenario: which cells gain or lose walking access."""

from __future__ import annotations

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.access_kernel import WalkParams
from geo.crs import to_wgs84
from indicators.format import format_number
from maps.access_maps import add_cells, add_outlines
from maps.base import add_labels, add_legend, base_map, esc
from maps.builders import bounds_lonlat
from maps.layers import add_facilities, pin_icon

#: Cell states of the before/after map (colour, legend label); Okabe-Ito colours.
CHANGE_STYLE = {
    "vorher": ("#56B4E9", "schon vorher fußläufig versorgt"),
    "neu": ("#009E73", "neu fußläufig versorgt"),
    "verloren": ("#D55E00", "nicht mehr fußläufig versorgt"),
}
NEW_SITE_COLOR = "#CC79A7"
TRANSIT_COLOR = "#F0E442"
REMOVED_COLOR = "#666666"


def change_classes(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """``"vorher"``, ``"neu"``, ``"verloren"`` or ``""`` (never covered) per cell."""
    before, after = np.asarray(before, bool), np.asarray(after, bool)
    return np.select(
        [before & after, ~before & after, before & ~after],
        ["vorher", "neu", "verloren"],
        default="",
    )


def scenario_map(
    areas: gpd.GeoDataFrame,
    cells_before: pd.DataFrame,
    cells_after: gpd.GeoDataFrame,
    squares: gpd.GeoSeries,
    sites: gpd.GeoDataFrame,
    removed: gpd.GeoDataFrame,
    params: WalkParams,
    *,
    candidates: gpd.GeoDataFrame | None = None,
    transit_gain: np.ndarray | None = None,
    transit_label: str = "",
    basemap: bool = True,
    labels: bool = True,
    large: bool = False,
) -> folium.Map:
    """Cells that are covered before and after, new and removed places with catchments.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Stadtteil polygons.
    cells_before, cells_after : pandas.DataFrame
        Analysed cells (``versorgt``, ``nachfrage``) of the base and the scenario, same rows.
    squares : geopandas.GeoSeries
        Cell squares in WGS84.
    sites : geopandas.GeoDataFrame
        Counted places of the scenario (new ones have ids ``NEU-…``).
    removed : geopandas.GeoDataFrame
        Places switched off.
    params : WalkParams
        Threshold (ring radius) and detour.
    candidates : geopandas.GeoDataFrame, optional
        Candidate places to show as small dots.
    transit_gain : numpy.ndarray, optional
        Cells that reach a place by Bus & Bahn within the threshold only with the scenario
        (the transit catchment of the new places).
    transit_label : str
        Legend text of that layer.
    basemap, labels, large : bool
        Basemap, Stadtteil names, larger type.

    Returns
    -------
    folium.Map
    """
    m = base_map(bounds_lonlat(areas), basemap=basemap, large=large)
    if transit_gain is not None and transit_gain.any():
        idx = np.flatnonzero(transit_gain)
        add_cells(
            m,
            squares.iloc[idx],
            np.full(len(idx), TRANSIT_COLOR),
            {"": [transit_label] * len(idx)},
            "Bus & Bahn: neu erreichbar",
        )
    state = change_classes(cells_before["versorgt"].to_numpy(), cells_after["versorgt"].to_numpy())
    shown = np.flatnonzero(state != "")
    features = [
        {
            "type": "Feature",
            "properties": {
                "fill": CHANGE_STYLE[state[i]][0],
                "text": f"{CHANGE_STYLE[state[i]][1]}: ca. {format_number(cells_after['nachfrage'].iloc[i], 1)}",
            },
            "geometry": shapely.geometry.mapping(squares.iloc[i]),
        }
        for i in shown
    ]
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name="Versorgung vorher/nachher",
            style_function=lambda f: {
                "fillColor": f["properties"]["fill"],
                "fillOpacity": 0.75,
                "stroke": False,
                "className": "ba-cell",
            },
            tooltip=folium.GeoJsonTooltip(fields=["text"], labels=False),
        ).add_to(m)
    add_outlines(m, areas)
    if labels:
        add_labels(m, areas)
    if candidates is not None and len(candidates):
        group = folium.FeatureGroup(name="Kandidaten")
        for name, point in zip(candidates["name"], to_wgs84(candidates).geometry, strict=True):
            folium.CircleMarker(
                [point.y, point.x], radius=4, color="#444", weight=1, fill=True, fill_color="#fff",
                fill_opacity=1, tooltip=esc(f"Kandidat: {name}"),
            ).add_to(group)  # fmt: skip
        group.add_to(m)
    new = sites[sites["id"].astype(str).str.startswith("NEU-")]
    old = sites[~sites.index.isin(new.index)]
    add_facilities(m, old, name="Bestehende Einrichtungen", show_precision=False)
    if len(removed):
        group = folium.FeatureGroup(name="Geschlossen (Szenario)")
        for name, point in zip(removed["name"], to_wgs84(removed).geometry, strict=True):
            folium.Marker(
                [point.y, point.x],
                icon=pin_icon(REMOVED_COLOR, "fa-xmark", 22),
                tooltip=esc(f"geschlossen im Szenario: {name}"),
            ).add_to(group)
        group.add_to(m)
    if len(new):
        group = folium.FeatureGroup(name="Neue Standorte")
        for name, point in zip(new["name"], to_wgs84(new).geometry, strict=True):
            folium.Circle(
                [point.y, point.x], radius=params.max_straight_m, color=NEW_SITE_COLOR, weight=2,
                dash_array="6 4", fill=False, interactive=False,
            ).add_to(group)  # fmt: skip
            folium.Marker(
                [point.y, point.x],
                icon=pin_icon(NEW_SITE_COLOR, "fa-star", 26, "ba-new"),
                tooltip=esc(f"neu: {name}"),
            ).add_to(group)
        group.add_to(m)
    entries = list(CHANGE_STYLE.values())
    entries += [
        (NEW_SITE_COLOR, "neuer Standort (Kreis: Gehdistanz)"),
        (REMOVED_COLOR, "geschlossen"),
    ]
    if transit_gain is not None:
        entries.append((TRANSIT_COLOR, transit_label))
    note = (
        f"Versorgt: höchstens {format_number(params.max_walk_m)} m Gehweg (Luftlinie × "
        f"{format_number(params.detour, 2)}). Bestehende Einrichtungen: Lage ungefähr."
    )
    add_legend(m, "Szenario: vorher / nachher", entries, note)
    return m
