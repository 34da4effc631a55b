"""The map widget: folium maps rendered with streamlit-folium, clicks applied once."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.io.package import DataPackage
from indicators.composite import MIN_PEOPLE
from maps.base import LabelOrder
from maps.scenario_maps import BaseData, base_data
from ui import data, presentation, shared_map, state

MAP_HEIGHT = 640


def map_options() -> dict:
    """Basemap, labels and type size for the map builders, from the sidebar and mode.

    Names are placed most residents first (latest year of the package), so a populated
    Stadtteil always gets its name before an industrial or forest area; every Stadtteil
    with enough older people to be ranked by the index is named (:func:`label_order`).
    """
    return {
        "basemap": st.session_state[state.BASEMAP],
        "labels": st.session_state[state.LABELS],
        "large": presentation.active(),
        "label_order": label_order(data.package()),
    }


@st.cache_resource(max_entries=4, show_spinner=False)
def _label_order(_package: DataPackage, version: str) -> LabelOrder:
    table = data.indicator_table(_package, max(_package.years))
    seniors = table["senioren_65plus"]
    # The Stadtteile the index ranks with its default rule carry a name on every map.
    essential = frozenset(map(str, seniors.index[seniors >= MIN_PEOPLE]))
    return LabelOrder(table["einwohner"], essential)


def label_order(pkg: DataPackage) -> LabelOrder:
    """Names by residents (the package's latest year); the ranked Stadtteile always named."""
    return _label_order(pkg, pkg.version)


def show_map(
    m: folium.Map, key: str, *, clickable: bool = False, height: int = MAP_HEIGHT
) -> dict | None:
    """Render a folium map; panning and zooming never rerun the app.

    Parameters
    ----------
    m : folium.Map
        Map from a :mod:`maps` builder.
    key : str
        Widget key.
    clickable : bool
        Return clicks (``last_clicked``); each new click reruns the app once.
    height : int
        Height in pixels.

    Returns
    -------
    dict or None
        The component's return value (only ``last_clicked`` when clickable).
    """
    if clickable:
        no_double_click_zoom(m)
    return st_folium(
        m,
        key=key,
        height=presentation.map_height(height),
        use_container_width=True,
        returned_objects=["last_clicked"] if clickable else [],
    )


def show_shared_map(
    build: Callable[[], folium.Map], cache_key: Hashable, key: str, *, height: int = MAP_HEIGHT
) -> None:
    """A map every session draws alike: built and rendered once per ``cache_key``, then shared.

    For a first page (the Übersicht) a new session then costs no map building or rendering
    (:mod:`ui.shared_map`). ``cache_key`` must name everything ``build`` reads besides
    :func:`map_options` (which is added here): the package version, the year, ….
    """
    options = map_options()
    key_with_options = (
        cache_key, options["basemap"], options["labels"], options["large"],
    )  # fmt: skip
    rendered = shared_map.rendered(key_with_options, lambda: build(**options))
    shared_map.show(rendered, key, height=presentation.map_height(height), returned_objects=[])


def no_double_click_zoom(m: folium.Map) -> None:
    """On a map whose clicks mean something, a double click must not also zoom in."""
    m.options["double_click_zoom"] = False


def show_layered_map(
    base: folium.Map,
    layers: folium.FeatureGroup,
    key: str,
    *,
    on_click=None,
    height: int = MAP_HEIGHT,
) -> dict | None:
    """A map that is created once and then only updated: zoom and pan stay.

    streamlit-folium re-creates the Leaflet map only when the base map's script changes
    (its component key is a hash of it); ``layers`` are swapped in the open map
    (``feature_group_to_add``). So the base holds what stays on the page and ``layers``
    everything that follows the planner's work.

    Parameters
    ----------
    base : folium.Map
        The part that stays (same script on every run while nothing but the layers change).
    layers : folium.FeatureGroup
        Everything else.
    key : str
        Widget key; the component's return value is also stored under it.
    on_click : callable, optional
        Called before the rerun that a click starts, with ``(lon, lat)``; a click is
        handled once, in the callback, so the page draws the new state in one run.
    height : int
        Height in pixels (in presentation mode the viewport decides, see
        :mod:`ui.presentation`).

    Returns
    -------
    dict or None
        The component's value (``last_clicked``).
    """

    def clicked() -> None:
        position = new_click(st.session_state.get(key))
        if position is not None and on_click is not None:
            on_click(*position)

    no_double_click_zoom(base)
    return st_folium(
        base,
        key=key,
        height=presentation.map_height(height),
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=layers,
        on_change=clicked if on_click is not None else None,
    )


@st.cache_resource(max_entries=4, show_spinner=False)
def _area_base(_package: DataPackage, version: str) -> BaseData:
    return base_data(_package.stadtteile)


def area_base(pkg: DataPackage) -> BaseData:
    """Stadtteile and their names for a layered map, prepared once per package."""
    return _area_base(pkg, pkg.version)


def new_click(result: dict | None) -> tuple[float, float] | None:
    """``(lon, lat)`` of a map click not handled before, else None.

    st_folium keeps returning the last click on every rerun; remembering the applied one
    lets a later choice in a list win over an old click.
    """
    click = (result or {}).get("last_clicked")
    if not click:
        return None
    position = (float(click["lng"]), float(click["lat"]))
    if st.session_state.get(state.LAST_CLICK) == position:
        return None
    st.session_state[state.LAST_CLICK] = position
    return position
