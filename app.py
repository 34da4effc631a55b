"""Begegnungsatlas Magdeburg – router: page config, navigation, shared sidebar, state."""

from __future__ import annotations

import threading
import time

import streamlit as st

from geo.io import sandbox
from geo.io.package import DataPackageError
from maps import assets
from scenarios.store import StoreError
from ui import (
    auth,
    data,
    errors,
    heap,
    markup,
    notices,
    presentation,
    projection,
    router,
    scenario_links,
    state,
    uploads,
)

#: Navigation: group -> (file, title, Material icon).
PAGES = {
    "Überblick": [
        ("pages/uebersicht.py", "Übersicht", "home"),
        ("pages/bevoelkerung.py", "Bevölkerung", "groups"),
        ("pages/einrichtungen.py", "Einrichtungen", "location_on"),
        ("pages/einrichtungen_pflegen.py", "Einrichtungen pflegen", "edit_location_alt"),
    ],
    "Analyse": [
        ("pages/erreichbarkeit.py", "Erreichbarkeit", "directions_walk"),
        ("pages/oepnv.py", "Bus & Bahn", "directions_bus"),
        ("pages/unterversorgung.py", "Unterversorgung", "crisis_alert"),
    ],
    "Planung": [
        ("pages/standortsimulation.py", "Standortsimulation", "add_location_alt"),
        ("pages/szenarien.py", "Szenarien", "folder_open"),
        ("pages/massnahmen.py", "Maßnahmen", "checklist"),
        ("pages/verteilung.py", "Verteilungsschlüssel", "account_balance"),
    ],
    "Ausgabe und Daten": [
        ("pages/regionen.py", "Regionen", "hub"),
        ("pages/bericht.py", "Bericht und Karten", "picture_as_pdf"),
        ("pages/daten.py", "Daten", "database"),
    ],
}

st.set_page_config(
    page_title="Begegnungsatlas Magdeburg",
    page_icon="🏘️",  # an emoji: a material icon here would be fetched from the internet
    layout="wide",
    initial_sidebar_state="expanded",
)


#: Seconds between the first page's run and starting the workers: on a 2-core server their
#: parser imports would otherwise slow down the first page while the browser draws its map.
WORKER_DELAY_S = 3.0


def _warm_up_later() -> None:
    time.sleep(WORKER_DELAY_S)
    sandbox.warm_up()


@st.cache_resource(show_spinner=False)
def _start_workers() -> bool:
    """Start the worker pool for uploads and links once per server, in the background.

    Its parser imports take a few seconds of CPU; the first page must neither wait for them
    nor share the cores with them (an upload before they are ready starts them itself).
    """
    threading.Thread(target=_warm_up_later, name="sandbox-start", daemon=True).start()
    return True


def _navigation():
    return st.navigation(
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
        },
        position=presentation.menu_position(),
        expanded=True,  # every page listed: no collapsed group behind Streamlit's English "View more"
    )


def _sidebar(pkg) -> None:
    with st.sidebar:
        st.selectbox(
            "Jahr der Statistik (31.12.)",
            pkg.selectable_years,
            format_func=lambda y: f"{y} – {pkg.year_label(y)}" if pkg.year_label(y) else str(y),
            help="Jahre nach dem Datenstand: Altersgruppen fortgeschrieben (Modellrechnung, "
            "Methode auf der Seite Bevölkerung).",
            **state.bind(state.YEAR),
        )
        st.toggle(
            "Hintergrundkarte (OpenStreetMap)",
            **state.bind(state.BASEMAP),
            help="Benötigt Internet; ohne Verbindung zeichnet die Karte auf neutralem Grund.",
        )
        st.toggle("Stadtteilnamen auf Karten", **state.bind(state.LABELS))
        st.toggle(
            "Präsentationsmodus",
            **state.bind(state.PRESENTATION, then=presentation.toggled),
            help="Große Schrift, ohne Seitenleiste und Bearbeitungselemente. Auch per Link ?praesentation=1.",
        )
        if assets.missing():
            st.error(
                "Kartenbibliotheken fehlen (static/vendor). Einmal `make setup` ausführen, "
                "dann die App neu starten."
            )
        st.caption(f"Datenstand 31.12.{max(pkg.years)} · Details auf der Seite Daten")
    auth.sidebar()  # Mehrplatz: sign-in or sign-out


def main() -> None:
    """Route to the selected page; no exception of a page reaches the browser as a traceback."""
    try:
        data.base_package()  # validate the package on disk first
    except DataPackageError as error:
        # One clear page instead of a traceback: where we looked and how to point elsewhere.
        st.session_state["_ladefehler"] = error
        router.mark_routed()
        st.navigation(
            [
                st.Page(
                    "pages/datenpaket_fehlt.py", title="Datenpaket fehlt", icon=":material/error:"
                )
            ]
        ).run()
        st.stop()

    pkg = data.package()
    state.init(pkg.selectable_years, default=max(pkg.years))
    presentation.sync_with_url()
    scenario_links.load_from_link(pkg)  # a bad link becomes a message, never an exception
    page = _navigation()
    _sidebar(pkg)
    presentation.apply()
    uploads.german_uploader()
    router.mark_routed()
    notices.show_notices()
    projection.banner(pkg, st.session_state[state.YEAR])
    fault = data.register_fault()
    if fault:  # every figure then rests on the package's list alone: say so on every page
        st.error(
            "**Das Einrichtungsregister ist nicht nutzbar; alle Seiten rechnen mit der Liste "
            f"des Datenpakets ohne die Änderungen des Registers.** {markup.md(fault)}",
            icon=":material/error:",
        )
    try:
        page.run()
    except (StoreError, DataPackageError) as error:  # our own German message, not caught
        errors.known_error(error)
    except Exception as error:  # st.stop and st.rerun are BaseException: they pass
        errors.internal_error(error, page.title)
    finally:
        _start_workers()  # after the first page (also when it stopped early)
        heap.freeze_long_lived(pkg.version, page.url_path)


try:
    main()
except Exception as error:
    errors.internal_error(error, "app.py")
