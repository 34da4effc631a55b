"""The analysis for the pages: assumptions from the session, one cached :class:`Result`.

Every page reads its figures from :func:`result` – :func:`scenarios.evaluation.evaluate` of
the baseline of the sidebar's :class:`~scenarios.model.Assumptions`, as the PDF, the
downloads and the CLI compute them – so a figure never differs between them. The baseline is
cached on the assumptions alone, its walking access on the walking part of them.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo.analysis.access_adapter import AccessResult, SiteSelection
from geo.analysis.access_kernel import THRESHOLDS_M, WalkParams
from geo.analysis.demand import TARGET_GROUPS, TargetGroup, demand_grid
from geo.facilities import CATEGORIES
from geo.io.package import DataPackage
from indicators.format import format_number, format_short
from maps.access_maps import cell_squares
from scenarios.evaluation import (
    Baseline,
    Result,
    Walking,
    baseline,
    evaluate,
    overlay_access,
    walking,
)
from scenarios.model import Assumptions, Overlay
from ui import data, state, transit

#: Options of the sidebar's select sliders (a loaded scenario's own value is added).
DETOURS = tuple(round(1.0 + 0.05 * i, 2) for i in range(21))
SPEEDS = tuple(round(0.5 + 0.05 * i, 2) for i in range(21))
CATCHMENTS = (500, 800, 1000, 1500, 2000)
#: Options of the index weight sliders.
WEIGHT_STEPS = tuple(round(0.05 * i, 2) for i in range(21))


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


def assumptions() -> Assumptions:
    """The session's assumptions (the sidebar)."""
    return Assumptions(
        year=st.session_state[state.YEAR],
        target=target().id,
        params=params(),
        selection=selection(),
        weights=tuple(state.weights().items()),
        min_people=float(st.session_state[state.MIN_PEOPLE]),
        transit=transit.params(),
    )


def show_assumptions(a: Assumptions, years: list[int]) -> list[str]:
    """Set the sidebar to ``a`` (e.g. a loaded scenario's); the counterpart of :func:`assumptions`.

    The select sliders add a value that is not among their usual choices, so the figures
    stay those of ``a``. Only a year the package lacks is kept as it was.

    Returns
    -------
    list of str
        German notes on every value that was replaced (empty if none).
    """
    notes = []
    if a.year in years:
        st.session_state[state.YEAR] = a.year
    elif a.year is not None:
        notes.append(
            f"Das Jahr {a.year} ist im Datenpaket nicht enthalten; verwendet wird "
            f"{st.session_state[state.YEAR]}."
        )
    walk = a.params
    st.session_state[state.TARGET] = a.target
    st.session_state[state.SITE_CATEGORIES] = list(a.selection.categories)
    st.session_state[state.INCLUDE_RESTRICTED] = a.selection.include_restricted
    st.session_state[state.INCLUDE_UNCLEAR] = a.selection.include_unclear
    st.session_state[state.MAX_WALK] = _whole(walk.max_walk_m)
    st.session_state[state.DETOUR] = walk.detour
    st.session_state[state.SPEED] = walk.speed_mps
    st.session_state[state.CATCHMENT] = _whole(walk.catchment_m)
    for key, weight in a.weight_map.items():
        st.session_state[state.weight_key(key)] = weight
    st.session_state[state.MIN_PEOPLE] = a.min_people
    transit.show_params(a.transit)
    return notes


def _whole(value: float) -> float | int:
    """An integer where the value is whole (the sliders' options are integers)."""
    return int(value) if value % 1 == 0 else value


def options_with(options: tuple, key: str) -> list:
    """``options`` plus the stored value of ``key`` (e.g. 600 m from a loaded scenario).

    A select slider can only show one of its options; adding the stored value means a
    loaded scenario is shown as it is instead of being silently replaced.
    """
    value = st.session_state[key]
    return sorted({*options, value})


def metres(value: float) -> str:
    """``1.000 m``."""
    return f"{format_number(value)} m"


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
            select_all=False,  # Streamlit's "Select all" is English
            format_func=CATEGORIES.get,
            placeholder="Kategorien wählen …",
            **state.bind(state.SITE_CATEGORIES),
        )
        st.checkbox(
            "auch eingeschränkt zugängliche (v. a. für Bewohner)",
            **state.bind(state.INCLUDE_RESTRICTED),
        )
        st.checkbox("auch Betrieb unklar", **state.bind(state.INCLUDE_UNCLEAR))
        st.select_slider(
            "Gehdistanz",
            options=options_with(THRESHOLDS_M, state.MAX_WALK),
            format_func=metres,
            **state.bind(state.MAX_WALK),
        )
        st.select_slider(
            "Umwegfaktor (Gehweg ÷ Luftlinie)",
            options=options_with(DETOURS, state.DETOUR),
            format_func=format_short,
            **state.bind(state.DETOUR),
        )
        st.select_slider(
            "Gehtempo",
            options=options_with(SPEEDS, state.SPEED),
            format_func=lambda v: f"{format_short(v)} m/s",
            **state.bind(state.SPEED),
        )
        st.select_slider(
            "Einzugsbereich E2SFCA (Gehweg)",
            options=options_with(CATCHMENTS, state.CATCHMENT),
            format_func=metres,
            **state.bind(state.CATCHMENT),
        )
        st.caption(
            f"Gehweg = {walk_label(data.package())} (kein Wegenetz). Einrichtungslagen sind "
            "ungefähr (Lage ± r m); daraus ergibt sich eine Spanne der Versorgung."
        )


