"""The current scenario in the session: parameters, cached evaluation, store and links."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import streamlit as st

from geo.package import DataPackage
from scenarios.evaluate import (
    Evaluation,
    Proposal,
    access_for,
    base_of,
    candidate_pool,
    evaluate,
    propose,
)
from scenarios.exchange import from_url_param, to_url_param
from scenarios.model import NewSite, Scenario
from scenarios.store import ScenarioStore, store_dir
from ui import analysis, state, transit

LINK_PARAM = "szenario"


def current() -> Scenario:
    """The session's scenario with the assumptions currently set in the sidebar."""
    scenario: Scenario = st.session_state[state.SCENARIO]
    return replace(
        scenario,
        year=st.session_state[state.YEAR],
        target=analysis.target().id,
        params=analysis.params(),
        selection=analysis.selection(),
    )


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
    st.session_state[state.SCENARIO_NAME] = scenario.name


def add_site(site: NewSite) -> None:
    """Add a place to the session's scenario (ValueError if the scenario is full)."""
    set_scenario(st.session_state[state.SCENARIO].with_site(site))


@st.cache_data(max_entries=32, show_spinner="Szenario wird berechnet …")
def _evaluate(
    _package: DataPackage, version: str, scenario: Scenario, weights: tuple
) -> Evaluation:
    demand = analysis.demand(_package, scenario.year, scenario.target)
    before = access_for(_package, base_of(scenario), demand)
    return evaluate(_package, scenario, demand=demand, before=before, weights=dict(weights))


def evaluation(pkg: DataPackage, scenario: Scenario) -> Evaluation:
    """Base vs. scenario for the current weights (cached per scenario)."""
    return _evaluate(pkg, pkg.version, scenario, tuple(sorted(state.weights().items())))


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


def transit_gain(pkg: DataPackage, ev: Evaluation) -> tuple[np.ndarray, float, float] | None:
    """Cells that reach a place by Bus & Bahn within the threshold only with the scenario.

    Returns
    -------
    tuple or None
        ``(mask per cell, net change of people within reach, threshold minutes)`` – net like
        the walking figure, so closures count against additions; None without a timetable.
    """
    cells = ev.after.cells
    before, after = transit.access(pkg, ev.after, ev.before.sites), transit.access(pkg, ev.after)
    if before is None or after is None:
        return None
    limit = after.params.max_minutes
    reached_before, reached_after = before.minutes <= limit, after.minutes <= limit
    people = cells["nachfrage"].to_numpy()
    net = float(np.nansum(people * reached_after) - np.nansum(people * reached_before))
    return reached_after & ~reached_before, net, limit
