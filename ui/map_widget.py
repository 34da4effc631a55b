"""The map widget: folium maps rendered with streamlit-folium, clicks applied once."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from ui import presentation, state

MAP_HEIGHT = 640


def map_options() -> dict:
    """Basemap, labels and type size for the map builders, from the sidebar and mode."""
    return {
        "basemap": st.session_state[state.BASEMAP],
        "labels": st.session_state[state.LABELS],
        "large": presentation.active(),
    }


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
    return st_folium(
        m,
        key=key,
        height=presentation.map_height(height),
        use_container_width=True,
        returned_objects=["last_clicked"] if clickable else [],
    )


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
