"""Saved and shared scenarios in the session: the store handle and ``?szenario=…`` links."""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from geo.io.package import DataPackage
from scenarios.exchange import LINK_LABEL, read_link, to_url_param
from scenarios.model import Scenario
from scenarios.store import ScenarioStore, store_dir
from ui import state
from ui.auth import SCENARIO_WRITES, Guarded
from ui.notices import notify
from ui.simulation import apply, check_fits

LINK_PARAM = "szenario"
LOGGER = logging.getLogger("begegnungsatlas")


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
    return Guarded(_store(str(store_dir())), SCENARIO_WRITES)  # writes check the role


def share_link(scenario: Scenario) -> str:
    """Put the scenario into the URL (``?szenario=…``) and return the whole link.

    The link is the address of this page as the browser has it (host and path), so it can
    be pasted into a mail as it is.

    Raises
    ------
    ValueError
        If the scenario is too large for a link (German message: share it as a file).
    """
    value = to_url_param(scenario)
    st.query_params[LINK_PARAM] = value
    st.session_state[state.APPLIED_LINK] = value
    return f"{page_address()}?{LINK_PARAM}={value}"


def page_address() -> str:
    """``scheme://host/path`` of the page in the browser (without query); "" if unknown."""
    url = getattr(st.context, "url", None) or ""
    return url.split("?", 1)[0].split("#", 1)[0]


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
        notes = apply(scenario, pkg.selectable_years)
        if notes:
            notify("warning", "Szenario aus dem Link geladen, mit Anpassungen: " + " ".join(notes))
        return
    del st.query_params[LINK_PARAM]
    notify(
        "error",
        "Der Szenario-Link konnte nicht geladen werden; er wurde aus der Adresse entfernt. "
        + problem.removeprefix(f"{LINK_LABEL}: "),
    )
