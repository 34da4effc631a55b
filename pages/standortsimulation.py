"""Standortsimulation: place or remove meeting places, see the effect at once, get proposals."""

import geopandas as gpd
import streamlit as st

from geo.analysis.barrier import closed_crossings
from geo.analysis.demand import TargetGroup
from indicators.format import format_number
from maps.layers import add_barrier
from maps.scenario_maps import layered_base
from scenarios.evaluation import RANK_NOTE, Result, share_range, transit_gain_cells
from scenarios.model import Scenario
from ui import (
    analysis,
    data,
    map_widget,
    notices,
    presentation,
    projection,
    router,
    simulation,
    simulation_map,
    siting_panels,
    sources,
    state,
    tables,
)

router.ensure_routed()
pkg = data.package()
analysis.sidebar_controls()
st.title("Standortsimulation")
st.caption(
    "Neue Begegnungsstätten per Klick auf die Karte oder aus dem Kandidatenpool setzen, bestehende "
    "probeweise schließen. Das Szenario überlagert die Daten; das Datenpaket bleibt unverändert."
)


def key_figures(ev: Result, scenario: Scenario, figure_area) -> None:
    """The four key figures of the scenario (and the Bus & Bahn gain) beside the map."""
    group, walk = ev.after.target, ev.after.params
    cols = presentation.figure_columns(figure_area, 4)
    net = ev.newly_covered  # the balance of people newly and no longer within reach
    cols[0].metric(
        "neu fußläufig versorgt" if net >= 0 else "nicht mehr fußläufig versorgt",
        format_number(abs(net)),
        help=f"{group.label}: Saldo aus neu und nicht mehr fußläufig Versorgten.",
        border=True,
    )
    city, base = ev.after.city, ev.before.city
    with cols[1].container(border=True):
        change = (
            None if ev.after is ev.before else city["anteil_versorgt"] - base["anteil_versorgt"]
        )
        st.metric(
            f"Anteil bis {format_number(walk.max_walk_m)} m",
            f"{tables.percent(city['anteil_versorgt'])} %",
            **(tables.metric_delta(change, 1, "Prozentpunkte") if change is not None else {}),
        )
        st.caption(tables.range_words(*share_range(city)))
    cols[2].metric(
        "Stadtteile mit neuer Klasse",
        format_number(int(ev.table["klasse_geaendert"].sum())),
        help=RANK_NOTE,
        border=True,
    )
    cols[3].metric(
        "Standorte neu / geschlossen",
        f"{len(scenario.overlay.added)} / {len(scenario.overlay.removed)}",
        border=True,
    )
    if scenario.overlay.changes_crossings:
        figure_area.caption(
            f"Elbquerungen im Szenario – neu: {len(scenario.overlay.crossings_added)}, gesperrt: "
            f"{len(scenario.overlay.crossings_closed)}. Gehweg = {walk.label}."
        )
    gain = transit_gain_cells(ev)
    limit = ev.assumptions.transit.max_minutes
    if gain is not None:
        figure_area.metric(
            f"neu in {format_number(limit)} min mit Bus & Bahn erreichbar",
            format_number(ev.newly_by_transit),
            help="Median der Reisezeit (zu Fuß + Bus & Bahn) über die Abfahrten im Zeitraum der Seite Bus & Bahn.",
            border=True,
        )


