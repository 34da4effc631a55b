"""The current scenario in the session: parameters, cached evaluation, store and links."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import streamlit as st

from geo.package import DataPackage
from scenarios.exchange import LINK_LABEL, read_link, to_url_param
from scenarios.model import NewSite, Scenario, scenario_sites
from scenarios.proposals import Proposal, candidate_pool, propose
from scenarios.result import Result, access_for
from scenarios.store import Loaded, ScenarioStore, store_dir
from ui import analysis, state
from ui.markup import md

LINK_PARAM = "szenario"
LOGGER = logging.getLogger("begegnungsatlas")


def current() -> Scenario:
    """The session's scenario with the assumptions currently set in the sidebar."""
    scenario: Scenario = st.session_state[state.SCENARIO]
    settings = analysis.assumptions()
    return replace(
        settings, name=scenario.name, added=scenario.added, removed=scenario.removed,
        note=scenario.note, created=scenario.created, package_version=scenario.package_version,
    )  # fmt: skip


def set_scenario(scenario: Scenario) -> None:
    """Replace the session's scenario (places only; parameters stay as set)."""
    st.session_state[state.SCENARIO] = scenario
    st.session_state[state.PROPOSAL] = None


def apply(scenario: Scenario, years: list[int]) -> list[str]:
    """Make a loaded scenario current, including its year and all its assumptions.

    The sidebar shows the scenario's own values (its select sliders add a value that is not
    among their usual choices), so the figures stay those of the saved scenario – the same
    as ``begegnungsatlas … --scenario``. Only a year the package lacks is replaced.

    Returns
    -------
    list of str
        German notes on every value that was replaced (empty if none).
    """
    notes = []
    set_scenario(scenario)
    if scenario.year in years:
        st.session_state[state.YEAR] = scenario.year
    elif scenario.year is not None:
        notes.append(
            f"Das Jahr {scenario.year} ist im Datenpaket nicht enthalten; verwendet wird "
            f"{st.session_state[state.YEAR]}."
        )
    walk = scenario.params
    st.session_state[state.TARGET] = scenario.target
    st.session_state[state.SITE_CATEGORIES] = list(scenario.selection.categories)
    st.session_state[state.INCLUDE_RESTRICTED] = scenario.selection.include_restricted
    st.session_state[state.INCLUDE_UNCLEAR] = scenario.selection.include_unclear
    st.session_state[state.MAX_WALK] = (
        int(walk.max_walk_m) if walk.max_walk_m % 1 == 0 else walk.max_walk_m
    )
    st.session_state[state.DETOUR] = walk.detour
    st.session_state[state.SPEED] = walk.speed_mps
    st.session_state[state.CATCHMENT] = (
        int(walk.catchment_m) if walk.catchment_m % 1 == 0 else walk.catchment_m
    )
    for key, weight in scenario.weight_map.items():
        st.session_state[state.weight_key(key)] = weight
    st.session_state[state.MIN_PEOPLE] = scenario.min_people
    bus = scenario.transit
    st.session_state[state.TRANSIT_MINUTES] = bus.max_minutes
    st.session_state[state.TRANSIT_WEEKDAY] = bus.weekday
    st.session_state[state.TRANSIT_WINDOW] = (bus.start_min, bus.end_min)
    st.session_state[state.TRANSIT_ACCESS] = bus.max_access_m
    st.session_state[state.TRANSIT_PENALTY] = bus.transfer_penalty_min
    st.session_state[state.TRANSIT_WHEELCHAIR] = bus.wheelchair_only
    st.session_state[state.SCENARIO_NAME] = scenario.name
    st.session_state[state.STORED_VERSION] = None
    return notes


def check_fits(pkg: DataPackage, scenario: Scenario) -> None:
    """Raise a German ValueError if the scenario cannot be used with this data package.

    A new place outside every Stadtteil cannot be evaluated; such a scenario is refused
    where it enters (link, import, store) instead of breaking the Standortsimulation.
    """
    scenario_sites(scenario, pkg.einrichtungen, pkg.stadtteile)


def admit(pkg: DataPackage, scenario: Scenario, stored: Loaded | None = None) -> None:
    """Check and apply a scenario from outside; the notes are shown on the next run.

    Raises
    ------
    ValueError
        If the scenario does not fit the package (German message); nothing is changed.
    """
    check_fits(pkg, scenario)
    notes = apply(scenario, pkg.years)
    if stored is not None:
        st.session_state[state.STORED_VERSION] = (stored.scenario.name, stored.version)
    if notes:
        notify("warning", "Szenario geladen, mit Anpassungen: " + " ".join(notes))


