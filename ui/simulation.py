"""The current scenario in the session: parameters, cached evaluation, store and links."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import folium
import geopandas as gpd
import streamlit as st

from geo.areas import stadtteil_at
from geo.barrier import closed_crossings
from geo.package import DataPackage
from maps.scenario_maps import BaseData, base_data, layer_data, layers
from scenarios.exchange import LINK_LABEL, read_link, to_url_param
from scenarios.model import MAX_CROSSINGS, NewCrossing, NewSite, Scenario
from scenarios.placement import place
from scenarios.result import Result, base_of, scenario_barrier, transit_gain_cells
from scenarios.result import check_fits as scenario_fits
from scenarios.store import Loaded, ScenarioStore, store_dir
from ui import analysis, data, state
from ui.auth import SCENARIO_WRITES, Guarded
from ui.markup import md

if TYPE_CHECKING:  # the optimiser (scipy.optimize) is imported when a page first needs it
    from scenarios.proposals import Proposal

LINK_PARAM = "szenario"
LOGGER = logging.getLogger("begegnungsatlas")


def current() -> Scenario:
    """The session's scenario with the assumptions currently set in the sidebar."""
    scenario: Scenario = st.session_state[state.SCENARIO]
    settings = analysis.assumptions()
    return replace(
        settings, name=scenario.name, added=scenario.added, removed=scenario.removed,
        note=scenario.note, created=scenario.created, package_version=scenario.package_version,
        crossings_added=scenario.crossings_added, crossings_closed=scenario.crossings_closed,
    )  # fmt: skip


def set_scenario(scenario: Scenario, *, keep_proposal: bool = False) -> None:
    """Replace the session's scenario (places only; parameters stay as set).

    A shown proposal belongs to the scenario it was computed for; it is dropped unless
    ``keep_proposal`` (when one of its own sites is taken over).
    """
    st.session_state[state.SCENARIO] = scenario
    if not keep_proposal:
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


def remove_site(index: int) -> None:
    """Callback of "entfernen": the new site at ``index`` leaves the scenario."""
    set_scenario(st.session_state[state.SCENARIO].without_site(index))


def close_places() -> None:
    """Callback of the multiselect of places switched off in the scenario."""
    closed = tuple(st.session_state[state.CLOSE_PICK])
    set_scenario(replace(st.session_state[state.SCENARIO], removed=closed))


def close_crossings() -> None:
    """Callback of the multiselect of Elbe crossings closed in the scenario."""
    closed = tuple(st.session_state[state.CROSSING_CLOSE_PICK])
    set_scenario(replace(st.session_state[state.SCENARIO], crossings_closed=closed))


def add_crossing(crossing: NewCrossing) -> None:
    """Add an Elbe crossing to the scenario if it lies on the river (else a warning)."""
    pkg = data.package()
    scenario = st.session_state[state.SCENARIO]
    if any(c.name == crossing.name for c in scenario.crossings_added):
        warn(f"Die Querung „{crossing.name}“ ist schon im Szenario.")
        return
    if len(scenario.crossings_added) >= MAX_CROSSINGS:
        warn(f"Ein Szenario kann höchstens {MAX_CROSSINGS} Querungen ergänzen.")
        return
    changed = replace(scenario, crossings_added=(*scenario.crossings_added, crossing))
    try:
        scenario_barrier(pkg, changed)
    except ValueError as error:
        warn(str(error))
        return
    set_scenario(changed)


def remove_crossing(index: int) -> None:
    """Callback of "entfernen" next to an added Elbe crossing."""
    scenario = st.session_state[state.SCENARIO]
    kept = tuple(c for i, c in enumerate(scenario.crossings_added) if i != index)
    set_scenario(replace(scenario, crossings_added=kept))


def add_site(site: NewSite) -> None:
    """Add a place to the session's scenario, checked like a click (warning if refused)."""
    add(site.lon, site.lat, site.source, ref=site.ref, name=site.name)


def evaluation(pkg: DataPackage, scenario: Scenario) -> Result:
    """Status quo vs. scenario (cached); with Bus & Bahn when the page asks for it."""
    return analysis.result(pkg, scenario, with_transit=bool(st.session_state[state.SIM_TRANSIT]))


def safe_evaluation(pkg: DataPackage, scenario: Scenario) -> tuple[Result, str | None]:
    """:func:`evaluation`, or the status quo and the German reason when the scenario fails.

    The page then shows the reason with a "Szenario leeren" button and still draws its map
    and controls. A failing status quo (e.g. all index weights 0) raises ValueError.
    """
    try:
        return evaluation(pkg, scenario), None
    except ValueError as error:
        return evaluation(pkg, base_of(scenario)), str(error)


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