def scenario_map(ev: Result, scenario: Scenario) -> gpd.GeoDataFrame:
    """Switches and the simulation map; returns the candidate pool (for the places panel)."""
    walk, limit = ev.after.params, ev.assumptions.transit.max_minutes
    with presentation.editing("schalter"):
        click_col, candidate_col, transit_col, clear_col = st.columns(4)
        click_col.toggle("Klick auf die Karte setzt Standort", **state.bind(state.CLICK_ADDS))
        candidate_col.toggle(
            "Kandidaten (Häuser Dritter) zeigen", **state.bind(state.SHOW_CANDIDATES)
        )
        transit_col.toggle("Bus & Bahn einbeziehen", **state.bind(state.SIM_TRANSIT))
        clear_col.button(
            "Szenario leeren",
            disabled=scenario.overlay.is_empty,
            on_click=simulation.set_scenario,
            args=(Scenario(),),
        )
    candidates = simulation_map.facility_candidates(pkg, ev)
    layers = simulation_map.map_layers(
        pkg,
        ev,
        candidates if st.session_state[state.SHOW_CANDIDATES] else None,
        f"mit Bus & Bahn neu in {format_number(limit)} min",
    )
    base_map = layered_base(simulation_map.map_base(pkg), **map_widget.map_options())
    # The Elbe with the scenario's crossings (switchable layer; closed bridges grey).
    add_barrier(base_map, walk.barrier, closed_crossings(pkg.barrier, walk.barrier))
    map_widget.show_layered_map(
        base_map, layers, key="karte_simulation", on_click=simulation.click, height=620
    )
    sources.attribution()
    if st.session_state[state.CLICK_ADDS]:
        st.caption(
            "Klick in die Karte setzt einen neuen Standort; Zoom und Ausschnitt bleiben. "
            "Ein Klick auf einen Punkt zeigt, was er ist."
        )
    return candidates


def effect_table(ev: Result, group: TargetGroup) -> None:
    """The table "vorher → nachher" per Stadtteil (nothing before the first change)."""
    st.subheader("Wirkung je Stadtteil")
    if ev.after is ev.before:
        st.caption(
            "Noch keine Änderung: Sobald ein Standort gesetzt oder geschlossen ist, steht hier "
            "je Stadtteil, was sich ändert."
        )
    else:
        show_all = st.toggle("alle Stadtteile zeigen", value=False)
        table = ev.table if show_all else ev.changed()
        if table.empty:
            st.caption("Das Szenario ändert in keinem Stadtteil Versorgung oder Klasse.")
        else:
            st.dataframe(
                tables.difference_table(table, group),
                hide_index=True,
                width="stretch",
                column_config={
                    name: st.column_config.TextColumn(width=px, pinned=name == "Stadtteil")
                    for name, px in tables.DIFFERENCE_WIDTHS.items()
                },
            )
        st.caption(RANK_NOTE)


# Everything a click changes reruns on its own (a fragment): a click does not rerun app.py,
# the page menu or the sidebar, and sends only what is below.
@st.fragment
def workspace() -> None:
    scenario = simulation.current()
    try:
        ev, problem = simulation.safe_evaluation(pkg, scenario)
    except ValueError as error:  # the assumptions themselves (e.g. all weights 0)
        st.error(f"Die Auswertung ist mit diesen Annahmen nicht möglich: {error}")
        return
    group = ev.after.target
    notices.show_warnings()
    if problem:
        st.error(f"Das Szenario kann nicht berechnet werden: {problem}", icon=":material/error:")
        st.button(
            "Szenario leeren",
            key="leeren_nach_fehler",
            on_click=simulation.set_scenario,
            args=(Scenario(),),
        )

    figure_area, map_area = presentation.figures_and_map()
    key_figures(ev, scenario, figure_area)
    with map_area:
        candidates = scenario_map(ev, scenario)

    with presentation.editing("vorschlag"):
        siting_panels.proposal_panel(pkg, group)
    with presentation.editing("orte"):
        siting_panels.places_panel(scenario, ev, candidates)

    effect_table(ev, group)
    st.markdown("**Heute und morgen**")
    projection.second_year(pkg, ev)

    with presentation.editing("speichern"):
        siting_panels.save_and_share(scenario)


# Outside the fragment: a map click does not resend it; changing a crossing reruns the page.
with presentation.editing("querungen"):
    siting_panels.crossings_panel(pkg, simulation.current())
with presentation.editing("stadtteilmitte"):
    siting_panels.centre_panel(pkg)
workspace()
