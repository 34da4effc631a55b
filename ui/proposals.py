"""The optimiser's proposal in the Standortsimulation: compute, show, take over, drop."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from geo.io.package import DataPackage
from scenarios.model import Scenario
from ui import analysis, data, state
from ui.notices import warn
from ui.simulation import add, current

if TYPE_CHECKING:  # the optimiser (scipy.optimize) is imported when a page first needs it
    from scenarios.proposals import Proposal


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
    from scenarios.proposals import propose

    result = analysis.access(_package, scenario)  # the status quo from the cache
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
    st.session_state[state.PROPOSAL] = (result, scenario.added, scenario.removed)


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
    extra = scenario.added[len(added) :]
    proposed = {(round(s.lon, 7), round(s.lat, 7)) for s in result.as_new_sites()}
    if (
        scenario.removed != removed
        or scenario.added[: len(added)] != added
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
    names = [s.name for s in st.session_state[state.SCENARIO].added]
    for i in indices:
        if taken[i]:
            continue
        site = result.as_new_sites(taken=names)[i]
        if add(site.lon, site.lat, "vorschlag", ref=site.ref, name=site.name):
            names.append(site.name)


def drop_proposal() -> None:
    """Callback of "Vorschlag verwerfen"."""
    st.session_state[state.PROPOSAL] = None
