"""What the user sees when something goes wrong that no page handled.

An unexpected exception in a page must not replace the app with a traceback that shows
server paths. :func:`internal_error` logs the traceback on the server (with a short
reference) and shows a German notice with a way to reset the session's scenario and
uploads. With ``BEGEGNUNGSATLAS_DEBUG=1`` the exception is raised instead (developers,
tests), so bugs stay visible.
"""

from __future__ import annotations

import logging
import os
import secrets

import streamlit as st

from ui import state
from ui.markup import md

#: Set to 1 to see the real traceback instead of the notice (same variable as the CLI).
DEBUG_ENV = "BEGEGNUNGSATLAS_DEBUG"
#: Session values that come from the user and are reset by the button of the notice.
USER_STATE = (
    state.SCENARIO,
    state.PROPOSAL,
    state.SCENARIO_NAME,
    state.STORED_VERSION,
    state.LAST_CLICK,
    state.UPLOADED_FACILITIES,
    state.UPLOADED_STATISTICS,
    state.REGIONS,
    state.REPORT_SCENARIO,
)

LOGGER = logging.getLogger("begegnungsatlas")


def debug() -> bool:
    """True if ``BEGEGNUNGSATLAS_DEBUG`` asks for real tracebacks."""
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "nein")


def reset_session() -> None:
    """Callback: scenario, proposal and uploads of this session back to the defaults."""
    for key in USER_STATE:
        st.session_state[key] = state.DEFAULTS[key]


def internal_error(error: BaseException, where: str) -> None:
    """Log ``error`` with a reference and show the German notice (no paths, no trace).

    Parameters
    ----------
    error : BaseException
        The exception a page raised.
    where : str
        Where it happened (page title), for the log.

    Raises
    ------
    BaseException
        ``error`` itself when :func:`debug` is on.
    """
    if debug():
        raise error
    reference = secrets.token_hex(4)
    LOGGER.error("Interner Fehler %s auf %s", reference, where, exc_info=error)
    st.error(
        "**Ein interner Fehler ist aufgetreten.** Die Seite bitte neu laden; wenn der Fehler "
        "bleibt, bitte mit dieser Kennung melden: "
        f"`{reference}`. Die Einzelheiten stehen im Protokoll des Servers.",
        icon=":material/error:",
    )
    st.button(
        "Szenario und Uploads dieser Sitzung zurücksetzen",
        on_click=reset_session,
        key="_fehler_zuruecksetzen",
        help="Setzt das aktuelle Szenario, Vorschläge und hochgeladene Daten zurück; "
        "gespeicherte Szenarien bleiben erhalten.",
    )


def known_error(error: ValueError) -> None:
    """Show a German message of our own (store, data package) that no page caught."""
    st.error(md(str(error)), icon=":material/error:")
    st.button(
        "Szenario und Uploads dieser Sitzung zurücksetzen",
        on_click=reset_session,
        key="_fehler_zuruecksetzen",
    )
