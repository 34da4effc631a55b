"""Presentation mode: large type, sidebar and editing controls hidden, maps and figures kept.

Switched on in the sidebar or with ``?praesentation=1`` in the URL (handy for a prepared
link in a Fachgespräch). Pages put controls that change the analysis into
``with presentation.editing():``; those disappear in the mode.
"""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import state

PARAM = "praesentation"
#: Height the maps are created with in the mode; ``BA.fitFrame`` (karte.js) then fits the
#: frame to the screen below the figures, keeping ``maps.base.FRAME_RESERVE_PX`` for the
#: source line under it.
MAP_HEIGHT = 760

#: Both modes: metric labels wrap instead of being cut ("Offene Begegnungsst…"); narrower
#: page margins leave the maps room for the city and its names on a 1280-pixel screen.
_BASE_CSS = """
<style>
.block-container { padding-left: 2rem !important; padding-right: 2rem !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important; }
</style>
"""

#: The mode: type sized by the screen height (15 px on a 720-pixel projector, 21 px at
#: 1080), compact figures, and the map taking the rest of the screen below them.
_CSS = """
<style>
html { font-size: clamp(15px, 1.95vh, 21px); }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] { display: none !important; }
div[class*="st-key-bearbeiten"] { display: none !important; }
[data-testid="stMetricValue"] { font-size: 1.9rem; line-height: 1.15; }
[data-testid="stMetric"] { padding: .4rem .8rem !important; }
h1 { font-size: 1.8rem !important; padding: 0 0 .15rem !important; }
h3 { font-size: 1.25rem !important; padding: .2rem 0 !important; }
.block-container { padding-top: 3.4rem; padding-bottom: 1rem; max-width: 100%; }
[data-testid="stCaptionContainer"] { font-size: .75rem; }
.st-key-praesentation_beenden { position: fixed; top: .6rem; right: 4rem; z-index: 999991;
  width: auto !important; }
.st-key-praesentation_beenden button { min-height: 2rem; padding: .1rem .8rem; }
iframe[title="streamlit_folium.st_folium"] {
  height: max(260px, calc(100vh - 420px)) !important;
}
</style>
"""


def menu_position() -> str:
    """Where the page menu goes: at the top in presentation mode (the sidebar is hidden)."""
    return "top" if active() else "sidebar"


def sync_with_url() -> None:
    """Take the mode from ``?praesentation=1``; keep the parameter while the mode is on.

    The URL wins when it names the mode. Switching pages drops the address's parameters,
    so in the mode every run puts ``?praesentation=1`` back: a reload (or a copied
    address) stays in the mode on every page.
    """
    value = st.query_params.get(PARAM)
    if value is not None:
        st.session_state[state.PRESENTATION] = value not in ("0", "false", "nein", "")
    elif active():
        st.query_params[PARAM] = "1"


def toggled() -> None:
    """Callback of the sidebar toggle: keep the URL in step (so the link can be shared)."""
    if st.session_state[state.PRESENTATION]:
        st.query_params[PARAM] = "1"
    elif PARAM in st.query_params:
        del st.query_params[PARAM]


def active() -> bool:
    """Whether presentation mode is on."""
    return bool(st.session_state.get(state.PRESENTATION))


def apply() -> None:
    """Inject the styles (and in the mode the button that ends it)."""
    st.html(_BASE_CSS)
    if not active():
        return
    st.html(_CSS)

    def leave() -> None:
        st.session_state[state.PRESENTATION] = False
        toggled()

    # In the top bar next to the page menu (fixed by the CSS above), not above the title.
    with st.container(key="praesentation_beenden"):
        st.button("Präsentation beenden", on_click=leave, icon=":material/close_fullscreen:")


@contextmanager
def editing(name: str):
    """A container for controls that are hidden in presentation mode.

    Parameters
    ----------
    name : str
        Unique on the page (it becomes the container's key and CSS class).
    """
    with st.container(key=f"bearbeiten_{name}"):
        yield


def figures_and_map() -> tuple[DeltaGenerator, DeltaGenerator]:
    """Containers for a page's key figures and its map.

    Normally the figures stand in a row above the map. On a projector the screen is wide
    and the city tall: the map takes the left three quarters at the full height of the
    screen and the figures stand beside it, so map, legend and figures fit at 1280×720.

    Returns
    -------
    figures, map_area : streamlit containers
    """
    if active():
        map_area, figures = st.columns([3, 1], gap="medium")
        return figures, map_area
    figures = st.container()
    return figures, st.container()


def figure_columns(figures: DeltaGenerator, n: int) -> list[DeltaGenerator]:
    """``n`` places for key figures: a row normally, stacked beside the map in the mode."""
    return [figures] * n if active() else figures.columns(n)


def map_height(default: int) -> int:
    """Taller maps on a projector."""
    return MAP_HEIGHT if active() else default
