"""Bus & Bahn in the app: the timetable, its assumptions and cached travel times."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from geo.access_adapter import AccessResult
from geo.crs import xy
from geo.gtfs import WEEKDAYS, Feed, read_feed
from geo.package import DataPackage
from geo.transit import TransitParams, TransitResult, footpaths, transit_access, transit_table
from ui import analysis, state


@st.cache_resource(show_spinner="Fahrplan wird gelesen und geprüft …")
def _feed(path: str, version: str, _package: DataPackage) -> Feed:
    # cache_resource: the timetable is large, read-only and shared by all sessions.
    return read_feed(_package.gtfs_path, _package.stadtgrenze)


def feed(pkg: DataPackage) -> Feed | None:
    """The validated timetable of the package, or None if the package has none."""
    if pkg.gtfs_path is None:
        return None
    return _feed(str(pkg.gtfs_path), pkg.version.split("+")[0], pkg)


def params() -> TransitParams:
    """Transit assumptions from the session (walking pace and detour as on the other pages)."""
    walk = analysis.params()
    start, end = st.session_state[state.TRANSIT_WINDOW]
    return TransitParams(
        weekday=int(st.session_state[state.TRANSIT_WEEKDAY]),
        start_min=int(start),
        end_min=int(end),
        max_access_m=float(st.session_state[state.TRANSIT_ACCESS]),
        transfer_penalty_min=float(st.session_state[state.TRANSIT_PENALTY]),
        speed_mps=walk.speed_mps,
        detour=walk.detour,
        max_minutes=float(st.session_state[state.TRANSIT_MINUTES]),
        wheelchair_only=bool(st.session_state[state.TRANSIT_WHEELCHAIR]),
    )


def controls() -> None:
    """Transit assumptions (on the Bus & Bahn page)."""
    minutes_col, day_col, window_col = st.columns(3)
    minutes_col.select_slider(
        "Erreichbar in höchstens (Minuten)",
        options=[10, 15, 20, 25, 30, 40, 45, 60],
        **state.bind(state.TRANSIT_MINUTES),
    )
    day_col.selectbox(
        "Wochentag",
        list(range(7)),
        format_func=WEEKDAYS.__getitem__,
        **state.bind(state.TRANSIT_WEEKDAY),
    )
    window_col.select_slider(
        "Abfahrtszeitraum",
        options=list(range(5 * 60, 23 * 60 + 1, 30)),
        # A range select_slider only reads back two values if its ``value`` is a pair.
        value=state.DEFAULTS[state.TRANSIT_WINDOW],
        format_func=lambda m: f"{m // 60:02d}:{m % 60:02d}",
        **state.bind(state.TRANSIT_WINDOW),
    )
    access_col, penalty_col, wheel_col = st.columns(3)
    access_col.select_slider(
        "Weg zur/von der Haltestelle (m)",
        options=[200, 300, 400, 500, 600, 800],
        **state.bind(state.TRANSIT_ACCESS),
    )
    penalty_col.slider("Umstiegszuschlag (Minuten)", 0, 15, **state.bind(state.TRANSIT_PENALTY))
    wheel_col.checkbox("nur barrierefreie Haltestellen", **state.bind(state.TRANSIT_WHEELCHAIR))


@st.cache_data(max_entries=32, show_spinner="Reisezeiten mit Bus & Bahn werden berechnet …")
def _access(
    _feed: Feed, feed_key: str, cells_xy: np.ndarray, places_xy: np.ndarray, transit: TransitParams
) -> TransitResult:
    return transit_access(
        _feed,
        cells_xy,
        places_xy,
        transit,
        paths=_paths(_feed, feed_key, transit.transfer_walk_m, transit.detour, transit.speed_mps),
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _paths(_feed: Feed, feed_key: str, walk_m: float, detour: float, speed: float):
    return footpaths(_feed, TransitParams(transfer_walk_m=walk_m, detour=detour, speed_mps=speed))


def access(pkg: DataPackage, result: AccessResult, sites=None) -> TransitResult | None:
    """Median door-to-door minutes from the cells of ``result`` to the nearest site (cached).

    ``sites`` defaults to the sites of ``result`` (the simulation passes the scenario's).
    """
    timetable = feed(pkg)
    if timetable is None:
        return None
    key = f"{pkg.gtfs_path}:{pkg.version.split('+')[0]}"
    places = result.sites if sites is None else sites
    return _access(timetable, key, xy(result.cells), xy(places), params())


def stadtteil_coverage(pkg: DataPackage, result: AccessResult) -> pd.DataFrame | None:
    """Coverage by Bus & Bahn (and on foot) per Stadtteil; None without a timetable."""
    travel = access(pkg, result)
    return None if travel is None else transit_table(result, travel)
