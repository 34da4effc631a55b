"""The current scenario in the session: parameters, cached evaluation, store and links."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import streamlit as st

from geo.package import DataPackage
from scenarios.exchange import from_url_param, to_url_param
from scenarios.model import NewSite, Scenario
from scenarios.proposals import Proposal, candidate_pool, propose
from scenarios.result import Result, access_for
from scenarios.store import ScenarioStore, store_dir
from ui import analysis, state

LINK_PARAM = "szenario"


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


def apply(scenario: Scenario, years: list[int]) -> None:
    """Make a loaded scenario current, including its year, target group and assumptions."""
    set_scenario(scenario)
    if scenario.year in years:
        st.session_state[state.YEAR] = scenario.year
    st.session_state[state.TARGET] = scenario.target
    st.session_state[state.SITE_CATEGORIES] = list(scenario.selection.categories)
    st.session_state[state.INCLUDE_RESTRICTED] = scenario.selection.include_restricted
    st.session_state[state.INCLUDE_UNCLEAR] = scenario.selection.include_unclear
    st.session_state[state.MAX_WALK] = int(scenario.params.max_walk_m)
    st.session_state[state.DETOUR] = scenario.params.detour
    st.session_state[state.SPEED] = scenario.params.speed_mps
    st.session_state[state.CATCHMENT] = int(scenario.params.catchment_m)
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
    """The scenario store (a shared handle per directory; each call opens its own connection)."""
    return _store(str(store_dir()))


def share_link(scenario: Scenario) -> str:
    """Put the scenario into the URL (``?szenario=…``) and return the query string."""
    value = to_url_param(scenario)
    st.query_params[LINK_PARAM] = value
    return f"?{LINK_PARAM}={value}"


def load_from_link(years: list[int]) -> str | None:
    """Apply a scenario from ``?szenario=…`` once; returns an error text if it is invalid."""
    value = st.query_params.get(LINK_PARAM)
    if not value or value == st.session_state[state.APPLIED_LINK]:
        return None
    st.session_state[state.APPLIED_LINK] = value
    try:
        apply(from_url_param(value), years)
    except ValueError as error:
        return f"Der Szenario-Link konnte nicht geladen werden: {error}"
    return None
