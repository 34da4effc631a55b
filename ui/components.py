"""Small Streamlit building blocks shared by the pages."""

from __future__ import annotations

import re

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo.access import WalkParams
from geo.areas import stadtteil_at
from geo.demand import TargetGroup
from geo.facilities import stand_range
from geo.package import DataPackage
from geo.scenario import Scenario, stamped
from indicators.format import format_number
from scenarios.evaluate import Proposal
from ui import data, presentation, simulation, state

#: Attribution required wherever maps or figures are published.
ATTRIBUTION = (
    "© OpenStreetMap-Mitwirkende (ODbL); Zensus 2022 © Statistisches Bundesamt; "
    "Landeshauptstadt Magdeburg, Amt für Statistik (KISS-MD); Fahrplandaten NASA GmbH/MVB "
    "(CC BY 4.0)"
)
MAP_HEIGHT = 640


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Text from data, safe to put into Streamlit markdown (no links, markup or LaTeX)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def map_options() -> dict:
    """Basemap, labels and type size for the map builders, from the sidebar and mode."""
    return {
        "basemap": st.session_state[state.BASEMAP],
        "labels": st.session_state[state.LABELS],
        "large": presentation.active(),
    }


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
        height=presentation.map_height(height),
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


def labelled(df: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The ``columns`` of ``df`` in that order, renamed to their (German) labels."""
    return df[list(columns)].rename(columns=columns)


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
                st.markdown(f"- {md(note)}")


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
    return labelled(
        table.reset_index(names="Nr."),
        {
            "Nr.": "Nr.",
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


def difference_table(table: pd.DataFrame, group: TargetGroup) -> pd.DataFrame:
    """Scenario effect per Stadtteil with German headings and numbers."""
    out = german_table(
        table,
        {"zielgruppe": 0, "versorgt_vorher": 0, "versorgt_nachher": 0, "neu_versorgt": 0,
         "anteil_vorher": 1, "anteil_nachher": 1},
    )  # fmt: skip
    for column in ["rang_vorher", "rang_nachher"]:
        out[column] = [str(v) if pd.notna(v) else "–" for v in table[column]]
    return out.reset_index(names="Nr.").rename(
        columns={
            "stadtteil": "Stadtteil",
            "zielgruppe": group.label,
            "versorgt_vorher": "versorgt vorher",
            "versorgt_nachher": "versorgt nachher",
            "neu_versorgt": "neu versorgt",
            "anteil_vorher": "Anteil vorher (%)",
            "anteil_nachher": "Anteil nachher (%)",
            "rang_vorher": "Rang vorher",
            "rang_nachher": "Rang nachher",
            "klasse_vorher": "Klasse vorher",
            "klasse_nachher": "Klasse nachher",
        }
    )


def proposal_report(proposal: Proposal, group: TargetGroup) -> None:
    """Chosen sites, solver report and alternatives of an optimiser run."""
    result = proposal.result
    gained = proposal.covered_after - proposal.covered_before
    cols = st.columns(4)
    if proposal.objective == "abdeckung":
        cols[0].metric("zusätzlich versorgt", format_number(gained), border=True)
    else:
        cols[0].metric(
            "mittlerer Gehweg danach", f"{format_number(result.objective)} m", border=True
        )
    cols[1].metric("Status", result.status, border=True)
    gap = "–" if pd.isna(result.gap) else f"{format_number(result.gap * 100, 2)} %"
    cols[2].metric("Optimalitätslücke", gap, border=True)
    cols[3].metric("Rechenzeit", f"{format_number(result.seconds, 2)} s", border=True)
    st.caption(
        f"Verfahren: {result.method}. Gehweg = Luftlinie × Umwegfaktor; bestehende Standorte bleiben."
    )
    sites = proposal.sites
    st.dataframe(
        pd.DataFrame(
            {
                "Nr.": range(1, len(sites) + 1),
                "Standort": sites["name"],
                "Stadtteil": sites["stadtteil"],
                "Breite": [format_number(v, 5) for v in sites["lat"]],
                "Länge": [format_number(v, 5) for v in sites["lon"]],
                f"zusätzlich {group.noun}": [format_number(v) for v in sites["gewinn"]],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if len(proposal.alternatives):
        st.markdown(
            "**Gleichwertige Alternativen** (mindestens 95 % des Optimums, räumlich getrennt)"
        )
        alts = german_table(
            proposal.alternatives, {"versorgt": 0, "anteil_optimum": 1, "abstand_m": 0}
        )
        st.dataframe(
            labelled(
                alts,
                {
                    "ersetzt": "statt",
                    "alternative": "Alternative",
                    "stadtteil": "Stadtteil",
                    "versorgt": "zusätzlich versorgt",
                    "anteil_optimum": "% des Optimums",
                    "abstand_m": "Abstand (m)",
                },
            ),
            hide_index=True,
            width="stretch",
        )


def save_and_share(scenario: Scenario) -> None:
    """Save the scenario under a name and offer a link."""
    st.subheader("Szenario speichern und teilen")
    name_col, button_col = st.columns([3, 1])
    name_col.text_input(
        "Name", **state.bind(state.SCENARIO_NAME), placeholder="z. B. Neue Neustadt + Werder"
    )
    overwrite = name_col.checkbox("vorhandenes Szenario gleichen Namens überschreiben")
    if button_col.button("Speichern", disabled=scenario.is_empty):
        try:
            named = stamped(scenario, st.session_state[state.SCENARIO_NAME], data.package().version)
            simulation.store().save(named, overwrite=overwrite)
            simulation.set_scenario(named)
            st.success(f"Gespeichert: „{md(named.name)}“ (Seite Szenarien).")
        except ValueError as error:
            st.error(str(error))
    if button_col.button("Link erzeugen", disabled=scenario.is_empty):
        st.code(simulation.share_link(scenario), language=None)
        st.caption(
            "Der Link steht jetzt auch in der Adresszeile des Browsers; er enthält das ganze Szenario."
        )


def comparison_table(diff: pd.DataFrame) -> pd.DataFrame:
    """Two scenarios per Stadtteil with German headings and numbers."""
    out = german_table(
        diff, {"versorgt_a": 0, "versorgt_b": 0, "differenz": 0, "anteil_a": 1, "anteil_b": 1}
    )
    for column in ["rang_a", "rang_b"]:
        out[column] = [str(v) if pd.notna(v) else "–" for v in diff[column]]
    return out.reset_index(names="Nr.").rename(
        columns={
            "stadtteil": "Stadtteil",
            "versorgt_a": "versorgt A",
            "versorgt_b": "versorgt B",
            "differenz": "B − A",
            "anteil_a": "Anteil A (%)",
            "anteil_b": "Anteil B (%)",
            "rang_a": "Rang A",
            "rang_b": "Rang B",
        }
    )