def notify(kind: str, text: str) -> None:
    """Show ``text`` once at the top of the next page run (``kind``: error, warning, info)."""
    st.session_state[state.NOTICES] = (*st.session_state[state.NOTICES], (kind, text))


def show_notices() -> None:
    """Show and forget the messages of :func:`notify` (called by app.py before the page)."""
    notices = st.session_state.get(state.NOTICES) or ()
    st.session_state[state.NOTICES] = ()
    for kind, text in notices:
        getattr(st, kind)(md(text), icon=":material/error:" if kind == "error" else None)


def add_site(site: NewSite) -> None:
    """Add a place to the session's scenario (ValueError if the scenario is full)."""
    set_scenario(st.session_state[state.SCENARIO].with_site(site))


def evaluation(pkg: DataPackage, scenario: Scenario) -> Result:
    """Status quo vs. scenario (cached); with Bus & Bahn when the page asks for it."""
    return analysis.result(pkg, scenario, with_transit=bool(st.session_state[state.SIM_TRANSIT]))


@st.cache_data(max_entries=16, show_spinner="Optimale Standorte werden berechnet …")
def _propose(
    _package: DataPackage,
    version: str,
    scenario: Scenario,
    k: int,
    kind: str,
    stadtteile: tuple,
    objective: str,
) -> Proposal:
    demand = analysis.demand(_package, scenario.year, scenario.target)
    result = access_for(_package, scenario, demand)
    return propose(_package, result, k, kind, list(stadtteile) or None, objective)


def proposal(pkg: DataPackage, scenario: Scenario) -> Proposal:
    """The optimiser for the current settings (existing and already added places fixed)."""
    return _propose(
        pkg,
        pkg.version,
        scenario,
        int(st.session_state[state.OPT_K]),
        st.session_state[state.OPT_KIND],
        tuple(st.session_state[state.OPT_STADTTEILE]),
        st.session_state[state.OPT_OBJECTIVE],
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _candidates(_package: DataPackage, version: str, scenario: Scenario):
    demand = analysis.demand(_package, scenario.year, scenario.target)
    return candidate_pool(_package, access_for(_package, scenario, demand), "facilities")


def facility_candidates(pkg: DataPackage, scenario: Scenario):
    """Existing places of other operators that could host senior offers."""
    return _candidates(pkg, pkg.version, scenario)


@st.cache_resource
def _store(directory: str) -> ScenarioStore:
    return ScenarioStore(Path(directory))


def store() -> ScenarioStore:
    """The scenario store (a shared handle per directory; each call opens its own connection).

    Raises
    ------
    scenarios.store.StoreError
        If the folder is unusable (German message).
    """
    return _store(str(store_dir()))


def share_link(scenario: Scenario) -> str:
    """Put the scenario into the URL (``?szenario=…``) and return the query string.

    Raises
    ------
    ValueError
        If the scenario is too large for a link (German message: share it as a file).
    """
    value = to_url_param(scenario)
    st.query_params[LINK_PARAM] = value
    st.session_state[state.APPLIED_LINK] = value
    return f"?{LINK_PARAM}={value}"


def load_from_link(pkg: DataPackage) -> None:
    """Apply a scenario from ``?szenario=…`` once.

    The link is parsed in a limited worker (:func:`scenarios.exchange.read_link`). A bad
    link never raises: its German message is shown once (:func:`notify`), the parameter is
    removed from the address, and the session keeps its scenario.
    """
    value = st.query_params.get(LINK_PARAM)
    if not value or value == st.session_state[state.APPLIED_LINK]:
        return
    try:
        scenario = read_link(value)
        check_fits(pkg, scenario)
    except ValueError as error:
        problem = str(error)
    except Exception:  # a bug must not lock the user out: log it, drop the link
        LOGGER.exception("Szenario-Link konnte nicht gelesen werden")
        problem = "Interner Fehler beim Lesen des Links (im Protokoll des Servers vermerkt)."
    else:
        st.session_state[state.APPLIED_LINK] = value
        notes = apply(scenario, pkg.years)
        if notes:
            notify("warning", "Szenario aus dem Link geladen, mit Anpassungen: " + " ".join(notes))
        return
    del st.query_params[LINK_PARAM]
    notify(
        "error",
        "Der Szenario-Link konnte nicht geladen werden; er wurde aus der Adresse entfernt. "
        + problem.removeprefix(f"{LINK_LABEL}: "),
    )
