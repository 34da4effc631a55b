"""Stadtteil pickers shared by the pages."""

from __future__ import annotations

import streamlit as st

from geo.areas import stadtteil_at
from geo.io.package import DataPackage
from ui import state
from ui.map_widget import new_click


def stadtteil_picker(pkg: DataPackage, label: str, clicked: dict | None) -> str | None:
    """Select box of the Stadtteile, also set by a click on the map; returns the selection."""
    position = new_click(clicked)
    if position is not None:
        # Must happen before the select box exists in this run.
        nr = stadtteil_at(pkg.stadtteile, *position)
        if nr is not None:
            st.session_state[state.STADTTEIL] = nr
    st.selectbox(
        label,
        list(pkg.stadtteile.index),
        index=None,
        placeholder="Stadtteil wählen oder auf der Karte anklicken …",
        format_func=stadtteil_label(pkg),
        **state.bind(state.STADTTEIL),
    )
    return st.session_state[state.STADTTEIL]


def stadtteil_label(pkg: DataPackage):
    """``format_func`` for Stadtteil select boxes: number and name, e.g. ``"06 <Name>"``."""
    names = pkg.stadtteile["stadtteil"]
    return lambda nr: f"{nr} {names[nr]}" if nr in names.index else str(nr)
