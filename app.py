"""Begegnungsatlas Magdeburg – router: page config, navigation, shared sidebar, state."""

from __future__ import annotations

import streamlit as st

from geo.config import DATA_ENV
from geo.package import DataPackageError
from maps import assets
from ui import data, router, simulation, state

#: Navigation: group -> (file, title, Material icon).
PAGES = {
    "Überblick": [
        ("pages/uebersicht.py", "Übersicht", "home"),
        ("pages/bevoelkerung.py", "Bevölkerung", "groups"),
        ("pages/einrichtungen.py", "Einrichtungen", "location_on"),
    ],
    "Analyse": [
        ("pages/erreichbarkeit.py", "Erreichbarkeit", "directions_walk"),
        ("pages/unterversorgung.py", "Unterversorgung", "crisis_alert"),
    ],
    "Planung": [
        ("pages/standortsimulation.py", "Standortsimulation", "add_location_alt"),
        ("pages/szenarien.py", "Szenarien", "folder_open"),
    ],
}

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
link_error = simulation.load_from_link(pkg.years)

page = st.navigation(
    {
        group: [
            st.Page(
                path,
                title=title,
                icon=f":material/{icon}:",
                default=(path == "pages/uebersicht.py"),
            )
            for path, title, icon in pages
        ]
        for group, pages in PAGES.items()
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
    if link_error:
        st.error(link_error)

router.mark_routed()
page.run()
