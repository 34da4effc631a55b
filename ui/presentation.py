"""Presentation mode: large type, sidebar and editing controls hidden, maps and figures kept.

Switched on in the sidebar or with ``?praesentation=1`` in the URL (handy for a prepared
link in a Fachgespräch). Pages put controls that change the analysis into
``with presentation.editing():``; those disappear in the mode.
"""

from __future__ import annotations

from contextlib import contextmanager

import streamlit as st

from ui import state

PARAM = "praesentation"
MAP_HEIGHT = 760
#: Space above and below a map in presentation mode (menu, title, key figures, source line):
#: the map takes the rest of the screen, so map, legend and figures fit without scrolling.
MAP_OFFSET_PX = 440

_CSS = f"""
<style>
html {{ font-size: 21px; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] {{ display: none !important; }}
div[class*="st-key-bearbeiten"] {{ display: none !important; }}
[data-testid="stMetricValue"] {{ font-size: 2.2rem; }}
h1 {{ font-size: 2rem !important; padding: 0 0 .3rem !important; }}
.block-container {{ padding-top: 3.5rem; padding-bottom: 1rem; max-width: 100%; }}
[data-testid="stCaptionContainer"] {{ font-size: .8rem; }}
.st-key-praesentation_beenden {{ position: fixed; top: .6rem; right: 4rem; z-index: 999991;
  width: auto !important; }}
.st-key-praesentation_beenden button {{ min-height: 2rem; padding: .1rem .8rem; }}
iframe[title="streamlit_folium.st_folium"] {{
  height: max(420px, calc(100vh - {MAP_OFFSET_PX}px)) !important;
}}
</style>
"""


def menu_position() -> str:
    """Where the page menu goes: at the top in presentation mode (the sidebar is hidden)."""
    return "top" if active() else "sidebar"


def sync_with_url() -> None:
    """Take the mode from ``?praesentation=1`` (the URL wins when it is present)."""
    value = st.query_params.get(PARAM)
    if value is not None:
        st.session_state[state.PRESENTATION] = value not in ("0", "false", "nein", "")


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
    """Inject the presentation styles and the button that ends the mode."""
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


def map_height(default: int) -> int:
    """Taller maps on a projector."""
    return MAP_HEIGHT if active() else default
