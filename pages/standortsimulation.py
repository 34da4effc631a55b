"""Standortsimulation: place or remove meeting places, see the effect at once, get proposals."""

from dataclasses import replace

import streamlit as st

from geo.crs import to_wgs84
from geo.scenario import NewSite, Scenario
from geo.siting import MAX_K
from indicators.format import format_number
from maps.scenario_maps import scenario_map
from scenarios.evaluate import CANDIDATE_KINDS, OBJECTIVES
from ui import analysis, charts, components, data, router, simulation, state

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
scenario = simulation.current()
try:
    ev = simulation.evaluation(pkg, scenario)
except ValueError as error:
    st.error(f"Das Szenario kann nicht berechnet werden: {error}")
    st.stop()
group, walk = ev.after.target, ev.after.params

st.title("Standortsimulation")
st.caption(
    "Neue Begegnungsstätten per Klick auf die Karte oder aus dem Kandidatenpool setzen, bestehende "
    "probeweise schließen. Das Szenario überlagert die Daten; das Datenpaket bleibt unverändert."
)

cols = st.columns(4)
cols[0].metric(
    "neu fußläufig versorgt", format_number(ev.newly_covered), help=group.label, border=True
)
cols[1].metric(
    f"Anteil bis {format_number(walk.max_walk_m)} m",
    f"{format_number(ev.after.city['anteil_versorgt'], 1)} %",
    delta=None
    if scenario.is_empty
    else f"{format_number(ev.after.city['anteil_versorgt'] - ev.before.city['anteil_versorgt'], 1)} Prozentpunkte",
    border=True,
)
changed = ev.table[ev.table["klasse_vorher"] != ev.table["klasse_nachher"]]
cols[2].metric("Stadtteile mit neuer Klasse", format_number(len(changed)), border=True)
cols[3].metric(
    "Standorte neu / geschlossen", f"{len(scenario.added)} / {len(scenario.removed)}", border=True
)

left, middle, right = st.columns(3)
left.toggle("Klick auf die Karte setzt Standort", **state.bind(state.CLICK_ADDS))
middle.toggle("Kandidaten (Häuser Dritter) zeigen", **state.bind(state.SHOW_CANDIDATES))
if right.button("Szenario leeren", disabled=scenario.is_empty):
    simulation.set_scenario(Scenario())
    st.rerun()

candidates = simulation.facility_candidates(pkg, scenario)
removed = pkg.einrichtungen[pkg.einrichtungen["id"].isin(scenario.removed)]
m = scenario_map(
    pkg.stadtteile, ev.before.cells, ev.after.cells, analysis.squares(pkg), ev.after.sites,
    removed[removed.geometry.notna()], walk,
    candidates=candidates if st.session_state[state.SHOW_CANDIDATES] else None,
    basemap=st.session_state[state.BASEMAP], labels=st.session_state[state.LABELS],
)  # fmt: skip
clicked = components.show_map(m, key="karte_simulation", clickable=True, height=620)
components.attribution()
position = components.new_click(clicked)
if position is not None and st.session_state[state.CLICK_ADDS]:
    try:
        simulation.add_site(
            NewSite(f"Neuer Standort {len(scenario.added) + 1}", *position, source="karte")
        )
        st.rerun()
    except ValueError as error:
        st.warning(str(error))

edit_col, close_col = st.columns(2)
with edit_col:
    st.markdown("**Neue Standorte**")
    for i, site in enumerate(scenario.added):
        a, b = st.columns([4, 1])
        a.write(f"{site.name} ({site.lat:.5f}, {site.lon:.5f})")
        if b.button("entfernen", key=f"entfernen_{i}"):
            simulation.set_scenario(st.session_state[state.SCENARIO].without_site(i))
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
        simulation.add_site(
            NewSite(
                candidates.at[pick, "name"],
                point.x,
                point.y,
                "kandidat",
                candidates.at[pick, "ref"],
            )
        )
        st.rerun()
with close_col:
    existing = ev.before.sites.set_index("id")["name"]
    closed = st.multiselect(
        "Bestehende Einrichtungen schließen (was wäre, wenn …)",
        list(existing.index),
        default=[r for r in scenario.removed if r in existing.index],
        format_func=lambda i: existing.get(i, i),
        placeholder="Einrichtungen wählen …",
    )
    if tuple(closed) != tuple(r for r in scenario.removed if r in existing.index):
        simulation.set_scenario(replace(st.session_state[state.SCENARIO], removed=tuple(closed)))
        st.rerun()

st.subheader("Wirkung je Stadtteil")
show_all = st.toggle("alle Stadtteile zeigen", value=False)
table = (
    ev.table
    if show_all
    else ev.table[
        (ev.table["neu_versorgt"].abs() > 0.05)
        | (ev.table["rang_vorher"] != ev.table["rang_nachher"])
    ]
)
st.dataframe(components.difference_table(table, group), hide_index=True, width="stretch")

with st.expander(
    "Vorschlag: beste neue Standorte berechnen",
    expanded=st.session_state[state.PROPOSAL] is not None,
):
    a, b, c = st.columns(3)
    a.slider("Zahl neuer Standorte (k)", 1, MAX_K, **state.bind(state.OPT_K))
    b.radio(
        "Kandidaten",
        list(CANDIDATE_KINDS),
        format_func=CANDIDATE_KINDS.get,
        **state.bind(state.OPT_KIND),
    )
    c.radio("Ziel", list(OBJECTIVES), format_func=OBJECTIVES.get, **state.bind(state.OPT_OBJECTIVE))
    st.multiselect(
        "nur in diesen Stadtteilen (leer = alle)",
        list(pkg.stadtteile.index),
        format_func=components.stadtteil_label(pkg),
        placeholder="alle Stadtteile",
        **state.bind(state.OPT_STADTTEILE),
    )
    if st.button("Vorschlag berechnen", type="primary"):
        st.session_state[state.PROPOSAL] = True
    if st.session_state[state.PROPOSAL]:
        try:
            proposal = simulation.proposal(pkg, scenario)
        except ValueError as error:
            st.error(str(error))
            st.stop()
        components.proposal_report(proposal, group)
        st.altair_chart(charts.gain_curve(proposal), width="stretch")
        if st.button("Vorschlag ins Szenario übernehmen"):
            for site in proposal.as_new_sites():
                simulation.add_site(site)
            st.rerun()

components.save_and_share(scenario)
