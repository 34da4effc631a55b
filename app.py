"""Begegnungsatlas Magdeburg – router: page config, navigation, shared sidebar, state."""

from __future__ import annotations

import streamlit as st

from geo.config import DATA_ENV
from geo.package import DataPackageError
from maps import assets
from ui import data, router, state

st.set_page_config(
    page_title="Begegnungsatlas Magdeburg",
    page_icon="🏘️",  # an emoji: a material icon here would be fetched from the internet
    layout="wide",
    initial_sidebar_state="expanded",
)

try:
    pkg = data.package()
except DataPackageError as error:
    # One clear page instead of a traceback: where we looked and how to point elsewhere.
    st.session_state["_ladefehler"] = error
    router.mark_routed()
    st.navigation(
        [st.Page("pages/datenpaket_fehlt.py", title="Datenpaket fehlt", icon=":material/error:")]
    ).run()
    st.stop()

state.init(pkg.years)

page = st.navigation(
    {
        "Überblick": [
            st.Page("pages/uebersicht.py", title="Übersicht", icon=":material/home:", default=True),
            st.Page("pages/bevoelkerung.py", title="Bevölkerung", icon=":material/groups:"),
            st.Page("pages/einrichtungen.py", title="Einrichtungen", icon=":material/location_on:"),
        ],
        "Analyse": [
            st.Page(
                "pages/erreichbarkeit.py", title="Erreichbarkeit", icon=":material/directions_walk:"
            ),
            st.Page(
                "pages/unterversorgung.py", title="Unterversorgung", icon=":material/crisis_alert:"
            ),
        ],
    }
)

with st.sidebar:
    st.selectbox("Jahr der Statistik (31.12.)", pkg.years, **state.bind(state.YEAR))
    st.toggle(
        "Hintergrundkarte (OpenStreetMap)",
        **state.bind(state.BASEMAP),
        help="Benötigt Internet; ohne Verbindung zeichnet die Karte auf neutralem Grund.",
    )
    st.toggle("Stadtteilnamen auf Karten", **state.bind(state.LABELS))
    if assets.missing():
        st.error(
            "Kartenbibliotheken fehlen (static/vendor). Einmal `make setup` ausführen, "
            "dann die App neu starten."
        )
    st.caption(f"Datenpaket: Version {pkg.version} · Umgebungsvariable {DATA_ENV}")

router.mark_routed()
page.run()
