"""Datenstand, sources and the attribution line under maps."""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from geo.config import DATA_ENV
from geo.facilities import stand_range
from geo.io.package import DataPackage
from geo.io.sources import ATTRIBUTION
from indicators.format import format_number
from register.db import DB_ENV
from register.db import FILE_NAME as DB_FILE_NAME
from report.wording import data_notes
from scenarios.store import STORE_ENV, store_dir
from ui import auth as access
from ui.errors import DEBUG_ENV
from ui.markup import md


def datenstand(pkg: DataPackage) -> None:
    """Datenstand, sources and licences as a compact block."""
    latest = max(pkg.years)
    span = stand_range(pkg.einrichtungen.get("stand", pd.Series(dtype=str)))
    facility_text = f"Angaben aus den Jahren {span[0]}–{span[1]}" if span else "ohne Datumsangabe"
    st.markdown(
        f"""
**Datenstand**
- Stadtteilstatistik: 31.12.{latest} (Altersgruppen ab {min(pkg.years)}; Wohngeld bis zum
  jüngsten veröffentlichten Jahr) – Landeshauptstadt Magdeburg, Amt für Statistik (KISS-MD)
- Bevölkerung im 100-m-Gitter: Zensus 2022 – © Statistisches Bundesamt (Destatis), dl-de/by-2-0
- Stadtteilgrenzen und Stadtgrenze: © OpenStreetMap-Mitwirkende, ODbL
- Einrichtungen: {format_number(len(pkg.einrichtungen))} Einträge aus öffentlichen Quellen,
  {facility_text}; Lagen ungefähr (Radius je Eintrag)
"""
    )
    notes = data_notes(pkg.notes, plain=False)  # the wording of the report, not raw messages
    if notes:
        with st.expander(f"Hinweise zur Datenqualität ({len(notes)})"):
            for note in notes:
                st.markdown(f"- {md(note)}")


def about(pkg: DataPackage) -> None:
    """Where the app reads and stores its files – for the administration, collapsed.

    The only place in the app that shows paths and environment variables (besides the
    README and the page shown when the package is missing).
    """
    register = (
        "PostgreSQL (Zugang in der Umgebungsvariable)"
        if os.environ.get(DB_ENV, "").strip()
        else f"SQLite-Datei `{DB_FILE_NAME}` im Szenario-Ordner"
    )
    # The container's key marks the one place of paths for the tests of planner text.
    with (
        st.container(key="installation"),
        st.expander("Über diese Installation (für die Administration)", icon=":material/info:"),
    ):
        st.markdown(
            f"""
- Datenpaket: `{pkg.root}` – Umgebungsvariable `{DATA_ENV}`; Version `{pkg.version}`
- Szenario-Ordner: `{store_dir()}` – Umgebungsvariable `{STORE_ENV}`
- Einrichtungsregister und gespeicherte Szenarien: {register} – Umgebungsvariable `{DB_ENV}`
- Vollständige Fehlermeldungen für die Fehlersuche: `{DEBUG_ENV}=1`
- Betriebsart: {access.mode_text()}
"""
        )


def attribution() -> None:
    """Licence line under maps."""
    st.caption(ATTRIBUTION)
