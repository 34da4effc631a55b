"""Messages for the next page run: notices at the top of any page, warnings of the simulation.

Callbacks run before the page; what they have to say is queued in the session and shown
(and forgotten) when the page draws: :func:`notify` at the top of the next page (app.py),
:func:`warn` as toasts on the Standortsimulation.
"""

from __future__ import annotations

import streamlit as st

from ui import state
from ui.markup import md


def notify(kind: str, text: str) -> None:
    """Show ``text`` once at the top of the next page run (``kind``: error, warning, info)."""
    st.session_state[state.NOTICES] = (*st.session_state[state.NOTICES], (kind, text))


def show_notices() -> None:
    """Show and forget the messages of :func:`notify` (called by app.py before the page)."""
    notices = st.session_state.get(state.NOTICES) or ()
    st.session_state[state.NOTICES] = ()
    for kind, text in notices:
        getattr(st, kind)(md(text), icon=":material/error:" if kind == "error" else None)


def warn(text: str) -> None:
    """Show ``text`` as a warning in the next run of the page (from a callback)."""
    st.session_state[state.SIM_WARNINGS] = (*st.session_state[state.SIM_WARNINGS], text)


def show_warnings() -> None:
    """Show and forget the warnings of :func:`warn` – as toasts.

    A toast neither pushes the map down nor stays on the page after later clicks.
    """
    for text in st.session_state[state.SIM_WARNINGS]:
        st.toast(text, icon=":material/wrong_location:", duration="long")
    st.session_state[state.SIM_WARNINGS] = ()
