"""The current scenario of the Standortsimulation: the session's overlay, edits and evaluation.

Neighbours by concern: :mod:`ui.proposals` (the optimiser's proposal), :mod:`ui.scenario_links`
(store handle and links), :mod:`ui.simulation_map` (map layers, candidates, gap warnings),
:mod:`ui.notices` (messages for the next run).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from geo.io.package import DataPackage
from scenarios.evaluation import Result, scenario_barrier
from scenarios.evaluation import check_fits as scenario_fits
from scenarios.model import MAX_SCENARIO_CROSSINGS, NewCrossing, Overlay, Scenario
from scenarios.placement import place
from scenarios.store import Loaded
from ui import analysis, data, state
from ui.notices import notify, warn


def current() -> Scenario:
    """The session's scenario (name, overlay, note) with the assumptions set in the sidebar."""
    return replace(st.session_state[state.SCENARIO], assumptions=analysis.assumptions())


def set_scenario(scenario: Scenario, *, keep_proposal: bool = False) -> None:
    """Replace the session's scenario (places only; parameters stay as set).

    A shown proposal belongs to the scenario it was computed for; it is dropped unless
    ``keep_proposal`` (when one of its own sites is taken over).
    """
    st.session_state[state.SCENARIO] = scenario
    if not keep_proposal:
        st.session_state[state.PROPOSAL] = None


def set_overlay(overlay: Overlay, *, keep_proposal: bool = False) -> None:
    """Replace the overlay of the session's scenario (name and note stay)."""
    scenario = st.session_state[state.SCENARIO]
    set_scenario(replace(scenario, overlay=overlay), keep_proposal=keep_proposal)


def overlay() -> Overlay:
    """The overlay of the session's scenario."""
    return st.session_state[state.SCENARIO].overlay


def apply(scenario: Scenario, years: list[int]) -> list[str]:
    """Make a loaded scenario current, including its year and all its assumptions.

    The sidebar shows the scenario's own values (see :func:`ui.analysis.show_assumptions`),
    so the figures stay those of the saved scenario – the same as
    ``begegnungsatlas … --scenario``. Only a year the package lacks is replaced.

    Returns
    -------
    list of str
        German notes on every value that was replaced (empty if none).
    """
    set_scenario(scenario)
    notes = analysis.show_assumptions(scenario.assumptions, years)
    st.session_state[state.SCENARIO_NAME] = scenario.name
    st.session_state[state.STORED_VERSION] = None
    return notes


def check_fits(pkg: DataPackage, scenario: Scenario) -> None:
    """Raise a German ValueError if the scenario cannot be used with this data package.

    A new place outside every Stadtteil (or an Elbe crossing the package does not know or
    that is not on the river) cannot be evaluated; such a scenario is refused
    where it enters (link, import, store) instead of breaking the Standortsimulation.
    """
    scenario_fits(pkg, scenario)  # places inside the city; crossings known and on the river


def admit(pkg: DataPackage, scenario: Scenario, stored: Loaded | None = None) -> None:
    """Check and apply a scenario from outside; the notes are shown on the next run.

    Raises
    ------
    ValueError
        If the scenario does not fit the package (German message); nothing is changed.
    """
    check_fits(pkg, scenario)
    notes = apply(scenario, pkg.selectable_years)
    if stored is not None:
        st.session_state[state.STORED_VERSION] = (stored.scenario.name, stored.version)
    if notes:
        notify("warning", "Szenario geladen, mit Anpassungen: " + " ".join(notes))


def remove_site(index: int) -> None:
    """Callback of "entfernen": the new site at ``index`` leaves the scenario."""
    set_overlay(overlay().without_site(index))


def close_places() -> None:
    """Callback of the multiselect of places switched off in the scenario."""
    closed = tuple(st.session_state[state.CLOSE_PICK])
    set_overlay(replace(overlay(), removed=closed))


def close_crossings() -> None:
    """Callback of the multiselect of Elbe crossings closed in the scenario."""
    closed = tuple(st.session_state[state.CROSSING_CLOSE_PICK])
    set_overlay(replace(overlay(), crossings_closed=closed))


