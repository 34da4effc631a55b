"""Guard that makes sure every page runs through the router in app.py.

Streamlit decides per server process whether an app uses ``st.navigation`` (v2) or the
legacy ``pages/`` folder (v1); it only learns "v2" when app.py first calls
``st.navigation``. If the very first request after a server start is a deep link such as
``/bevoelkerung``, Streamlit would run that page file alone, without app.py's state and
sidebar. Each page therefore calls :func:`ensure_routed` first: it switches the process to
v2 and reruns, so app.py routes the same URL.
"""

from __future__ import annotations

import streamlit as st

ROUTED = "_ueber_router"


def mark_routed() -> None:
    """Called by app.py before it runs the selected page."""
    st.session_state[ROUTED] = True


def ensure_routed() -> None:
    """Rerun through app.py if this page was started without it."""
    if st.session_state.get(ROUTED):
        return
    from streamlit.runtime.pages_manager import PagesManager  # internal, pinned version

    PagesManager.uses_pages_directory = False
    st.rerun()
