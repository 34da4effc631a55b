"""All session-state keys and their defaults, in one place.

The values live under the keys below and survive page switches. Widgets never own them:
``st.selectbox(..., **state.bind(state.YEAR))`` gives the widget its own key
(:func:`widget_key`), seeds it from the stored value and copies changes back. Streamlit
deletes a widget's state whenever a run does not draw it (another page is open); the
stored value is unaffected.
"""

from __future__ import annotations

import streamlit as st

from maps.classify import METHODS

# Shared sidebar controls (rendered by app.py on every page).
YEAR = "jahr"
BASEMAP = "hintergrundkarte"
LABELS = "beschriftung"
# Bevölkerung page.
INDICATOR = "indikator"
CLASS_METHOD = "klassifizierung"
N_CLASSES = "klassenzahl"
# Selected Stadtteil (profile), shared between pages.
STADTTEIL = "stadtteil"
# Einrichtungen page.
FACILITY_CATEGORIES = "einrichtung_kategorien"
ONLY_PUBLIC = "nur_oeffentlich"
HIDE_CLOSED = "geschlossene_ausblenden"
SHOW_PRECISION = "lagegenauigkeit_zeigen"
# Internal: last map click already applied (a click is applied once, not on every rerun).
LAST_CLICK = "_letzter_kartenklick"

DEFAULTS: dict[str, object] = {
    BASEMAP: True,
    LABELS: True,
    INDICATOR: "anteil_65plus",
    CLASS_METHOD: next(iter(METHODS)),
    N_CLASSES: 5,
    STADTTEIL: None,
    FACILITY_CATEGORIES: None,  # None = all categories of the package
    ONLY_PUBLIC: False,
    HIDE_CLOSED: False,
    SHOW_PRECISION: True,
    LAST_CLICK: None,
}


def init(years: list[int]) -> None:
    """Write the defaults for keys not set yet.

    Parameters
    ----------
    years : list of int
        Selectable years; the default is the latest.
    """
    defaults = {**DEFAULTS, YEAR: max(years) if years else None}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    if years and st.session_state[YEAR] not in years:
        st.session_state[YEAR] = max(years)


def widget_key(key: str) -> str:
    """The widget's own key for a stored value (used by tests to find the widget)."""
    return f"_w_{key}"


def _store(key: str) -> None:
    st.session_state[key] = st.session_state[widget_key(key)]


def bind(key: str) -> dict:
    """Keyword arguments that tie a widget to the stored value ``key``.

    Returns
    -------
    dict
        ``key``, ``on_change`` and ``args`` for any Streamlit input widget.
    """
    st.session_state[widget_key(key)] = st.session_state[key]
    return {"key": widget_key(key), "on_change": _store, "args": (key,)}
