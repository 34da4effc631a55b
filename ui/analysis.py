"""The accessibility analysis for the pages: assumptions from the session, cached results."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.access_adapter import AccessResult, SiteSelection, analyse
from geo.access_kernel import THRESHOLDS_M, WalkParams
from geo.demand import TARGET_GROUPS, TargetGroup, demand_grid
from geo.facilities import CATEGORIES
from geo.package import DataPackage
from indicators.composite import index_input, underserved
from maps.access_maps import cell_squares
from ui import data, state

#: Choices of the sidebar controls; a loaded scenario is fitted to them (ui.simulation.apply).
WALK_OPTIONS = list(THRESHOLDS_M)
DETOUR_RANGE = (1.0, 2.0)
SPEED_RANGE = (0.5, 1.5)
CATCHMENT_OPTIONS = [500, 800, 1000, 1500, 2000]


def target() -> TargetGroup:
    """The chosen target group."""
    return TARGET_GROUPS[st.session_state[state.TARGET]]


def params() -> WalkParams:
    """The chosen walking assumptions."""
    return WalkParams(
        max_walk_m=float(st.session_state[state.MAX_WALK]),
        detour=float(st.session_state[state.DETOUR]),
        speed_mps=float(st.session_state[state.SPEED]),
        catchment_m=float(st.session_state[state.CATCHMENT]),
    )


def selection() -> SiteSelection:
    """The chosen facility selection (the target group's categories unless changed)."""
    categories = st.session_state[state.SITE_CATEGORIES] or target().categories
    return SiteSelection(
        categories=tuple(categories),
        include_restricted=st.session_state[state.INCLUDE_RESTRICTED],
        include_unclear=st.session_state[state.INCLUDE_UNCLEAR],
    )


def sidebar_controls() -> None:
    """Assumptions of the analysis, shown in the sidebar of the analysis pages."""
    with st.sidebar.expander("Annahmen der Erreichbarkeit", expanded=True):
        st.selectbox(
            "Zielgruppe",
            list(TARGET_GROUPS),
            format_func=lambda t: TARGET_GROUPS[t].label,
            **state.bind(state.TARGET, reset=(state.SITE_CATEGORIES,)),
        )
        if st.session_state[state.SITE_CATEGORIES] is None:
            st.session_state[state.SITE_CATEGORIES] = list(target().categories)
        st.multiselect(
            "Einrichtungen, die zählen",
            list(CATEGORIES),
            format_func=CATEGORIES.get,
            placeholder="Kategorien wählen …",
            **state.bind(state.SITE_CATEGORIES),
        )
        st.checkbox(
            "auch eingeschränkt zugängliche (v. a. für Bewohner)",
            **state.bind(state.INCLUDE_RESTRICTED),
        )
        st.checkbox("auch Betrieb unklar", **state.bind(state.INCLUDE_UNCLEAR))
        st.select_slider("Gehdistanz (m)", options=WALK_OPTIONS, **state.bind(state.MAX_WALK))
        st.slider(
            "Umwegfaktor (Gehweg ÷ Luftlinie)", *DETOUR_RANGE, step=0.05, **state.bind(state.DETOUR)
        )
        st.slider("Gehtempo (m/s)", *SPEED_RANGE, step=0.05, **state.bind(state.SPEED))
        st.select_slider(
            "Einzugsbereich E2SFCA (m Gehweg)",
            options=CATCHMENT_OPTIONS,
            **state.bind(state.CATCHMENT),
        )
        st.caption(
            "Gehweg = Luftlinie × Umwegfaktor (kein Wegenetz). Einrichtungslagen sind ungefähr "
            "(Lage ± r m); daraus ergibt sich eine Spanne der Versorgung."
        )


@st.cache_data(max_entries=16, show_spinner=False)
def _demand(_package: DataPackage, version: str, year: int, target_id: str) -> gpd.GeoDataFrame:
    return demand_grid(_package.zensus, _package.statistik, year, TARGET_GROUPS[target_id])


@st.cache_data(max_entries=32, show_spinner="Erreichbarkeit wird berechnet …")
def _analyse(
    _package: DataPackage,
    version: str,
    year: int,
    target_id: str,
    walk: WalkParams,
    sites: SiteSelection,
) -> AccessResult:
    group = TARGET_GROUPS[target_id]
    grid = _demand(_package, version, year, target_id)
    return analyse(_package, year, group, walk, selection=sites, demand=grid)


def demand(pkg: DataPackage, year: int, target_id: str) -> gpd.GeoDataFrame:
    """The demand grid of a year and target group (cached)."""
    return _demand(pkg, pkg.version, year, target_id)


def result(pkg: DataPackage) -> AccessResult:
    """Accessibility for the current year, target group, selection and assumptions."""
    year = st.session_state[state.YEAR]
    return _analyse(pkg, pkg.version, year, target().id, params(), selection())


def index_inputs(pkg: DataPackage, access: AccessResult) -> pd.DataFrame:
    """Raw component values of the under-served index (with Bus & Bahn if it is weighted)."""
    indicators = data.indicator_table(pkg, access.year)
    by_transit = None
    if state.weights()["oepnv"] > 0:
        from ui import transit  # imported here: ui.transit builds on this module

        by_transit = transit.stadtteil_coverage(pkg, access)
    return index_input(indicators, access.coverage, indicators["einwohner"], by_transit)


@st.cache_data(max_entries=32, show_spinner=False)
def _ranking(
    _inputs: pd.DataFrame, key: tuple, weights: tuple[tuple[str, float], ...], min_people: float
) -> pd.DataFrame:
    return underserved(_inputs, dict(weights), min_people=min_people)


def ranking(pkg: DataPackage, access: AccessResult) -> pd.DataFrame:
    """The under-served index for the current assumptions and weights."""
    key = (pkg.version, access.year, target().id, params(), selection())
    if state.weights()["oepnv"] > 0:
        from ui import transit

        key += (transit.params(),)
    weights = tuple(sorted(state.weights().items()))
    min_people = float(st.session_state[state.MIN_PEOPLE])
    return _ranking(index_inputs(pkg, access), key, weights, min_people)


@st.cache_data(max_entries=4, show_spinner=False)
def _squares(_package: DataPackage, version: str) -> gpd.GeoSeries:
    return cell_squares(_package.zensus)


def squares(pkg: DataPackage) -> gpd.GeoSeries:
    """Grid cell squares in WGS84 (for the walking-time map)."""
    return _squares(pkg, pkg.version)