def warn(text: str) -> None:
    """Show ``text`` as a warning in the next run of the page (from a callback)."""
    st.session_state[state.SIM_WARNINGS] = (*st.session_state[state.SIM_WARNINGS], text)


def show_warnings() -> None:
    """Show and forget the warnings of :func:`warn` – as toasts.

    A toast neither pushes the map down nor stays on the page after later clicks.
    """
    for text in st.session_state[state.SIM_WARNINGS]:
        st.toast(text, icon=":material/wrong_location:", duration="long")
    st.session_state[state.SIM_WARNINGS] = ()


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
    current_scenario = st.session_state[state.SCENARIO]
    try:
        scenario = place(
            current_scenario, lon, lat, pkg.stadtteile, stops(pkg), source=source, ref=ref,
            name=name, water=None,  # water areas: pass them here once the package has them
        )  # fmt: skip
    except ValueError as error:
        warn(str(error))
        return False
    set_scenario(scenario, keep_proposal=source == "vorschlag")
    return True


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


@st.cache_resource(max_entries=8, show_spinner=False)
def _candidates(_package: DataPackage, version: str, key: Scenario):
    from scenarios.proposals import candidate_pool

    return candidate_pool(_package, analysis.access(_package, key), "facilities")


def facility_candidates(pkg: DataPackage, scenario: Scenario):
    """Existing places of other operators that could host senior offers.

    They depend on which places count and which are closed, not on the new ones: a click
    never recomputes them.
    """
    key = replace(analysis.access_key(scenario), removed=scenario.removed)
    return _candidates(pkg, pkg.version, key)


@st.cache_resource(max_entries=512, show_spinner=False)
def _site_warnings(
    _package: DataPackage, version: str, key: int, lon: float, lat: float, _ev: Result
) -> tuple[str, ...]:
    from geo.crs import lonlat_to_metric
    from register.completeness import site_warnings

    point = lonlat_to_metric(lon, lat)[0]
    nr = stadtteil_at(_package.stadtteile, lon, lat)
    name = "" if nr is None else str(_package.stadtteile.at[nr, "stadtteil"])
    closed = frozenset(_ev.scenario.removed)
    return tuple(site_warnings(_ev.before, point, nr, name, closed))


def site_warnings(pkg: DataPackage, ev: Result) -> list[tuple[str, ...]]:
    """Gap warnings per new place (:func:`register.completeness.site_warnings`).

    Cached per place (keyed by the status quo's assumptions and the closed places – a plain
    hash, so a rerun does not hash whole scenarios): a click measures only the place it adds.
    """
    key = hash((analysis.access_key(ev.scenario), ev.scenario.removed))
    return [
        _site_warnings(pkg, pkg.version, key, site.lon, site.lat, ev) for site in ev.scenario.added
    ]


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


@st.cache_resource(max_entries=4, show_spinner=False)
def _map_base(_package: DataPackage, version: str) -> BaseData:
    return base_data(_package.stadtteile, _package.zensus)


def map_base(pkg: DataPackage) -> BaseData:
    """Stadtteile, names and the grid of the simulation map, prepared once per package."""
    return _map_base(pkg, pkg.version)


def map_layers(
    pkg: DataPackage, ev: Result, candidates: gpd.GeoDataFrame | None, transit_label: str
) -> folium.FeatureGroup:
    """The scenario's map layers (cells, places, candidates, proposal, legend).

    Their data is kept while nothing on the map changes: a rerun for an index weight or a
    table toggle neither rebuilds nor resends the map.
    """
    shown = shown_proposal()
    scenario = ev.scenario
    key = (
        analysis.access_key(scenario), scenario.added, scenario.removed, scenario.transit,
        scenario.crossings_added, scenario.crossings_closed,
        ev.travel_after is not None, candidates is not None,
        None if shown is None else (id(shown[0]), *shown[1]),
    )  # fmt: skip
    stored = st.session_state[state.SIM_LAYERS]
    if stored is None or stored[0] != key:
        data = layer_data(
            ev.before.cells["versorgt"].to_numpy(),
            ev.after.cells["versorgt"].to_numpy(),
            ev.after.sites,
            pkg.einrichtungen[pkg.einrichtungen["id"].isin(scenario.removed)],
            ev.after.params,
            candidates=candidates,
            proposal=None if shown is None else shown[0].sites,
            proposal_taken=None if shown is None else shown[1],
            transit_gain=transit_gain_cells(ev),
            transit_label=transit_label,
            closed=closed_crossings(pkg.barrier, ev.after.params.barrier),
        )
        stored = (key, data)
        st.session_state[state.SIM_LAYERS] = stored
    return layers(stored[1])
