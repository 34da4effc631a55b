"""The editing panels of the Standortsimulation page (new/closed places, optimiser)."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from auth import EDIT
from geo.analysis.demand import TargetGroup
from geo.analysis.siting import MAX_K, gap_text
from geo.crs import to_wgs84
from geo.io.package import DataPackage
from indicators.format import format_coordinates, format_number
from scenarios.evaluation import Result
from scenarios.exchange import to_json
from scenarios.model import CROSSING_ARTS, NewCrossing, Scenario, stamped
from scenarios.proposals import CANDIDATE_KINDS, OBJECTIVES, Proposal
from ui import auth as access
from ui import (
    charts,
    data,
    pickers,
    projection,
    proposals,
    scenario_links,
    simulation,
    simulation_map,
    state,
)
from ui.inputs import german_number
from ui.markup import md
from ui.tables import german_table, labelled


def places_panel(scenario: Scenario, ev: Result, candidates: gpd.GeoDataFrame) -> None:
    """List/remove new places, add a candidate, switch existing places off."""
    edit_col, close_col = st.columns(2)
    with edit_col:
        st.markdown("**Neue Standorte**")
        if not scenario.overlay.added:
            st.caption("Noch keine – auf die Karte klicken oder einen Kandidaten wählen.")
        warnings = simulation_map.site_warnings(data.package(), ev)
        for i, site in enumerate(scenario.overlay.added):
            text, button = st.columns([4, 1])
            text.write(f"**{i + 1}** · {md(site.name)}")
            for warning in warnings[i] if i < len(warnings) else ():
                text.warning(md(warning), icon=":material/help:")
            # Callbacks, not st.rerun(): the change is drawn in the same (fragment) run.
            button.button(
                "entfernen", key=f"entfernen_{i}", on_click=simulation.remove_site, args=(i,)
            )
        pick = st.selectbox(
            "Kandidat hinzufügen",
            list(candidates.index),
            index=None,
            placeholder="Haus eines anderen Trägers wählen …",
            format_func=lambda i: f"{candidates.at[i, 'name']} – {candidates.at[i, 'stadtteil']}",
        )
        if pick is not None:
            point = to_wgs84(candidates.loc[[pick]]).geometry.iloc[0]
            row = candidates.loc[pick]
            st.button(
                "Kandidat übernehmen",
                on_click=simulation.add,
                args=(point.x, point.y, "kandidat"),
                kwargs={"ref": row["ref"], "name": row["name"]},
            )
    with close_col:
        existing = ev.before.sites.set_index("id")["name"]
        # The widget shows the scenario as it is (also after "Szenario leeren" or a load).
        st.session_state[state.CLOSE_PICK] = [
            r for r in scenario.overlay.removed if r in existing.index
        ]
        st.multiselect(
            "Bestehende Einrichtungen schließen (was wäre, wenn …)",
            list(existing.index),
            select_all=False,  # Streamlit's "Select all" is English
            format_func=lambda i: existing.get(i, i),
            placeholder="Einrichtungen wählen …",
            key=state.CLOSE_PICK,
            on_change=simulation.close_places,
        )


def centre_panel(pkg: DataPackage) -> None:
    """Add a place at the population-weighted centre of a Stadtteil.

    Drawn outside the page's fragment: a map click does not resend the list of Stadtteile.
    """
    with st.expander("Standort in der Mitte eines Stadtteils"):
        left, right = st.columns([3, 1])
        middle = left.selectbox(
            "Stadtteil",
            list(simulation.centres(pkg)),
            index=None,
            placeholder="Stadtteil wählen …",
            format_func=pickers.stadtteil_label(pkg),
            help="Die bevölkerungsgewichtete Mitte: die bewohnte Zelle, von der aus die "
            "Einwohner des Stadtteils zusammen den kürzesten Weg haben – etwa für den Treff "
            "eines Bürgervereins, dessen Adresse noch fehlt.",
        )
        right.button(
            "Stadtteilmitte übernehmen",
            on_click=simulation.add_centre,
            args=(middle,),
            disabled=middle is None,
        )


def crossings_panel(pkg: DataPackage, scenario: Scenario) -> None:
    """Close Elbe crossings or add one in the scenario (only with a barrier in the package)."""
    barrier = pkg.barrier
    if barrier is None:
        return
    with st.expander("Elbquerungen im Szenario", expanded=scenario.overlay.changes_crossings):
        st.caption(
            "Zu Fuß führt ein Weg über die Elbe nur über eine Brücke. Hier eine Brücke sperren "
            "(z. B. Bauarbeiten) oder eine fehlende ergänzen; die Wirkung zeigt sich wie bei "
            "jeder Szenario-Änderung. Fähren zählen nur bei Bus & Bahn."
        )
        walkable = [c.name for c in barrier.crossings if c.walkable]
        st.session_state[state.CROSSING_CLOSE_PICK] = [
            n for n in scenario.overlay.crossings_closed if n in walkable
        ]
        st.multiselect(
            "Brücken sperren",
            walkable,
            select_all=False,  # Streamlit's "Select all" is English
            placeholder="Brücken wählen …",
            key=state.CROSSING_CLOSE_PICK,
            on_change=simulation.close_crossings,
        )
        for i, crossing in enumerate(scenario.overlay.crossings_added):
            text, button = st.columns([4, 1])
            text.write(f"neu: {md(crossing.name)} ({CROSSING_ARTS[crossing.art]})")
            button.button(
                "entfernen",
                key=f"querung_entfernen_{i}",
                on_click=simulation.remove_crossing,
                args=(i,),
            )
        # Missing crossings (the package README lists known gaps) come from the planner,
        # never from code: name and position, snapped to the nearest Elbe line.
        st.markdown("**Querung ergänzen**")
        name_col, lat_col, lon_col = st.columns(3)
        name = name_col.text_input(
            "Name", value="Neue Brücke", max_chars=80, key=state.CROSSING_NEW_NAME
        )
        lat = german_number(
            lat_col, "Breitengrad", state.CROSSING_NEW_LAT, 5, min_value=-90, max_value=90,
            placeholder="z. B. 52,1294",
        )  # fmt: skip
        lon = german_number(
            lon_col, "Längengrad", state.CROSSING_NEW_LON, 5, min_value=-180, max_value=180,
            placeholder="z. B. 11,6427",
        )  # fmt: skip
        crossing = None
        if lat is not None and lon is not None:
            crossing = NewCrossing(" ".join(name.split()) or "Neue Brücke", lon, lat)
        st.button(
            "Querung übernehmen",
            on_click=simulation.add_crossing,
            args=(crossing,),
            disabled=crossing is None,
            help="Lage in WGS84 (z. B. aus QGIS oder einer Webkarte). Sie wird auf die nächste "
            "Elbelinie gesetzt (höchstens 100 m daneben).",
        )


def proposal_panel(pkg: DataPackage, group: TargetGroup) -> None:
    """The optimiser: settings, then a preview on the map to take over site by site or all."""
    shown = proposals.shown_proposal()
    with st.expander("Vorschlag: beste neue Standorte berechnen", expanded=shown is not None):
        k_col, kind_col, goal_col = st.columns(3)
        k_col.slider("Zahl neuer Standorte (k)", 1, MAX_K, **state.bind(state.OPT_K))
        kind_col.radio(
            "Kandidaten",
            list(CANDIDATE_KINDS),
            format_func=CANDIDATE_KINDS.get,
            **state.bind(state.OPT_KIND),
        )
        goals = dict(OBJECTIVES)
        if pkg.projected_years:
            goals[proposals.TWO_YEARS] = (
                "heute und "
                + projection.year_text(pkg, proposals.two_year_target(pkg, simulation.current()))
                + " zusammen: das schlechtere Jahr möglichst gut (MCLP)"
            )
        if st.session_state[state.OPT_OBJECTIVE] not in goals:
            st.session_state[state.OPT_OBJECTIVE] = "abdeckung"
        goal_col.radio(
            "Ziel", list(goals), format_func=goals.get, **state.bind(state.OPT_OBJECTIVE)
        )
        st.multiselect(
            "nur in diesen Stadtteilen (leer = alle)",
            list(pkg.stadtteile.index),
            select_all=False,  # Streamlit's "Select all" is English
            format_func=pickers.stadtteil_label(pkg),
            placeholder="alle Stadtteile",
            **state.bind(state.OPT_STADTTEILE),
        )
        st.button("Vorschlag berechnen", type="primary", on_click=proposals.request_proposal)
        if shown is None:
            return
        proposal, taken = shown
        if all(taken):
            st.success(
                "Alle vorgeschlagenen Standorte sind übernommen und im Szenario (auf der Karte "
                "als neue Standorte).",
                icon=":material/check_circle:",
            )
        elif any(taken):
            st.info(
                f"{sum(taken)} von {len(taken)} vorgeschlagenen Standorten sind übernommen; die "
                "übrigen sind auf der Karte gestrichelt eingezeichnet und noch nicht im Szenario.",
                icon=":material/map:",
            )
        else:
            st.info(
                "Der Vorschlag ist auf der Karte eingezeichnet (nummerierte Kreise, gestrichelt) "
                "und noch nicht im Szenario. Einzeln oder alle übernehmen:",
                icon=":material/map:",
            )
        for i, (row, done) in enumerate(zip(proposal.sites.itertuples(), taken, strict=True)):
            text, button = st.columns([5, 1])
            text.write(
                f"**{i + 1}** · {md(row.name)} – zusätzlich versorgt: {format_number(row.gewinn)}"
            )
            for warning in row.warnungen:
                text.warning(md(warning), icon=":material/help:")
            button.button(
                "übernommen" if done else "übernehmen",
                key=f"vorschlag_{i}",
                disabled=done,
                on_click=proposals.take_over,
                args=([i],),
            )
        all_col, drop_col = st.columns(2)
        all_col.button(
            "Alle übernehmen",
            disabled=all(taken),
            on_click=proposals.take_over,
            args=(list(range(len(taken))),),
        )
        drop_col.button("Vorschlag verwerfen", on_click=proposals.drop_proposal)
        proposal_report(proposal, group)
        st.altair_chart(charts.gain_curve(proposal), width="stretch")


def two_year_report(proposal: Proposal, group: TargetGroup) -> None:
    """Gains of the two-year plan and of the best single-year plans in both years, with regrets."""
    years, *plans = proposal.two_years
    pkg = data.package()
    names = [projection.year_text(pkg, y) for y in years]
    rows = []
    for title, plan in zip(
        [
            "heute und morgen (gewählt)",
            f"nur für {names[0]} optimiert",
            f"nur für {names[1]} optimiert",
        ],
        plans,
        strict=True,
    ):
        row = {"Plan": title}
        for name, gain, regret in zip(names, plan.gains, plan.regrets, strict=True):
            row[f"zusätzlich {group.noun} {name}"] = format_number(gain)
            row[f"Bedauern {name}"] = format_number(regret)
        row["schlechteres Jahr"] = format_number(plan.worse)
        rows.append(row)
    st.markdown(f"**Zwei Jahre: {names[0]} und {names[1]}**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(
        "Bedauern: wie viele Personen der beste Plan nur für dieses Jahr dort mehr versorgen "
        "würde. Der gewählte Plan maximiert das schlechtere der beiden Jahre."
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
    cols[2].metric("Optimalitätslücke", gap_text(result.gap), border=True)
    cols[3].metric("Rechenzeit", f"{format_number(result.seconds, 2)} s", border=True)
    st.caption(
        f"Verfahren: {result.method}. Gehweg = {proposal.walk_label}; bestehende Standorte bleiben."
    )
    if proposal.two_years is not None:
        two_year_report(proposal, group)
    sites = proposal.sites
    st.dataframe(
        pd.DataFrame(
            {
                "Nr.": range(1, len(sites) + 1),
                "Standort": sites["name"],
                "Stadtteil": sites["stadtteil"],
                "Lage (WGS84)": [
                    format_coordinates(lat, lon)
                    for lat, lon in zip(sites["lat"], sites["lon"], strict=True)
                ],
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
    """Save the scenario under a name and offer a link (or a file when it is too large)."""
    editable = access.can_edit()
    st.subheader("Szenario speichern und teilen" if editable else "Szenario teilen")
    name_col, button_col = st.columns([3, 1])
    if editable:
        name_col.text_input(
            "Name", **state.bind(state.SCENARIO_NAME), placeholder="z. B. Plan Nord 2027"
        )
        overwrite = name_col.checkbox("vorhandenes Szenario gleichen Namens überschreiben")
        if button_col.button("Speichern", disabled=scenario.overlay.is_empty):
            save(scenario, overwrite)
    else:
        with name_col:
            access.read_only_notice("Szenarien speichern")
    if button_col.button("Link erzeugen", disabled=scenario.overlay.is_empty):
        try:
            st.code(scenario_links.share_link(scenario), language=None, wrap_lines=True)
            st.caption(
                "Der Link steht jetzt auch in der Adresszeile des Browsers; er enthält das ganze "
                "Szenario."
            )
        except ValueError as error:  # too large for a link: offer the file instead
            st.warning(md(error))
            st.download_button(
                "Szenario als Datei (JSON)",
                to_json(scenario),
                f"{(scenario.name or 'szenario').replace(' ', '_')}.json",
                "application/json",
            )


def save(scenario: Scenario, overwrite: bool) -> None:
    """Store the scenario under the name typed (the store checks the role); German message."""
    try:
        access.require(EDIT, "Szenario speichern")
        named = stamped(scenario, st.session_state[state.SCENARIO_NAME], data.package().version)
        # Overwriting the scenario this session loaded: only if nobody changed it since.
        loaded = st.session_state[state.STORED_VERSION]
        expected = loaded[1] if overwrite and loaded and loaded[0] == named.name else None
        version = scenario_links.store().save(named, overwrite=overwrite, expected_version=expected)
        simulation.set_scenario(named)
        st.session_state[state.STORED_VERSION] = (named.name, version)
        st.success(f"Gespeichert: „{md(named.name)}“, Version {version} (Seite Szenarien).")
    except ValueError as error:
        st.error(md(error))
