"""Datenstand, sources and the attribution line under maps."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.facilities import stand_range
from geo.package import DataPackage
from geo.sources import ATTRIBUTION
from indicators.format import format_number
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
- Datenpaket: `{pkg.root}` · Version `{pkg.version}`
"""
    )
    if pkg.notes:
        with st.expander(f"Hinweise zur Datenqualität ({len(pkg.notes)})"):
            for note in pkg.notes:
                st.markdown(f"- {md(note)}")


def attribution() -> None:
    """Licence line under maps."""
    st.caption(ATTRIBUTION)
