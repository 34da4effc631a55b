"""The optimiser's proposal in the Standortsimulation: compute, show, take over, drop."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import streamlit as st

from geo.io.package import DataPackage
from scenarios.model import Assumptions, Overlay, Scenario
from ui import analysis, data, state
from ui.notices import warn
from ui.simulation import add, current

if TYPE_CHECKING:  # the optimiser (scipy.optimize) is imported when a page first needs it
    from scenarios.proposals import Proposal


@st.cache_data(max_entries=16, show_spinner="Optimale Standorte werden berechnet …")
def _propose(
    _package: DataPackage,
    version: str,
    a: Assumptions,
    overlay: Overlay,
    k: int,
    kind: str,
    stadtteile: tuple,
    objective: str,
    future_year: int | None = None,
) -> Proposal:
    from scenarios.proposals import propose

    result = analysis.access(_package, a, overlay)  # on top of the status quo from the cache
    future = None
    if future_year is not None:  # the same situation on the people of the second year
        future = analysis.access(_package, replace(a, year=future_year), overlay)
    return propose(_package, result, k, kind, list(stadtteile) or None, objective, future=future)


#: Objective of the optimiser panel: MCLP for today and a second year together.
TWO_YEARS = "zwei_jahre"


def two_year_target(pkg: DataPackage, scenario: Scenario) -> int | None:
    """The second year of a two-year plan: the one chosen for before/after, else the last."""
    from ui.projection import SECOND_YEAR

    year = scenario.assumptions.year or max(pkg.years)
    chosen = st.session_state.get(SECOND_YEAR)
    if chosen in pkg.selectable_years and chosen != year:
        return chosen
    later = [y for y in pkg.selectable_years if y != year]
    return pkg.projected_years[-1] if pkg.projected_years[-1] != year else later[-1]


def proposal(pkg: DataPackage, scenario: Scenario) -> Proposal:
    """The optimiser for the current settings (existing and already added places fixed)."""
    objective = st.session_state[state.OPT_OBJECTIVE]
    two_years = objective == TWO_YEARS and bool(pkg.projected_years)
    return _propose(
        pkg,
        pkg.version,
        scenario.assumptions,
        scenario.overlay,
        int(st.session_state[state.OPT_K]),
        st.session_state[state.OPT_KIND],
        tuple(st.session_state[state.OPT_STADTTEILE]),
        "abdeckung" if objective == TWO_YEARS else objective,
        two_year_target(pkg, scenario) if two_years else None,
    )


def request_proposal() -> None:
    """Callback of "Vorschlag berechnen": compute before the page runs (the map shows it).

    A German error of the optimiser is shown as a warning.
    """
    pkg = data.package()
    scenario = current()
    try:
        result = proposal(pkg, scenario)
    except ValueError as error:
        warn(f"Kein Vorschlag möglich: {error}")
        return
    st.session_state[state.PROPOSAL] = (result, scenario.overlay.added, scenario.overlay.removed)


def shown_proposal() -> tuple[Proposal, list[bool]] | None:
    """The proposal on display and, per proposed site, whether it was taken over.

    A proposal is shown as long as the scenario only grew by its own sites; any other change
    (a click, a removal, a cleared scenario) drops it, because it was optimal only for the
    scenario it was computed for.
    """
    stored = st.session_state[state.PROPOSAL]
    if not stored:
        return None
    result, added, removed = stored
    scenario = st.session_state[state.SCENARIO]
    extra = scenario.overlay.added[len(added) :]
    proposed = {(round(s.lon, 7), round(s.lat, 7)) for s in result.as_new_sites()}
    if (
        scenario.overlay.removed != removed
        or scenario.overlay.added[: len(added)] != added
        or any((round(s.lon, 7), round(s.lat, 7)) not in proposed for s in extra)
    ):
        st.session_state[state.PROPOSAL] = None
        return None
    taken = {(round(s.lon, 7), round(s.lat, 7)) for s in extra}
    return result, [(round(s.lon, 7), round(s.lat, 7)) in taken for s in result.as_new_sites()]


def take_over(indices: list[int]) -> None:
    """Callback: take over the proposed sites at ``indices`` (each checked like a click)."""
    shown = shown_proposal()
    if shown is None:
        return
    result, taken = shown
    names = [s.name for s in st.session_state[state.SCENARIO].overlay.added]
    for i in indices:
        if taken[i]:
            continue
        site = result.as_new_sites(taken=names)[i]
        if add(site.lon, site.lat, "vorschlag", ref=site.ref, name=site.name):
            names.append(site.name)


def drop_proposal() -> None:
    """Callback of "Vorschlag verwerfen"."""
    st.session_state[state.PROPOSAL] = None
