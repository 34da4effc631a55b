"""The editing panels of the Standortsimulation page (new/closed places, optimiser)."""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import streamlit as st

from geo.crs import to_wgs84
from geo.demand import TargetGroup
from geo.package import DataPackage
from geo.scenario import NewSite, Scenario
from geo.siting import MAX_K
from scenarios.evaluate import CANDIDATE_KINDS, OBJECTIVES, Evaluation
from ui import charts, components, simulation, state


def places_panel(scenario: Scenario, ev: Evaluation, candidates: gpd.GeoDataFrame) -> None:
    """List/remove new places, add a candidate, switch existing places off."""
    edit_col, close_col = st.columns(2)
    with edit_col:
        st.markdown("**Neue Standorte**")
        for i, site in enumerate(scenario.added):
            text, button = st.columns([4, 1])
            text.write(f"{components.md(site.name)} ({site.lat:.5f}, {site.lon:.5f})")
            if button.button("entfernen", key=f"entfernen_{i}"):
                simulation.set_scenario(scenario.without_site(i))
                st.rerun()
        pick = st.selectbox(
            "Kandidat hinzufügen",
            list(candidates.index),
            index=None,
            placeholder="Haus eines anderen Trägers wählen …",
            format_func=lambda i: f"{candidates.at[i, 'name']} – {candidates.at[i, 'stadtteil']}",
        )
        if pick is not None and st.button("Kandidat übernehmen"):
            point = to_wgs84(candidates.loc[[pick]]).geometry.iloc[0]
            row = candidates.loc[pick]
            simulation.add_site(NewSite(row["name"], point.x, point.y, "kandidat", row["ref"]))
            st.rerun()
    with close_col:
        existing = ev.before.sites.set_index("id")["name"]
        current = [r for r in scenario.removed if r in existing.index]
        closed = st.multiselect(
            "Bestehende Einrichtungen schließen (was wäre, wenn …)",
            list(existing.index),
            default=current,
            format_func=lambda i: existing.get(i, i),
            placeholder="Einrichtungen wählen …",
        )
        if closed != current:
            simulation.set_scenario(replace(scenario, removed=tuple(closed)))
            st.rerun()


def proposal_panel(pkg: DataPackage, scenario: Scenario, group: TargetGroup) -> None:
    """The optimiser: settings, result with solver report, curve and alternatives."""
    with st.expander(
        "Vorschlag: beste neue Standorte berechnen", expanded=bool(st.session_state[state.PROPOSAL])
    ):
        k_col, kind_col, goal_col = st.columns(3)
        k_col.slider("Zahl neuer Standorte (k)", 1, MAX_K, **state.bind(state.OPT_K))
        kind_col.radio(
            "Kandidaten",
            list(CANDIDATE_KINDS),
            format_func=CANDIDATE_KINDS.get,
            **state.bind(state.OPT_KIND),
        )
        goal_col.radio(
            "Ziel", list(OBJECTIVES), format_func=OBJECTIVES.get, **state.bind(state.OPT_OBJECTIVE)
        )
        st.multiselect(
            "nur in diesen Stadtteilen (leer = alle)",
            list(pkg.stadtteile.index),
            format_func=components.stadtteil_label(pkg),
            placeholder="alle Stadtteile",
            **state.bind(state.OPT_STADTTEILE),
        )
        if st.button("Vorschlag berechnen", type="primary"):
            st.session_state[state.PROPOSAL] = True
        if not st.session_state[state.PROPOSAL]:
            return
        try:
            proposal = simulation.proposal(pkg, scenario)
        except ValueError as error:
            st.error(str(error))
            return
        components.proposal_report(proposal, group)
        st.altair_chart(charts.gain_curve(proposal), width="stretch")
        if st.button("Vorschlag ins Szenario übernehmen"):
            for site in proposal.as_new_sites():
                simulation.add_site(site)
            st.rerun()
