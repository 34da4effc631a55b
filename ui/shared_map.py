"""Maps that every session draws alike, rendered once per package version and shared.

A room opening the link at once made every new session build the Übersicht's folium map
and let streamlit-folium render it to HTML and script (jinja templates compiled per
element) – most of a new session's server CPU. The rendered strings depend only on what the
caller names in ``cache_key`` (package version, year, sidebar options), so they are computed
once (``st.cache_resource``, read-only) and every session sends the same strings to the
component. What streamlit-folium's ``st_folium`` does per run is kept: the same component,
arguments, widget key (a hash of the script) and return value.

Only plain maps go through here (no feature group to add, no layer control); layered maps
stay with :func:`ui.map_widget.show_layered_map`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass

import branca
import folium
import streamlit as st
import streamlit_folium as sf


@dataclass(frozen=True)
class RenderedMap:
    """What the map component needs from a folium map, as sent to the browser."""

    script: str
    header: str
    html: str
    id: str
    bounds: list
    zoom: object
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def render(m: folium.Map) -> RenderedMap:
    """Render a folium map the way ``st_folium`` does (same strings, same order of steps)."""
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    try:
        bounds = m.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    css: list[str] = []
    js: list[str] = []

    def walk(element):
        if isinstance(element, branca.colormap.ColorMap):
            yield element
        if isinstance(element, folium.elements.JSCSSMixin):
            yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    for element in walk(m):
        if isinstance(element, branca.colormap.ColorMap):
            js[:0] = [
                "https://d3js.org/d3.v4.min.js",
                "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js",
            ]
        css.extend(href for _, href in getattr(element, "default_css", []))
        js.extend(src for _, src in getattr(element, "default_js", []))
    return RenderedMap(
        script=script,
        header=header,
        html=html,
        id=sf.get_full_id(m),
        bounds=bounds,
        zoom=m.options.get("zoom"),
        css_links=tuple(dict.fromkeys(css)),
        js_links=tuple(dict.fromkeys(js)),
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def _rendered(cache_key: Hashable, _build: Callable[[], folium.Map]) -> RenderedMap:
    return render(_build())


def rendered(cache_key: Hashable, build: Callable[[], folium.Map]) -> RenderedMap:
    """The rendered map for ``cache_key``; ``build`` runs only the first time.

    ``cache_key`` must name everything the map depends on (package version, year, sidebar
    options); ``build`` is called without arguments.
    """
    return _rendered(cache_key, build)


def show(
    rendered_map: RenderedMap,
    key: str,
    *,
    height: int,
    returned_objects: list[str],
) -> dict | None:
    """Send a rendered map to the map component (as ``st_folium(…, use_container_width=True)``)."""
    southwest, northeast = rendered_map.bounds
    defaults = {
        "last_clicked": None,
        "bounds": {
            "_southWest": {"lat": southwest[0], "lng": southwest[1]},
            "_northEast": {"lat": northeast[0], "lng": northeast[1]},
        },
        "zoom": rendered_map.zoom,
    }
    hash_key = sf.generate_js_hash(rendered_map.script, key, False)

    def on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=rendered_map.script,
        header=rendered_map.header,
        html=rendered_map.html,
        id=rendered_map.id,
        key=hash_key,
        height=height,
        width=None,
        returned_objects=returned_objects,
        default={k: v for k, v in defaults.items() if k in returned_objects},
        zoom=None,
        center=None,
        feature_group=None,
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(rendered_map.css_links),
        js_links=list(rendered_map.js_links),
        on_change=on_change,
        wrap_longitude=False,
    )
