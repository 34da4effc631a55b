"""The current scenario in the session: parameters, cached evaluation, store and links."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import numpy as np
import streamlit as st

from geo.package import DataPackage
from indicators.format import format_number
from scenarios.evaluate import (
    Evaluation,
    Proposal,
    access_for,
    base_of,
    candidate_pool,
    evaluate,
    propose,
)
from scenarios.exchange import LINK_LABEL, read_link, to_url_param
from scenarios.model import NewSite, Scenario, scenario_sites
from scenarios.store import Loaded, ScenarioStore, store_dir
from ui import analysis, state, transit
from ui.markup import md

LINK_PARAM = "szenario"
LOGGER = logging.getLogger("begegnungsatlas")


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


def apply(scenario: Scenario, years: list[int]) -> list[str]:
    """Make a loaded scenario current, including its year, target group and assumptions.

    Values the sidebar cannot show (a year not in the package, a walking distance that is
    not one of the choices, a detour factor beyond the slider) are replaced by the nearest
    choice, so every page keeps working.

    Returns
    -------
    list of str
        German notes on every value that was replaced (empty if none).
    """
    notes = []

    def text(value: float, unit: str) -> str:
        number = format_number(value, 0 if float(value).is_integer() else 2)
        return f"{number} {unit}".strip()

    def fitted(value: float, chosen: float, label: str, unit: str) -> float:
        if chosen != value:
            notes.append(
                f"{label} {text(value, unit)} ist in der App nicht wählbar; verwendet wird "
                f"{text(chosen, unit)}."
            )
        return chosen

    def nearest(value: float, options: list[int], label: str, unit: str) -> int:
        chosen = min(options, key=lambda o: (abs(o - value), o))
        return int(fitted(value, chosen, label, unit))

    def clamp(value: float, bounds: tuple[float, float], label: str, unit: str) -> float:
        return fitted(value, min(max(value, bounds[0]), bounds[1]), label, unit)

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
    st.session_state[state.MAX_WALK] = nearest(
        walk.max_walk_m, analysis.WALK_OPTIONS, "Die Gehdistanz", "m"
    )
    st.session_state[state.DETOUR] = clamp(
        walk.detour, analysis.DETOUR_RANGE, "Der Umwegfaktor", ""
    )
    st.session_state[state.SPEED] = clamp(
        walk.speed_mps, analysis.SPEED_RANGE, "Das Gehtempo", "m/s"
    )
    st.session_state[state.CATCHMENT] = nearest(
        walk.catchment_m, analysis.CATCHMENT_OPTIONS, "Der Einzugsbereich", "m"
    )
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