def walk_label(pkg: DataPackage) -> str:
    """How walking is measured with this package (names the Elbe rule with a barrier)."""
    return pkg.walk_metric(float(st.session_state[state.DETOUR])).label


# The analysis caches hand out one shared object (st.cache_resource) instead of an unpickled
# copy per run: results are read, never changed, and a click must not spend tens of
# milliseconds re-creating grids and rankings it already has.
@st.cache_resource(max_entries=16, show_spinner=False)
def _demand(_package: DataPackage, version: str, year: int, target_id: str) -> gpd.GeoDataFrame:
    return demand_grid(_package.zensus, _package.statistik, year, TARGET_GROUPS[target_id])


def demand(pkg: DataPackage, year: int, target_id: str) -> gpd.GeoDataFrame:
    """The demand grid of a year and target group (cached)."""
    return _demand(pkg, pkg.version, year, target_id)


@st.cache_resource(max_entries=16, show_spinner="Erreichbarkeit wird berechnet …")
def _walking(_package: DataPackage, version: str, key: Assumptions) -> Walking:
    return walking(_package, key, demand(_package, key.year, key.target))


def walking_of(pkg: DataPackage, a: Assumptions) -> Walking:
    """Walking access of the status quo (cached on the walking part of the assumptions)."""
    key = replace(a.walking, year=a.year or max(pkg.years))
    return _walking(pkg, pkg.version, key)


@st.cache_resource(max_entries=32, show_spinner=False)
def _overlay_access(
    _package: DataPackage, version: str, key: Assumptions, overlay: Overlay
) -> AccessResult:
    return overlay_access(_package, _walking(_package, version, key), overlay)


def access(pkg: DataPackage, a: Assumptions, overlay: Overlay | None = None) -> AccessResult:
    """Walking access with the assumptions, without or with an overlay (both cached).

    An overlay that only adds places measures just the new ones (see
    :func:`scenarios.evaluation.overlay_access`); a rerun for anything else (an index
    weight, a table toggle) reuses it.
    """
    walk = walking_of(pkg, a)
    if overlay is None or overlay.is_empty:
        return walk.access
    return _overlay_access(pkg, pkg.version, walk.assumptions, overlay)


@st.cache_resource(max_entries=16, show_spinner="Auswertung wird berechnet …")
def _baseline(_package: DataPackage, version: str, a: Assumptions, with_transit: bool) -> Baseline:
    feed = transit.feed(_package) if with_transit else None
    return baseline(_package, a, feed, walk=walking_of(_package, a))


@st.cache_resource(max_entries=32, show_spinner="Auswertung wird berechnet …")
def _result(
    _package: DataPackage, version: str, a: Assumptions, overlay: Overlay, with_transit: bool
) -> Result:
    # The baseline (access, ranking with its rank intervals, coverage ranges) is cached on
    # the assumptions alone; a changed overlay computes only the situation after.
    return evaluate(_baseline(_package, version, a, with_transit), overlay)


def result(
    pkg: DataPackage,
    overlay: Overlay | None = None,
    a: Assumptions | None = None,
    *,
    with_transit: bool = False,
) -> Result:
    """All figures for an overlay (default: none) on the assumptions (default: the sidebar's).

    Parameters
    ----------
    pkg : geo.io.package.DataPackage
        The session's package.
    overlay : Overlay, optional
        Places added or closed, crossings; default: none (the status quo).
    a : Assumptions, optional
        Default :func:`assumptions`.
    with_transit : bool
        Also compute Bus & Bahn (always done when the index weights it and a timetable
        exists).

    Raises
    ------
    ValueError
        German message (e.g. a new place outside the city).
    """
    a = a or assumptions()
    if a.year is None:
        a = replace(a, year=max(pkg.years))
    with_transit = (with_transit or a.weight_map["oepnv"] > 0) and pkg.gtfs_path is not None
    return _result(pkg, pkg.version, a, overlay or Overlay(), with_transit)


@st.cache_resource(max_entries=16, show_spinner=False)
def _gaps(_package: DataPackage, version: str, key: Assumptions, _result: Result) -> pd.DataFrame:
    from scenarios.gaps import result_gaps

    return result_gaps(_package, _result, after=False)


def gaps(pkg: DataPackage, res: Result) -> pd.DataFrame:
    """Data gaps of the status quo of ``res`` (cached: they depend on walking access only)."""
    return _gaps(pkg, pkg.version, res.assumptions.walking, res)


@st.cache_data(max_entries=4, show_spinner=False)
def _squares(_package: DataPackage, version: str) -> gpd.GeoSeries:
    return cell_squares(_package.zensus)


def squares(pkg: DataPackage) -> gpd.GeoSeries:
    """Grid cell squares in WGS84 (for the walking-time map)."""
    return _squares(pkg, pkg.version)
