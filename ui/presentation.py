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

_CSS = """
<style>
html { font-size: 21px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] { display: none !important; }
div[class*="st-key-bearbeiten"] { display: none !important; }
[data-testid="stMetricValue"] { font-size: 2.6rem; }
h1 { font-size: 2.4rem !important; }
.block-container { padding-top: 4rem; max-width: 100%; }
</style>
"""


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
