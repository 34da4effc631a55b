"""Bus & Bahn in the app: the timetable and its assumptions from the session."""

from __future__ import annotations

import streamlit as st

from geo.analysis.transit import TransitParams
from geo.io.gtfs import WEEKDAYS, Feed
from geo.io.package import DataPackage
from geo.io.package_cache import read_feed_cached
from indicators.format import format_short
from ui import state


@st.cache_resource(show_spinner="Fahrplan wird gelesen und geprüft …")
def _feed(path: str, version: str, _package: DataPackage) -> Feed:
    # cache_resource: the timetable is large, read-only and shared by all sessions; a new
    # server process takes it from the on-disk cache instead of parsing it again.
    return read_feed_cached(_package.gtfs_path, _package.stadtgrenze)


def feed(pkg: DataPackage) -> Feed | None:
    """The validated timetable of the package, or None if the package has none."""
    if pkg.gtfs_path is None:
        return None
    return _feed(str(pkg.gtfs_path), pkg.version.split("+")[0], pkg)


def params() -> TransitParams:
    """Transit assumptions from the session (pace and detour follow the walking assumptions)."""
    start, end = st.session_state[state.TRANSIT_WINDOW]
    return TransitParams(
        weekday=int(st.session_state[state.TRANSIT_WEEKDAY]),
        start_min=int(start),
        end_min=int(end),
        max_access_m=float(st.session_state[state.TRANSIT_ACCESS]),
        transfer_penalty_min=float(st.session_state[state.TRANSIT_PENALTY]),
        max_minutes=float(st.session_state[state.TRANSIT_MINUTES]),
        wheelchair_only=bool(st.session_state[state.TRANSIT_WHEELCHAIR]),
    )


def show_params(bus: TransitParams) -> None:
    """Set the Bus & Bahn controls to ``bus`` (the counterpart of :func:`params`)."""
    st.session_state[state.TRANSIT_MINUTES] = bus.max_minutes
    st.session_state[state.TRANSIT_WEEKDAY] = bus.weekday
    st.session_state[state.TRANSIT_WINDOW] = (bus.start_min, bus.end_min)
    st.session_state[state.TRANSIT_ACCESS] = bus.max_access_m
    st.session_state[state.TRANSIT_PENALTY] = bus.transfer_penalty_min
    st.session_state[state.TRANSIT_WHEELCHAIR] = bus.wheelchair_only


def _options_with(options: list, key: str) -> list:
    return sorted({*options, st.session_state[key]})


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d} Uhr"


def controls() -> None:
    """Transit assumptions (on the Bus & Bahn page)."""
    minutes_col, day_col, window_col = st.columns(3)
    minutes_col.select_slider(
        "Erreichbar in höchstens",
        options=_options_with([10, 15, 20, 25, 30, 40, 45, 60], state.TRANSIT_MINUTES),
        format_func=lambda m: f"{format_short(m)} min",
        **state.bind(state.TRANSIT_MINUTES),
    )
    day_col.selectbox(
        "Wochentag",
        list(range(7)),
        format_func=WEEKDAYS.__getitem__,
        **state.bind(state.TRANSIT_WEEKDAY),
    )
    window = st.session_state[state.TRANSIT_WINDOW]
    window_col.select_slider(
        "Abfahrtszeitraum",
        options=sorted({*range(5 * 60, 23 * 60 + 1, 30), *window}),
        # A range select_slider only reads back two values if its ``value`` is a pair.
        value=state.DEFAULTS[state.TRANSIT_WINDOW],
        format_func=_hhmm,
        **state.bind(state.TRANSIT_WINDOW),
    )
    access_col, penalty_col, wheel_col = st.columns(3)
    access_col.select_slider(
        "Weg zur/von der Haltestelle",
        options=_options_with([200, 300, 400, 500, 600, 800], state.TRANSIT_ACCESS),
        format_func=lambda m: f"{format_short(m)} m",
        **state.bind(state.TRANSIT_ACCESS),
    )
    penalty_col.select_slider(
        "Umstiegszuschlag",
        options=_options_with(list(range(16)), state.TRANSIT_PENALTY),
        format_func=lambda m: f"{format_short(m)} min",
        **state.bind(state.TRANSIT_PENALTY),
    )
    wheel_col.checkbox("nur barrierefreie Haltestellen", **state.bind(state.TRANSIT_WHEELCHAIR))