def add_crossing(crossing: NewCrossing) -> None:
    """Add an Elbe crossing to the scenario if it lies on the river (else a warning)."""
    pkg = data.package()
    edits = overlay()
    if any(c.name == crossing.name for c in edits.crossings_added):
        warn(f"Die Querung „{crossing.name}“ ist schon im Szenario.")
        return
    if len(edits.crossings_added) >= MAX_SCENARIO_CROSSINGS:
        warn(f"Ein Szenario kann höchstens {MAX_SCENARIO_CROSSINGS} Querungen ergänzen.")
        return
    changed = replace(edits, crossings_added=(*edits.crossings_added, crossing))
    try:
        scenario_barrier(pkg, changed)
    except ValueError as error:
        warn(str(error))
        return
    set_overlay(changed)


def remove_crossing(index: int) -> None:
    """Callback of "entfernen" next to an added Elbe crossing."""
    edits = overlay()
    kept = tuple(c for i, c in enumerate(edits.crossings_added) if i != index)
    set_overlay(replace(edits, crossings_added=kept))


def evaluation(pkg: DataPackage, scenario: Scenario) -> Result:
    """Status quo vs. scenario (cached); with Bus & Bahn when the page asks for it."""
    with_transit = bool(st.session_state[state.SIM_TRANSIT])
    return analysis.result(pkg, scenario.overlay, scenario.assumptions, with_transit=with_transit)


def safe_evaluation(pkg: DataPackage, scenario: Scenario) -> tuple[Result, str | None]:
    """:func:`evaluation`, or the status quo and the German reason when the scenario fails.

    The page then shows the reason with a "Szenario leeren" button and still draws its map
    and controls. A failing status quo (e.g. all index weights 0) raises ValueError.
    """
    try:
        return evaluation(pkg, scenario), None
    except ValueError as error:
        return evaluation(pkg, replace(scenario, overlay=Overlay())), str(error)


@st.cache_resource(max_entries=4, show_spinner=False)
def _stops(_package: DataPackage, version: str):
    from scenarios.proposals import package_stops

    return package_stops(_package)


def stops(pkg: DataPackage):
    """Stops of the timetable that name new sites (None without a timetable)."""
    try:
        return _stops(pkg, pkg.version)
    except ValueError:  # an unreadable timetable only costs the stop names
        return None


def click(lon: float, lat: float) -> None:
    """Callback of a map click: place a site there, or say why not.

    The position is checked before anything changes (outside the city, duplicate, full
    scenario); a refused click leaves the scenario as it was and shows a German warning.
    Clicks work in presentation mode too (the page says so): only the switch decides.
    """
    if not st.session_state[state.CLICK_ADDS]:
        return
    add(lon, lat, "karte")


def add(lon: float, lat: float, source: str, *, ref: str = "", name: str | None = None) -> bool:
    """Add a checked and named site to the session's scenario; False (with a warning) if refused.

    Parameters
    ----------
    lon, lat : float
        WGS84 position.
    source, ref : str
        Where the site comes from (see :data:`scenarios.model.SOURCES`).
    name : str, optional
        Keep this name (a candidate's or a proposal's) instead of naming by the stop.
    """
    pkg = data.package()
    try:
        edits = place(
            overlay(), lon, lat, pkg.stadtteile, stops(pkg), source=source, ref=ref,
            name=name, water=None,  # water areas: pass them here once the package has them
        )  # fmt: skip
    except ValueError as error:
        warn(str(error))
        return False
    set_overlay(edits, keep_proposal=source == "vorschlag")
    return True


@st.cache_resource(max_entries=4, show_spinner=False)
def _centres(_package: DataPackage, version: str) -> dict[str, tuple[float, float]]:
    from scenarios.placement import stadtteil_centres

    return stadtteil_centres(_package)


def centres(pkg: DataPackage) -> dict[str, tuple[float, float]]:
    """Population-weighted centre (lon, lat) of every populated Stadtteil (cached)."""
    return _centres(pkg, pkg.version)


def add_centre(nr: str) -> None:
    """Callback: a new place at the population-weighted centre of Stadtteil ``nr``."""
    lon, lat = centres(data.package())[nr]
    add(lon, lat, "stadtteilmitte", ref=nr)
