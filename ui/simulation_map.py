"""The Standortsimulation's map: base data, layers, candidates and gap warnings (cached)."""

from __future__ import annotations

import folium
import geopandas as gpd
import streamlit as st

from geo.analysis.barrier import closed_crossings
from geo.areas import stadtteil_at
from geo.io.package import DataPackage
from maps.scenario_maps import BaseData, base_data, layer_data, layers
from scenarios.evaluation import Result, transit_gain_cells
from scenarios.model import Assumptions, Overlay
from ui import analysis, state
from ui.proposals import shown_proposal


@st.cache_resource(max_entries=8, show_spinner=False)
def _candidates(_package: DataPackage, version: str, a: Assumptions, overlay: Overlay):
    from scenarios.proposals import candidate_pool

    return candidate_pool(_package, analysis.access(_package, a, overlay), "facilities")


def facility_candidates(pkg: DataPackage, ev: Result):
    """Existing places of other operators that could host senior offers.

    They depend on which places count and which are closed, not on the new ones: a click
    never recomputes them.
    """
    closed = Overlay(removed=ev.overlay.removed)
    return _candidates(pkg, pkg.version, ev.assumptions.walking, closed)


@st.cache_resource(max_entries=512, show_spinner=False)
def _site_warnings(
    _package: DataPackage, version: str, key: int, lon: float, lat: float, _ev: Result
) -> tuple[str, ...]:
    from geo.crs import lonlat_to_metric
    from register.completeness import site_warnings

    point = lonlat_to_metric(lon, lat)[0]
    nr = stadtteil_at(_package.stadtteile, lon, lat)
    name = "" if nr is None else str(_package.stadtteile.at[nr, "stadtteil"])
    closed = frozenset(_ev.overlay.removed)
    return tuple(site_warnings(_ev.before, point, nr, name, closed))


def site_warnings(pkg: DataPackage, ev: Result) -> list[tuple[str, ...]]:
    """Gap warnings per new place (:func:`register.completeness.site_warnings`).

    Cached per place (keyed by the status quo's assumptions and the closed places – a plain
    hash, so a rerun does not hash whole scenarios): a click measures only the place it adds.
    """
    key = hash((ev.assumptions.walking, ev.overlay.removed))
    return [
        _site_warnings(pkg, pkg.version, key, site.lon, site.lat, ev) for site in ev.overlay.added
    ]


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
    overlay = ev.overlay
    key = (
        ev.assumptions.walking, overlay, ev.assumptions.transit,
        ev.travel_after is not None, candidates is not None,
        None if shown is None else (id(shown[0]), *shown[1]),
    )  # fmt: skip
    stored = st.session_state[state.SIM_LAYERS]
    if stored is None or stored[0] != key:
        data = layer_data(
            ev.before.cells["versorgt"].to_numpy(),
            ev.after.cells["versorgt"].to_numpy(),
            ev.after.sites,
            pkg.einrichtungen[pkg.einrichtungen["id"].isin(overlay.removed)],
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
