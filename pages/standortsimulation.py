"""Standortsimulation: place or remove meeting places, see the effect at once, get proposals."""

import streamlit as st

from indicators.format import format_number
from maps.scenario_maps import scenario_map
from scenarios.model import NewSite, Scenario
from scenarios.result import RANK_NOTE, transit_gain_cells
from ui import (
    analysis,
    data,
    map_widget,
    presentation,
    router,
    simulation,
    siting_panels,
    sources,
    state,
    tables,
)

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
changed = ev.changed()
cols[2].metric(
    "Stadtteile mit neuer Klasse",
    format_number(int(ev.table["klasse_geaendert"].sum())),
    help=RANK_NOTE,
    border=True,
)
cols[3].metric(
    "Standorte neu / geschlossen", f"{len(scenario.added)} / {len(scenario.removed)}", border=True
)

with presentation.editing("schalter"):
    click_col, candidate_col, transit_col, clear_col = st.columns(4)
    click_col.toggle("Klick auf die Karte setzt Standort", **state.bind(state.CLICK_ADDS))
    candidate_col.toggle("Kandidaten (Häuser Dritter) zeigen", **state.bind(state.SHOW_CANDIDATES))
    transit_col.toggle("Bus & Bahn einbeziehen", **state.bind(state.SIM_TRANSIT))
    if clear_col.button("Szenario leeren", disabled=scenario.is_empty):
        simulation.set_scenario(Scenario())
        st.rerun()

gain = transit_gain_cells(ev)
limit = ev.scenario.transit.max_minutes
if gain is not None:
    st.metric(
        f"neu in {format_number(limit)} min mit Bus & Bahn erreichbar",
        format_number(ev.newly_by_transit),
        help="Median der Reisezeit (zu Fuß + Bus & Bahn) über die Abfahrten im Zeitraum der Seite Bus & Bahn.",
        border=True,
    )

candidates = simulation.facility_candidates(pkg, scenario)
removed = pkg.einrichtungen[pkg.einrichtungen["id"].isin(scenario.removed)]
m = scenario_map(
    pkg.stadtteile, ev.before.cells, ev.after.cells, analysis.squares(pkg), ev.after.sites,
    removed[removed.geometry.notna()], walk,
    candidates=candidates if st.session_state[state.SHOW_CANDIDATES] else None,
    transit_gain=gain,
    transit_label=f"mit Bus & Bahn neu in {format_number(limit)} min",
    **map_widget.map_options(),
)  # fmt: skip
clicked = map_widget.show_map(m, key="karte_simulation", clickable=True, height=620)
sources.attribution()
position = map_widget.new_click(clicked)
if position is not None and st.session_state[state.CLICK_ADDS] and not presentation.active():
    try:
        simulation.add_site(
            NewSite(f"Neuer Standort {len(scenario.added) + 1}", *position, source="karte")
        )
        st.rerun()
    except ValueError as error:
        st.warning(str(error))

with presentation.editing("orte"):
    siting_panels.places_panel(scenario, ev, candidates)

st.subheader("Wirkung je Stadtteil")
show_all = st.toggle("alle Stadtteile zeigen", value=False)
table = ev.table if show_all else changed
st.dataframe(tables.difference_table(table, group), hide_index=True, width="stretch")
st.caption(RANK_NOTE)

with presentation.editing("vorschlag"):
    siting_panels.proposal_panel(pkg, scenario, group)
with presentation.editing("speichern"):
    siting_panels.save_and_share(scenario)
