"""Small Streamlit building blocks shared by the pages."""

from __future__ import annotations

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.access import WalkParams
from geo.areas import stadtteil_at
from geo.demand import TargetGroup
from geo.facilities import stand_range
from geo.package import DataPackage
from indicators.format import format_number
from ui import state

#: Attribution required wherever maps or figures are published.
ATTRIBUTION = (
    "© OpenStreetMap-Mitwirkende (ODbL); Zensus 2022 © Statistisches Bundesamt; "
    "Landeshauptstadt Magdeburg, Amt für Statistik (KISS-MD); Fahrplandaten NASA GmbH/MVB "
    "(CC BY 4.0)"
)
MAP_HEIGHT = 640


def show_map(
    m: folium.Map, key: str, *, clickable: bool = False, height: int = MAP_HEIGHT
) -> dict | None:
    """Render a folium map; panning and zooming never rerun the app.

    Parameters
    ----------
    m : folium.Map
        Map from a :mod:`maps` builder.
    key : str
        Widget key.
    clickable : bool
        Return clicks (``last_clicked``); each new click reruns the app once.
    height : int
        Height in pixels.

    Returns
    -------
    dict or None
        The component's return value (only ``last_clicked`` when clickable).
    """
    return st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=["last_clicked"] if clickable else [],
    )


def new_click(result: dict | None) -> tuple[float, float] | None:
    """``(lon, lat)`` of a map click not handled before, else None.

    st_folium keeps returning the last click on every rerun; remembering the applied one
    lets a later choice in a list win over an old click.
    """
    click = (result or {}).get("last_clicked")
    if not click:
        return None
    position = (float(click["lng"]), float(click["lat"]))
    if st.session_state.get(state.LAST_CLICK) == position:
        return None
    st.session_state[state.LAST_CLICK] = position
    return position


def select_clicked_stadtteil(pkg: DataPackage, result: dict | None) -> None:
    """Make a newly clicked Stadtteil the selected one (call before the select box)."""
    position = new_click(result)
    if position is not None:
        nr = stadtteil_at(pkg.stadtteile, *position)
        if nr is not None:
            st.session_state[state.STADTTEIL] = nr


def stadtteil_label(pkg: DataPackage):
    """``format_func`` for Stadtteil select boxes: ``"06 Neue Neustadt"``."""
    names = pkg.stadtteile["stadtteil"]
    return lambda nr: f"{nr} {names[nr]}" if nr in names.index else str(nr)


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
                st.markdown(f"- {note}")


def attribution() -> None:
    """Licence line under maps."""
    st.caption(ATTRIBUTION)


def german_table(df: pd.DataFrame, decimals: dict[str, int]) -> pd.DataFrame:
    """Copy of ``df`` with numeric columns formatted as German text (``1.234,5``)."""
    out = df.copy()
    for column, places in decimals.items():
        out[column] = [format_number(v, places, missing="–") for v in df[column]]
    return out


def coverage_tooltip(coverage: pd.DataFrame, walk: WalkParams) -> pd.DataFrame:
    """Tooltip rows of the coverage map."""
    return pd.DataFrame(
        {
            "Stadtteil": coverage["stadtteil"].astype(str),
            f"bis {format_number(walk.max_walk_m)} m": [
                f"{format_number(s, 1)} % (Spanne {format_number(lo)}–{format_number(hi)})"
                if pd.notna(s)
                else "keine Angabe"
                for s, lo, hi in zip(
                    coverage["anteil_versorgt"],
                    coverage["versorgt_min"],
                    coverage["versorgt_max"],
                    strict=True,
                )
            ],
            "nicht versorgt": [format_number(v, missing="–") for v in coverage["unversorgt"]],
            "Median Gehweg": [
                f"{format_number(v, missing='–')} m" if pd.notna(v) else "–"
                for v in coverage["median_gehweg_m"]
            ],
        },
        index=coverage.index,
    )


def coverage_table(coverage: pd.DataFrame, group: TargetGroup) -> pd.DataFrame:
    """The coverage table with German headings and number format."""
    table = german_table(
        coverage,
        {
            "zielgruppe": 0,
            "versorgt": 0,
            "unversorgt": 0,
            "anteil_versorgt": 1,
            "versorgt_min": 0,
            "versorgt_max": 0,
            "median_gehweg_m": 0,
            "median_gehzeit_min": 0,
            "einrichtungen": 0,
            "je_einrichtung": 0,
            "e2sfca_je_1000": 2,
        },
    )
    table["spanne"] = table["versorgt_min"] + " – " + table["versorgt_max"]
    return table.reset_index(names="Nr.")[
        ["Nr.", "stadtteil", "zielgruppe", "versorgt", "anteil_versorgt", "spanne", "unversorgt",
         "median_gehweg_m", "median_gehzeit_min", "einrichtungen", "je_einrichtung", "e2sfca_je_1000"]
    ].rename(
        columns={
            "stadtteil": "Stadtteil",
            "zielgruppe": group.label,
            "versorgt": "versorgt",
            "anteil_versorgt": "Anteil versorgt (%)",
            "spanne": "Spanne versorgt",
            "unversorgt": "nicht versorgt",
            "median_gehweg_m": "Median Gehweg (m)",
            "median_gehzeit_min": "Median Gehzeit (min)",
            "einrichtungen": "Einrichtungen",
            "je_einrichtung": "je Einrichtung",
            "e2sfca_je_1000": "E2SFCA je 1.000",
        }
    )  # fmt: skip
